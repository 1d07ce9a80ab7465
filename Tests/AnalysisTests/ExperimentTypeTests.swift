import Foundation
import Model
import Testing
import Analysis

/// The experiment types of Analysis run directly (no command line): the sweep, the lens survey,
/// the linear probe and the table forms.
@Suite struct ExperimentTypeTests {
    /// Each cell of a component sweep is what its patch does when run alone.
    @Test func everySweepCellEqualsItsPatchRunAlone() throws {
        let model = try AnalysisSupport.model("tiny.en")
        let engine = try Engine(model: model, samples: try AudioFile.load(AnalysisSupport.clips[1]))
        let sweep = try Sweep(engine: engine, kind: .component(.residPost, window: 100), source: .silence)
        #expect(sweep.cells.count == sweep.plannedCells && sweep.cells.count >= model.hyper.encoderLayers)
        #expect(sweep.cells.contains { $0.wer > 0 }, "silence on a second of speech must change some transcript")
        for cell in sweep.cells where cell.layer == model.hyper.encoderLayers - 1 || cell.index == 0 {
            let patch = Patch(site: Site(.encoder, cell.layer, .residPost), positions: .range(cell.positions), source: .silence)
            #expect(patch.description == cell.patch)
            let alone = try engine.run(PatchSet([patch]), useMemo: false, incremental: false)
            #expect(cell.text == alone.text && cell.wer == WordErrorRate.of(reference: engine.clean.text, hypothesis: alone.text))
        }
    }

    /// `--metric logprob` gives each cell the transcript sweep's mean |Δ log-prob| without
    /// decoding: fewer blocks, no WER or text, and its parts merge back to the same result.
    @Test func aLogprobSweepHasTheSameDeltasWithoutDecoding() throws {
        let model = try AnalysisSupport.model("tiny.en"), samples = try AudioFile.load(AnalysisSupport.clips[0])
        let kind = Sweep.Kind.component(.residPost, window: 150)
        let full = try Sweep(engine: try Engine(model: model, samples: samples), kind: kind, source: .zero)
        let quick = try Sweep(engine: try Engine(model: model, samples: samples), kind: kind, source: .zero, metric: .logprob)
        #expect(quick.cells.map(\.meanAbsDelta) == full.cells.map(\.meanAbsDelta))
        #expect(quick.cells.allSatisfy { $0.wer.isNaN && $0.text.isEmpty && !$0.repetition })
        #expect(full.cells.contains { $0.wer > 0 } && quick.layersEvaluated < full.layersEvaluated, "\(quick.layersEvaluated) vs \(full.layersEvaluated)")
        let whole = SweepReport(sweep: quick, model: "tiny.en", clip: "c.wav", windowSHA256: nil, seconds: 1)
        let json = try JSONText.encode(whole)
        #expect(json.contains("\"metric\":\"logprob\"") && json.contains("\"wer\":null"))
        let parts = try (0..<2).map { i -> PartFile.Part in
            let shard = try Shard("\(i)/2")
            let records = quick.cells.filter { shard.owns($0.index) }.map(SweepReport.Record.init)
            return try PartFile.parse(try PartFile.text(kind: "sweep", shard: shard, header: whole.header, records: records, seconds: 0.5, modelSHA256: "weights"), source: "p\(i)")
        }
        #expect(try JSONText.encode(SweepReport(parts: parts)) == json)
        #expect(!whole.text.joined().contains("WER against clean"))
        // The TSV's repetition column says yes or no for every decoded cell, and is empty (not
        // "no") where nothing was decoded.
        func repetitionColumn(_ s: Sweep) -> [String] {
            let t = SweepReport(sweep: s, model: "tiny.en", clip: "c.wav", windowSHA256: nil, seconds: 1).table
            let c = t.headers.firstIndex(of: "repetition")!
            return t.rows.map { $0[c] }
        }
        #expect(repetitionColumn(full) == full.cells.map { $0.repetition ? "yes" : "no" })
        #expect(repetitionColumn(quick).allSatisfy { $0.isEmpty })
    }

    /// The lenses over six clips and a missing one: each clip's last encoder layer is its own
    /// transcript, every token has a saturation row, and the missing clip is skipped.
    @Test func theLensSurveyCoversEveryReadableClip() throws {
        let model = try AnalysisSupport.model("tiny.en")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-survey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tsv = dir.appendingPathComponent("set.tsv")
        try (["path"] + AnalysisSupport.clips + [dir.appendingPathComponent("missing.wav").path]).joined(separator: "\n")
            .write(to: tsv, atomically: true, encoding: .utf8)
        let set = try LabelledSet(tsv: tsv.path)
        var skipped: [String] = []
        let records = try LensSurvey.run(set, indices: Array(set.rows.indices), model: model,
                                         events: ExperimentEvents(skipped: { skipped.append($0.description) }))
        #expect(records.count == 7 && records[6].skipped != nil && skipped.count == 1 && skipped[0].contains("missing.wav"))
        for r in records.prefix(6) {
            let wer = try #require(r.encoderWER)
            #expect(wer.count == model.hyper.encoderLayers && wer.last == 0, "the last layer through ln_post is the transcript")
            #expect(r.encoderLoops?.count == model.hyper.encoderLayers && (r.saturation?.count ?? 0) >= 2)
        }
        let summary = LensSurvey.Summary(records, decoderLayers: model.hyper.decoderLayers)
        #expect(summary.clips == 6 && summary.skipped == 1)
        #expect(summary.saturation.reduce(0, +) == summary.tokens && summary.tokens == records.compactMap(\.saturation).joined().count)
        #expect(summary.groundedLayers.contains(model.hyper.encoderLayers - 1) && summary.encoder.last?.grounded == 1)

        var report = Report(model: model, clip: AnalysisSupport.clips[0], data: [tsv.path], command: "test")
        try report.addLensSurvey(set, path: tsv.path, rows: 3, model: model)
        // Row 6 (missing.wav) is skipped if the sample draws it.
        let readable = set.sampled(3).filter { $0 != 6 }.count
        #expect(report.lensSurvey?.summary.clips == readable && report.findings.count == 2 && report.findings.allSatisfy { $0.section == .lensSurvey })
        #expect(MarkdownReport.render(report).contains("Both lenses on \(readable) clips drawn by a fixed seed"))
    }

    /// A probe finds a label written into one layer's features and not in the others, and
    /// grouped folds keep each group in one fold (a label that is the group cannot be learned).
    @Test func theLinearProbeFindsTheLayerThatCarriesTheLabel() throws {
        var rng = Gaussian(seed: 7)
        let labels = (0..<40).map { $0 % 2 == 0 ? "a" : "b" }
        let features: [[[Float]]] = labels.map { label in
            let noise = { (0..<8).map { _ in Float(rng.next()) } }
            var carrying = noise()
            carrying[3] += label == "a" ? 4 : -4
            return [noise(), carrying]
        }
        let result = try LinearProbe.run(features: features, labels: labels, folds: 4)
        #expect(result.classes == ["a", "b"] && result.baseline == 0.5)
        #expect(result.layers[1].accuracy >= 0.95, "the label is in layer 1: \(result.layers[1])")
        #expect(result.layers[0].accuracy <= 0.8, "layer 0 is noise: \(result.layers[0])")
        #expect(throws: InputError.self) { try LinearProbe.run(features: features, labels: labels, folds: 4, groups: labels.map { _ in "one" }) }
    }

    /// Found by a new-user trial: with fewer groups than folds the probe said "5-fold" and ran
    /// fewer, and its accuracy was the fold mean beside an interval on the pooled predictions.
    @Test func theProbeReportsTheFoldsItRanAndTheAccuracyItsIntervalIsOn() throws {
        var rng = Gaussian(seed: 3)
        let labels = (0..<30).map { $0 < 20 ? "a" : "b" }
        let features: [[[Float]]] = labels.map { l in [(0..<4).map { _ in Float(rng.next()) + (l == "a" ? 1 : -1) }] }
        let groups = (0..<30).map { "g\($0 % 3)" }
        let result = try LinearProbe.run(features: features, labels: labels, folds: 5, groups: groups)
        #expect(result.folds == 3, "three groups fill three folds, not five")
        let layer = result.layers[0]
        #expect(layer.tested == 30 && layer.accuracy == Double(layer.correct) / 30, "the accuracy is the pooled one its interval is on")
        #expect(result.baseline == 20.0 / 30, "the commonest class's share")
        #expect(LinearProbe.intervalName(layer, groupedBy: "speaker")
                == "interval of a bootstrap over the 3 speaker groups (at least Wilson's); 3 groups are few for a bootstrap, so read its intervals as rough")
        let ungrouped = try LinearProbe.run(features: features, labels: labels, folds: 5)
        #expect(ungrouped.folds == 5)
    }

    @Test func tablesAlignAsTextAndEscapeTheirSeparatorsInTSVAndMarkdown() {
        let t = Table(headers: ["a", "b"], rows: [["x|y", "tab\there"], ["long cell", "line\nbreak"]])
        #expect(t.text == "a          b\nx|y        tab\there\nlong cell  line\nbreak\n")
        #expect(t.tsv == "a\tb\nx|y\ttab here\nlong cell\tline break\n")
        #expect(t.markdown == "| a | b |\n|---|---|\n| x\\|y | tab\there |\n| long cell | line break |\n")
    }
}

/// `transcribe --output-format`: openai-whisper's file formats, exactly.
@Suite struct TranscriptFormatTests {
    static let transcript = Transcriber.Transcript(language: "en", languageProbability: 1, segments: [
        .init(start: 0.0125, end: 2.0005, tokens: [50363, 679, 50463], text: " He said --> go.", noSpeechProb: 0.01, avgLogprob: -0.25),
        .init(start: 3661.5, end: 3662.25, tokens: [50364, 13, 50400], text: " Tab\there.", noSpeechProb: 0.5, avgLogprob: -1, seek: 366_000),
    ])

    /// Times round as Python's `round(seconds * 1000.0)` does: 0.0125 s is 12 ms (a tie, to
    /// even), 2.0005 s is 2001 ms (2000.5000000000002 in floating point).
    @Test func subtitlesAndTablesAreWrittenAsOpenAIWhisperWritesThem() throws {
        #expect(try TranscriptFormat.txt.render(Self.transcript) == "He said --> go.\nTab\there.\n")
        #expect(try TranscriptFormat.vtt.render(Self.transcript) == "WEBVTT\n\n00:00.012 --> 00:02.001\nHe said -> go.\n\n01:01:01.500 --> 01:01:02.250\nTab\there.\n\n")
        #expect(try TranscriptFormat.srt.render(Self.transcript) == "1\n00:00:00,012 --> 00:00:02,001\nHe said -> go.\n\n2\n01:01:01,500 --> 01:01:02,250\nTab\there.\n\n")
        #expect(try TranscriptFormat.tsv.render(Self.transcript) == "start\tend\ttext\n12\t2001\tHe said --> go.\n3661500\t3662250\tTab here.\n")
        let json = try JSONSerialization.jsonObject(with: Data(TranscriptFormat.json.render(Self.transcript).utf8)) as? [String: Any]
        #expect(json?["text"] as? String == " He said --> go. Tab\there." && json?["language"] as? String == "en")
        let segments = json?["segments"] as? [[String: Any]]
        #expect(segments?.count == 2 && segments?[1]["id"] as? Int == 1 && segments?[1]["start"] as? Double == 3661.5)
        #expect(Set(segments?[0].keys.map { $0 } ?? []) == ["id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob"])
        #expect(segments?[1]["seek"] as? Int == 366_000, "the window's first feature frame, as openai-whisper's result has it")
    }
}

/// The loop summary claims nothing from no loops: with none, no patch was tried, and no entry
/// says it resolved 0 of them.
@Suite struct RepetitionSummaryTests {
    @Test func noLoopsMeansNoTriedPatchesAndOneLoopGivesEveryPatch() {
        let plain = RepetitionHunt.Case(condition: "plain", text: " hello", loop: false, lensLoops: [], trials: [])
        let none = RepetitionHunt.Summary([plain], layers: 2, heads: 2)
        #expect(none.loops == 0 && none.tried.isEmpty && none.best("cross_out") == nil)
        let trial = RepetitionHunt.Trial(component: "cross_out", layer: 1, head: nil, resolved: true)
        let looping = RepetitionHunt.Case(condition: "plain", text: " a a a a", loop: true, lensLoops: [], trials: [trial])
        let one = RepetitionHunt.Summary([plain, looping], layers: 2, heads: 2)
        #expect(one.loops == 1 && one.tried == one.entries)
        #expect(one.best("cross_out")?.entry.layer == 1 && one.best("cross_out")?.entry.resolved == 1)
    }
}
