import Foundation
import Model
import Testing
import Analysis

/// The repetition hunt run, sharded and merged in Analysis, without the command line.
@Suite struct RepetitionReportTests {
    /// A data set of the committed clips and an unreadable row: the unreadable row is kept as
    /// skipped, and two shards merged give the unsharded report's JSON exactly.
    @Test func shardsMergeToTheUnshardedHunt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-rep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tsv = dir.appendingPathComponent("set.tsv")
        try ("path\n" + AnalysisSupport.clips.prefix(2).joined(separator: "\n") + "\n\(dir.path)/missing.wav\n").write(to: tsv, atomically: true, encoding: .utf8)
        let set = try LabelledSet(tsv: tsv.path)
        let model = try AnalysisSupport.model("tiny.en")
        let settings = RepetitionHunt.Settings(snrDB: [0], keep: 0.6, reference: .silence)
        var skipped: [InputError] = []
        let all = try RepetitionHunt.run(set, indices: Array(set.rows.indices), model: model, settings: settings, events: ExperimentEvents(skipped: { skipped.append($0) }))
        #expect(skipped == [InputError("\(dir.path)/missing.wav", "no such file")])
        #expect(all.map { $0.cases?.map(\.condition) ?? [] }.prefix(2).allSatisfy { $0 == ["plain", "noisy 0dB", "truncated"] })
        let digest = set.digest(rows: Array(set.rows.indices))
        let whole = RepetitionReport(model: model, data: "set.tsv", rows: 3, dataSHA256: digest, settings: settings, records: all, seconds: 2)
        #expect(whole.examined == 2 && whole.summary.loops == 0)
        let parts = try (0..<2).map { i -> PartFile.Part in
            let shard = try Shard("\(i)/2")
            let mine = all.filter { shard.owns($0.row) }
            let header = RepetitionReport(model: model, data: "set.tsv", rows: 3, dataSHA256: digest, settings: settings, records: mine, seconds: 1).header
            return try PartFile.parse(PartFile.text(kind: "repetition", shard: shard, header: header, records: mine, seconds: 1, modelSHA256: "weights"), source: "p\(i)")
        }
        let merged = try RepetitionReport(parts: parts)
        #expect(try JSONText.encode(merged) == JSONText.encode(whole))
        #expect(merged.lines == whole.lines)
        // A part that lost a row, or holds one twice, does not merge into a smaller or skewed hunt.
        let header = parts[1].header
        let lost = try PartFile.parse(PartFile.text(kind: "repetition", shard: Shard("1/2"), header: whole.header, records: [RepetitionHunt.Record](), seconds: 1, modelSHA256: "weights"), source: "lost")
        #expect(header == lost.header)
        #expect(throws: InputError("lost", "lacks row 1; was the part edited, or its run cut short?")) { try RepetitionReport(parts: [parts[0], lost]) }
        let twice = try PartFile.parse(PartFile.text(kind: "repetition", shard: Shard("0/2"), header: whole.header, records: all.filter { $0.row == 0 } + all.filter { $0.row == 0 }, seconds: 1, modelSHA256: "weights"), source: "twice")
        #expect(throws: InputError("twice", "row 0 is given twice (also in twice)")) { try RepetitionReport(parts: [twice, parts[1]]) }

        // A report takes the parts only for the model and the data they were hunted on.
        try merged.checkFits(model: "tiny.en", set: set, data: tsv.path, source: "p0")
        #expect(throws: InputError("p0", "is a repetition part of tiny.en, not base")) {
            try merged.checkFits(model: "base", set: set, data: tsv.path, source: "p0")
        }
        let other = dir.appendingPathComponent("other.tsv")
        try ("path\n" + AnalysisSupport.clips.prefix(2).reversed().joined(separator: "\n") + "\n\(dir.path)/missing.wav\n").write(to: other, atomically: true, encoding: .utf8)
        #expect(throws: InputError("p0", "was hunted on other data than \(other.path) now holds (its data_sha256 differs: labels or audio changed)")) {
            try merged.checkFits(model: "tiny.en", set: LabelledSet(tsv: other.path), data: other.path, source: "p0")
        }
        try ("path\n" + AnalysisSupport.clips.prefix(4).joined(separator: "\n") + "\n").write(to: other, atomically: true, encoding: .utf8)
        #expect(throws: InputError("p0", "was hunted on 3 rows, but \(other.path) has 4")) {
            try merged.checkFits(model: "tiny.en", set: LabelledSet(tsv: other.path), data: other.path, source: "p0")
        }
    }
}

/// Shards may be run over several sessions: each part records the asrlens commit that wrote it,
/// the merge accepts parts of one run from different commits, and the report names them.
@Suite struct RepetitionPartCommitTests {
    @Test func aReportNamesTheCommitsThatWroteItsMergedParts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-parts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try AnalysisSupport.model("tiny.en")
        let settings = RepetitionHunt.Settings(snrDB: [0], keep: 0.6, reference: .silence)
        let header = RepetitionReport(model: model, data: "set.tsv", rows: 3, settings: settings, records: [], seconds: 1).header
        func part(_ i: Int, of n: Int, commit: String) throws -> String {
            let path = dir.appendingPathComponent("p\(i)").path
            // Each part holds its shard's one row of three, skipped (no audio needed).
            try PartFile.text(kind: "repetition", shard: Shard("\(i)/\(n)"), header: header,
                              records: [RepetitionHunt.Record(row: i, path: "c\(i).wav", skipped: "no such file")], seconds: 1, modelSHA256: "weights", commit: commit)
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let paths = try [part(0, of: 3, commit: "aaaa"), part(1, of: 3, commit: "bbbb"), part(2, of: 3, commit: "aaaa")]
        let parts = try PartFile.readSet(paths)
        #expect(parts.map(\.commit) == ["aaaa", "bbbb", "aaaa"])
        var report = Report(model: model, clip: "c.wav", data: [], command: "asrlens report")
        try report.addRepetition(RepetitionReport(parts: parts), parts: parts, model: model)
        let text = MarkdownReport.render(report)
        #expect(text.contains("The parts were written by asrlens at commits `aaaa`, `bbbb`."))
        #expect(text.contains("except those of the repetition section, which merges the parts of a sharded run named there"))

        // A part written before parts recorded their commit is named as such.
        let old = try String(contentsOfFile: paths[1], encoding: .utf8)
            .replacingOccurrences(of: #""asrlens_commit":"bbbb","#, with: "").replacingOccurrences(of: #","asrlens_commit":"bbbb""#, with: "")
            .replacing(#/"content_sha256":"[0-9a-f]+",?/#, with: "")   // nor a checksum
        #expect(!old.contains("asrlens_commit"))
        try old.write(toFile: paths[1], atomically: true, encoding: .utf8)
        let mixed = try PartFile.readSet(paths)
        #expect(mixed.map(\.commit) == ["aaaa", nil, "aaaa"])
        var second = Report(model: model, clip: "c.wav", data: [], command: "asrlens report")
        try second.addRepetition(RepetitionReport(parts: mixed), parts: mixed, model: model)
        #expect(MarkdownReport.render(second).contains("The parts were written by asrlens at commit `aaaa`. `\(paths[1])` does not record the asrlens commit that wrote it."))
    }
}

/// What counts as a patch improving a loop, on the issue's own examples.
@Suite struct LoopImprovementTests {
    static let spoken = "The lamp on the desk was still warm when she came back."
    static let loop = "The lamp on the desk was still warm when the the the the the the the the the the the the"

    /// An unrelated sentence stops the loop but says nothing spoken, though its WER is below the
    /// loop's (above 1, from the inserted repeats): not an improvement.
    /// `--keep 0.001` left a 3 s clip 29 samples, less than a frame: the row was skipped whole,
    /// its plain and noisy conditions too. The truncated condition keeps at least one frame.
    @Test func aTinyKeepStillLeavesOneFrameToTranscribe() throws {
        let samples = try AudioFile.load(AnalysisSupport.clips[0])
        var settings = RepetitionHunt.Settings()
        settings.keep = 0.001
        let cases = RepetitionHunt.conditions(samples, settings: settings, seed: 1)
        #expect(cases.map(\.0) == settings.conditions && cases.last?.1.count == LogMel.hop)
        _ = try Engine(model: AnalysisSupport.model("tiny.en"), samples: cases.last!.1)   // transcribable
        settings.keep = 0.5
        #expect(RepetitionHunt.conditions(samples, settings: settings, seed: 1).last?.1 == Array(samples.prefix(samples.count / 2)))
    }

    @Test func anUnrelatedSentenceDoesNotImproveALoop() {
        let loopWER = WordErrorRate.of(reference: Self.spoken, hypothesis: "you " + String(repeating: "thank you so much for watching ", count: 4))
        #expect(loopWER > 1)
        #expect(WordErrorRate.of(reference: Self.spoken, hypothesis: "I'm going to try to do this.") < loopWER)
        #expect(!RepetitionHunt.improves("I'm going to try to do this.", on: loopWER, reference: Self.spoken))
        #expect(!RepetitionHunt.improves("you", on: loopWER, reference: Self.spoken))
    }

    /// The spoken sentence, or most of it, improves a loop; something worse than the loop does not.
    @Test func aTranscriptCloserToTheWordsImprovesALoop() {
        let loopWER = WordErrorRate.of(reference: Self.spoken, hypothesis: Self.loop)
        #expect(RepetitionHunt.improves(Self.spoken, on: loopWER, reference: Self.spoken))
        #expect(RepetitionHunt.improves("The lamp on the desk was warm when she came.", on: loopWER, reference: Self.spoken))
        #expect(!RepetitionHunt.improves("The lamp", on: 0.5, reference: Self.spoken))
    }
}

/// Repeated speech transcribed faithfully is no hallucinated loop; repeats beyond it are.
struct HallucinatedLoopTests {
    @Test func aTranscriptOfRepeatedSpeechIsNotALoopUnlessItAddsWords() {
        let said = "Thank you, thank you, thank you."
        #expect(!RepetitionHunt.isHallucinatedLoop(said, reference: said))
        #expect(!RepetitionHunt.isHallucinatedLoop("Bye, bye, bye, bye.", reference: "bye bye bye bye bye"))
        #expect(RepetitionHunt.isHallucinatedLoop(said + " Thank you, thank you.", reference: said))
        #expect(RepetitionHunt.isHallucinatedLoop("the cut, the cut, the cut.", reference: "the cut"))
        #expect(RepetitionHunt.isHallucinatedLoop("the cut, the cut, the cut.", reference: nil))
        #expect(!RepetitionHunt.isHallucinatedLoop("the cut.", reference: nil))
    }
}
