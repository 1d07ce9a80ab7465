import Foundation
import Model
import Testing
import Analysis

/// Sweeps run, sharded and merged in Analysis itself, without the command line.
@Suite struct SweepReportTests {
    /// Two shards written as part files and merged give the unsharded sweep's JSON exactly
    /// (wall times aside), for a component sweep and a head sweep.
    /// Parts of sweeps with different sources differ in the counts that follow from the source
    /// too (reference_layers); the refusal names the source, the setting the user chose.
    @Test func aMergeRefusalNamesTheChosenSettingBeforeTheCountsItImplies() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = try [("zero", 0), ("silence", 8)].enumerated().map { i, setting in
            let path = dir.appendingPathComponent("p\(i)").path
            try "{\"asrlens_part\":\"sweep\",\"shard\":\(i),\"of\":2,\"source\":\"\(setting.0)\",\"reference_layers\":\(setting.1)}\n{\"end\":true,\"seconds\":1}\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        #expect(throws: InputError(paths[1], "belongs to a different run than \(paths[0]) (its setting 'source' differs)")) { try PartFile.readSet(paths) }
    }

    /// Parts record the SHA-256 of the weights that made them: a copy of a model under the same
    /// name with other weights (fine-tuned, damaged) does not merge with the original's parts.
    @Test func partsOfOneNamesDifferentWeightsDoNotMerge() throws {
        let model = try AnalysisSupport.model("tiny.en")
        let real = try model.weightsSHA256()
        #expect(real == ModelCatalog.entries.first { $0.name == "tiny.en" }?.sha256, "the hash of model.bin, as the install verified it")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        struct Header: Encodable { let model = "tiny.en" }
        let paths = try [real, String(repeating: "0", count: 64)].enumerated().map { i, weights in
            let path = dir.appendingPathComponent("p\(i)").path
            try PartFile.text(kind: "sweep", shard: Shard("\(i)/2"), header: Header(), records: [Int](), seconds: 1, modelSHA256: weights)
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        #expect(throws: InputError(paths[1], "belongs to a different run than \(paths[0]) (its model's weights differ (model_sha256), though the name may be the same)")) {
            try PartFile.readSet(paths)
        }
        // A part from before parts recorded the hash is named as such.
        try "{\"asrlens_part\":\"sweep\",\"shard\":1,\"of\":2,\"model\":\"tiny.en\"}\n{\"end\":true,\"seconds\":1}\n"
            .write(toFile: paths[1], atomically: true, encoding: .utf8)
        #expect(throws: InputError(paths[1], "belongs to a different run than \(paths[0]) (one of the two parts predates the weights' hash (model_sha256); run that shard again)")) {
            try PartFile.readSet(paths)
        }
    }

    @Test(arguments: [Sweep.Kind.component(.residPost, window: 500), .heads])
    func shardsMergeToTheUnshardedSweep(kind: Sweep.Kind) throws {
        // One engine per run, as each shard is its own process (a reference is built once per engine).
        let model = try AnalysisSupport.model("tiny.en"), samples = try AudioFile.load(AnalysisSupport.clips[2])
        func engine() throws -> Engine { try Engine(model: model, samples: samples) }
        let source: PatchSource = kind == .heads ? .zero : .silence
        let whole = SweepReport(sweep: try Sweep(engine: engine(), kind: kind, source: source), model: "tiny.en", clip: "c.wav", windowSHA256: nil, seconds: 2)
        let parts = try (0..<2).map { i -> PartFile.Part in
            let shard = try Shard("\(i)/2")
            let sweep = try Sweep(engine: engine(), kind: kind, source: source, owns: shard.owns)
            let report = SweepReport(sweep: sweep, model: "tiny.en", clip: "c.wav", windowSHA256: nil, seconds: 1)
            let text = try PartFile.text(kind: "sweep", shard: shard, header: report.header, records: sweep.cells.map(SweepReport.Record.init), seconds: 1, modelSHA256: "weights")
            return try PartFile.parse(text, source: "part-\(i)")
        }
        let merged = try SweepReport(parts: parts.reversed())
        #expect(whole.sweep.cells.count == whole.sweep.plannedCells && merged.sweep.cells.count == whole.sweep.cells.count)
        #expect(try JSONText.encode(merged) == JSONText.encode(whole))
        #expect(merged.text.dropLast() == whole.text.dropLast(), "the plots; the last line has the wall time")
        // A part whose cell 2 was relabelled cell 0 names the cell given twice (it said only "the
        // parts hold 16 cells of a sweep of 16").
        let shard = try Shard("0/2")
        let text = try PartFile.text(kind: "sweep", shard: shard, header: whole.header,
                                     records: whole.sweep.cells.filter { shard.owns($0.index) }.map(SweepReport.Record.init), seconds: 1, modelSHA256: "weights")
        #expect(text.contains(#""cell":2,"#))
        let edited = text.replacingOccurrences(of: #""cell":2,"#, with: #""cell":0,"#)
        #expect(throws: InputError("part-0", "its lines do not match the checksum on its end line (content_sha256); was the part edited? Run its shard again")) {
            try PartFile.parse(edited, source: "part-0")
        }
        // A part from before parts carried a checksum is still checked cell by cell.
        let tampered = try PartFile.parse(edited.replacing(#/"content_sha256":"[0-9a-f]+",?/#, with: ""), source: "part-0")
        #expect(throws: InputError("part-0", "cell 0 is given twice (also in part-0)")) { try SweepReport(parts: [tampered, parts[1]]) }
    }

    /// `--attention-window K` in a sweep: each cell is exactly its patch run with the window, the
    /// window alone is measured once, and shards carrying it merge to the unsharded sweep.
    @Test func aSweepWithAnAttentionWindowRunsEachCellWithTheWindowAndMergesFromShards() throws {
        let model = try AnalysisSupport.model("tiny.en"), samples = try AudioFile.load(AnalysisSupport.clips[2])
        func engine() throws -> Engine { try Engine(model: model, samples: samples) }
        let kind = Sweep.Kind.component(.crossOut, window: 6), k = 20
        let e = try engine()
        let whole = try Sweep(engine: e, kind: kind, source: .zero, attentionWindow: k)
        let alone = try e.run(PatchSet(attentionWindow: k), useMemo: false)
        #expect(whole.windowAlone?.text == alone.text && whole.windowAlone?.wer == WordErrorRate.of(reference: e.clean.text, hypothesis: alone.text))
        for cell in [whole.cells[0], whole.cells[whole.cells.count - 1]] {
            let patch = try Patch.parse(cell.patch, hyper: model.hyper, frames: model.hyper.audioPositions, tokens: e.tokenPositions)
            let run = try e.run(PatchSet([patch], attentionWindow: k), useMemo: false)
            #expect(cell.text == run.text && cell.wer == WordErrorRate.of(reference: e.clean.text, hypothesis: run.text))
        }
        let report = SweepReport(sweep: whole, model: "tiny.en", clip: "c.wav", windowSHA256: nil, seconds: 2)
        #expect(report.text.contains { $0.hasPrefix("every cell also restricts encoder self-attention to ±20 frames; that alone gives WER") })
        let parts = try (0..<2).map { i -> PartFile.Part in
            let shard = try Shard("\(i)/2")
            let sweep = try Sweep(engine: engine(), kind: kind, source: .zero, attentionWindow: k, owns: shard.owns)
            let r = SweepReport(sweep: sweep, model: "tiny.en", clip: "c.wav", windowSHA256: nil, seconds: 1)
            return try PartFile.parse(PartFile.text(kind: "sweep", shard: shard, header: r.header, records: sweep.cells.map(SweepReport.Record.init), seconds: 1, modelSHA256: "weights"),
                                      source: "part-\(i)")
        }
        #expect(try JSONText.encode(SweepReport(parts: parts)) == JSONText.encode(report))
    }

    /// A record that is not one names its part and its number.
    @Test func anIncompleteRecordNamesItsPart() throws {
        let text = """
            {"asrlens_part":"sweep","shard":0,"of":1,"model":"m","clip":"c","source":"zero","planned_cells":1,"clean_layers":8,"reference_layers":0,"component":"resid_post","window":10}
            {"cell":0,"layer":0}
            {"end":true,"seconds":1}
            """
        let part = try PartFile.parse(text, source: "a.part")
        #expect(throws: InputError("a.part", "record 1: a sweep record is incomplete")) { try SweepReport(parts: [part]) }
    }
}
