import Foundation
import Model
import Testing
import Analysis

/// Linear probes extracted, trained, sharded and merged in Analysis, without the command line.
@Suite struct ProbeExperimentTests {
    /// Features come from the cache the second time; two shards merged train to the unsharded
    /// result exactly; an unreadable row is skipped and counted.
    @Test func shardsMergeToTheUnshardedProbeAndTheCacheIsUsed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The first clip again under another name: four readable rows, two per class.
        let copy = dir.appendingPathComponent("copy.wav").path
        try FileManager.default.copyItem(atPath: AnalysisSupport.clips[0], toPath: copy)
        let tsv = dir.appendingPathComponent("set.tsv")
        let paths = Array(AnalysisSupport.clips.prefix(3)) + [copy, dir.appendingPathComponent("missing.wav").path]
        try ("path\tlabel\n" + zip(paths, ["x", "y", "x", "y", "x"]).map { "\($0)\t\($1)" }.joined(separator: "\n") + "\n")
            .write(to: tsv, atomically: true, encoding: .utf8)
        let set = try LabelledSet(tsv: tsv.path)
        let model = try AnalysisSupport.model("tiny.en")
        let cache = FeatureCache(model: model, side: .enc, root: dir.appendingPathComponent("cache"))
        var skipped = 0
        let rows = try ProbeExperiment.extract(set, indices: Array(set.rows.indices), label: "label", group: nil, model: model, side: .enc,
                                               cache: cache, events: ExperimentEvents(skipped: { _ in skipped += 1 }))
        // The copy has the first clip's audio, so its features come from the cache (keyed by content).
        #expect(skipped == 1 && rows.filter { $0.extracted == true }.count == 3 && rows[3].extracted == false)
        let again = try ProbeExperiment.extract(set, indices: Array(set.rows.indices), label: "label", group: nil, model: model, side: .enc, cache: cache)
        #expect(again.filter { $0.extracted == false && $0.skipped == nil }.count == 4, "the second extraction reads the cache")
        #expect(again.compactMap(\.features) == rows.compactMap(\.features))
        // A damaged entry (a trial filled one with NaN bytes: every probe fell to chance, silently)
        // is extracted again, to the same features.
        let entry = try #require(FileManager.default.enumerator(at: cache.directory, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.first { $0.pathExtension == "f32" })
        var bytes = try Data(contentsOf: entry)
        bytes.replaceSubrange(8..<40, with: [UInt8](repeating: 0xFF, count: 32))
        try bytes.write(to: entry)
        let repaired = try ProbeExperiment.extract(set, indices: Array(set.rows.indices), label: "label", group: nil, model: model, side: .enc, cache: cache)
        #expect(repaired.filter { $0.extracted == true }.count == 1, "only the damaged entry is extracted again")
        #expect(repaired.compactMap(\.features) == rows.compactMap(\.features))
        #expect(try Data(contentsOf: entry) != bytes, "and stored whole again")

        let experiment = ProbeExperiment(label: "label", group: nil, side: .enc, folds: 2, model: model.name, data: "set.tsv", rows: 5)
        let whole = try experiment.train(rows)
        #expect(whole.kept.count == 4 && whole.skipped == 1 && whole.probe.layers.count == model.hyper.encoderLayers)
        #expect(whole.probe.baseline == 0.5)
        let parts = try (0..<2).map { i -> PartFile.Part in
            let shard = try Shard("\(i)/2")
            let text = try PartFile.text(kind: "probe", shard: shard, header: experiment, records: rows.filter { shard.owns($0.row) }, seconds: 1, modelSHA256: "weights")
            return try PartFile.parse(text, source: "p\(i)")
        }
        let (merged, mergedRows) = try ProbeExperiment.merge(parts.reversed())
        #expect(merged == experiment)
        #expect(try JSONText.encode(merged.train(mergedRows)) == JSONText.encode(whole))
    }

    /// Layer 0 codes the label the same way for every synthesizer; layer 1 codes it with the
    /// sign flipped for synthesizer b. Cross-validation over all rows finds both layers useful,
    /// but only layer 0 transfers: trained without b, layer 1 gets b's clips wrong. A synthesizer
    /// whose only class is missing from the others' rows cannot be a split.
    @Test func theTransferTestTellsALabelFromOneSynthesizersRenderingOfIt() throws {
        let synths = ["a", "b", "c"], labels = ["x", "y"]
        var tsv = "path\tlabel\tsynthesizer\n", rows: [ProbeExperiment.Row] = []
        var rng = SystemRandomNumberGenerator()
        for (s, synth) in synths.enumerated() {
            for i in 0..<20 {
                let label = labels[i % 2], sign: Float = label == "x" ? 1 : -1
                let noise = { Float.random(in: -0.3...0.3, using: &rng) }
                let flipped = synth == "b" ? -sign : sign
                tsv += "\(synth)-\(i).wav\t\(label)\t\(synth)\n"
                rows.append(ProbeExperiment.Row(row: s * 20 + i, label: label, group: nil,
                                                features: [[sign + noise(), noise()], [flipped + noise(), Float(s) + noise()]],
                                                extracted: false, input: [noise()], seconds: 1))
            }
        }
        for i in 0..<2 {   // a class no other synthesizer has
            tsv += "d-\(i).wav\tz\td\n"
            rows.append(ProbeExperiment.Row(row: 60 + i, label: "z", group: nil, features: [[0, 5], [0, 5]], extracted: false, input: [0], seconds: 1))
        }
        let set = try LabelledSet(text: tsv, source: "constructed", base: URL(fileURLWithPath: "/"))
        let experiment = ProbeExperiment(label: "label", group: nil, side: .enc, folds: 2, model: "none", data: "constructed", rows: 62)
        let result = try experiment.train(rows)
        let transfer = try #require(ProbeTransfer(result, set: set, column: "synthesizer"))
        #expect(transfer.splits.map(\.heldOut) == ["a", "b", "c"], "d has no split: its class is in no other rows")
        for split in transfer.splits {
            #expect(split.tested == 20 && split.trained == 42)
            #expect(split.layers[0].accuracy == 1, "layer 0 codes the label the same way everywhere")
            #expect(split.input != nil && split.majority == 0.5)
        }
        #expect(transfer.splits[1].layers[1].accuracy < 0.2, "layer 1 learned a and c's sign, which b reverses: \(transfer.splits[1].layers[1])")
        #expect(transfer.splits[1].layers[1].interval.high < 0.5)
        #expect(ProbeTransfer(result, set: set, column: "voice") == nil, "no such column, no transfer test")
    }

    /// Found by a review: every word was in every synthesizer, so a probe trained on the other
    /// synthesizers had heard the held-out clip's word and could recognise it, not read its
    /// category. Here the features name the word and say nothing of the category: the word
    /// is memorised when its clips are in training, and at chance when the folds keep it out.
    @Test func theGroupedTransferTestNeverTrainsOnTheWordsItTests() throws {
        var tsv = "path\tcategory\tword\tsynthesizer\n", rows: [ProbeExperiment.Row] = []
        var rng = Gaussian(seed: 7)
        let words = (0..<30).map { w in (name: "w\(w)", category: ["fruit", "animal", "clothing"][w % 3], code: (0..<48).map { _ in rng.next() }) }
        for synth in ["a", "b", "c"] {
            for w in words {
                tsv += "\(synth)-\(w.name).wav\t\(w.category)\t\(w.name)\t\(synth)\n"
                rows.append(ProbeExperiment.Row(row: rows.count, label: w.category, group: w.name,
                                                features: [w.code.map { $0 + 0.05 * rng.next() }], extracted: false, input: [rng.next()], seconds: 1))
            }
        }
        let set = try LabelledSet(text: tsv, source: "constructed", base: URL(fileURLWithPath: "/"))
        func transfer(grouped: Bool) throws -> ProbeTransfer {
            var relabelled = rows
            if !grouped { for i in relabelled.indices { relabelled[i].group = nil } }
            let experiment = ProbeExperiment(label: "category", group: grouped ? "word" : nil, side: .enc, folds: 5, model: "none", data: "constructed", rows: rows.count)
            return try #require(ProbeTransfer(try experiment.train(relabelled), set: set, column: "synthesizer"))
        }
        let leaky = try transfer(grouped: false), fair = try transfer(grouped: true)
        #expect(leaky.splits.allSatisfy { $0.layers[0].accuracy > 0.9 }, "the word's code is memorised: \(leaky.summary)")
        #expect(fair.splits.allSatisfy { $0.layers[0].accuracy < 0.6 && $0.tested == 30 && $0.layers[0].tested == 30 },
                "unseen words are at chance: \(fair.summary)")
        #expect(fair.splits.allSatisfy { $0.layers[0].units == 30 }, "each held-out word is one unit of the interval")
    }

    /// A hypothesis word is correct only where the alignment keeps it; substituted and inserted
    /// words are not; case and punctuation do not count.
    @Test func tokensAreLabelledByAligningTheirWordsToTheReference() {
        #expect(TokenProbe.correctWords(reference: "The lamp on the desk was still warm.", hypothesis: " The lamp on the desktop or when.")
                == [true, true, true, true, false, false, false])
        #expect(TokenProbe.correctWords(reference: "Turn left at the bakery.", hypothesis: " turn LEFT at at the bakery") == [true, true, true, false, true, true])
        #expect(TokenProbe.correctWords(reference: "a b c", hypothesis: "") == [])
    }
}
