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

        let experiment = ProbeExperiment(label: "label", group: nil, side: .enc, folds: 2, model: model.name, data: "set.tsv", rows: 5)
        let whole = try experiment.train(rows)
        #expect(whole.kept.count == 4 && whole.skipped == 1 && whole.probe.layers.count == model.hyper.encoderLayers)
        #expect(whole.probe.baseline == 0.5)
        let parts = try (0..<2).map { i -> PartFile.Part in
            let shard = try Shard("\(i)/2")
            let text = try PartFile.text(kind: "probe", shard: shard, header: experiment, records: rows.filter { shard.owns($0.row) }, seconds: 1)
            return try PartFile.parse(text, source: "p\(i)")
        }
        let (merged, mergedRows) = try ProbeExperiment.merge(parts.reversed())
        #expect(merged == experiment)
        #expect(try JSONText.encode(merged.train(mergedRows)) == JSONText.encode(whole))
    }
}
