import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens probe DATA.tsv --label COL`: a linear probe per layer, cross-validated.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Train a logistic-regression probe per layer for a label and report cross-validated accuracy.",
        discussion: """
            Each clip's first 30 s window is pooled per layer: the mean over frames that carry audio (--side enc) or over \
            the transcript's tokens (--side dec). Features are cached in $ASRLENS_HOME/features, so a second probe on the \
            same clips extracts nothing. Rows whose audio cannot be read are skipped and counted.
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: "The label column to predict.")
    var label: String

    @Option(name: .long, help: "enc (encoder layers) or dec (decoder layers).")
    var side: ProbeFeatures.Side = .enc

    @Option(name: .long, help: "Cross-validation folds.")
    var folds: Int = 5

    @Option(name: .long, help: ArgumentHelp("A column whose rows stay together in one fold (e.g. word, speaker).", valueName: "COL"))
    var group: String?

    @Option(name: .long, help: ArgumentHelp("Feature cache folder (default: $ASRLENS_HOME/features).", valueName: "DIR"))
    var cache: String?

    @Flag(name: .long, help: "Print {label, side, baseline, layers: [{layer, accuracy, std}], ...} as JSON.")
    var json = false

    @OptionGroup var sharding: ShardOptions

    @Argument(help: "A TSV with a 'path' column and label columns.")
    var data: String

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
    }

    func run() throws {
        let set = try LabelledSet(tsv: data)
        try set.require(label)
        if let group {
            try set.require(group)
            guard group != label else {
                throw InputError("--group \(group)", "is the label column itself; grouping by the label puts each class in its own folds, so no fold could test it")
            }
        }
        try ProbeRun.checkClasses(set.rows.map { $0.labels[label]! }, label: label, folds: folds, source: data)
        let part = try sharding.part
        let model = try modelOptions.load()
        let cache = self.cache.map { FeatureCache(model: model, side: side, root: URL(fileURLWithPath: $0)) }
            ?? FeatureCache(model: model, side: side)
        let started = Date()
        let rows = try ProbeRun.extract(set, indices: set.rows.indices.filter { part?.owns($0) ?? true }, label: label, group: group,
                                    model: model, side: side, cache: cache)
        let seconds = Date().timeIntervalSince(started)
        let header = ProbeRun(label: label, group: group, side: side, folds: folds, model: model.name, data: data, rows: set.rows.count)
        if let part {
            try PartFile.write(kind: "probe", shard: part, header: header.object, records: rows.map(\.object), seconds: seconds, to: sharding.out)
            return
        }
        try header.report(rows, seconds: seconds, json: json)
    }
}

/// One row's probe input: its features and label, or why it was skipped.
struct ProbeRow {
    var index: Int
    var label = ""
    var group: String?
    var features: [[Float]] = []
    var extracted = false
    var skipped: String?

    init(index: Int, label: String, group: String?, features: [[Float]], extracted: Bool) {
        self.index = index; self.label = label; self.group = group; self.features = features; self.extracted = extracted
    }

    init(index: Int, skipped: String) { self.index = index; self.skipped = skipped }

    var object: [String: Any] {
        if let skipped { return ["row": index, "skipped": skipped] }
        var o: [String: Any] = ["row": index, "label": label, "extracted": extracted, "features": features.map { $0.map(Double.init) }]
        if let group { o["group"] = group }
        return o
    }

    /// Refuses rows whose features differ in shape from the first row's, naming the part file
    /// that holds the odd row (parts of different models or sides, or a damaged part).
    static func checkShapes(_ rows: [(source: String, row: ProbeRow)]) throws {
        let extracted = rows.filter { $0.row.skipped == nil }
        guard let first = extracted.first else { return }
        let shape = (first.row.features.count, first.row.features.first?.count ?? 0)
        if let bad = extracted.first(where: { $0.row.features.count != shape.0 || $0.row.features.contains { $0.count != shape.1 } }) {
            throw InputError(bad.source, "row \(bad.row.index)'s features are \(bad.row.features.count) layers of \(bad.row.features.first?.count ?? 0) values, "
                             + "but row \(first.row.index)'s (in \(first.source)) are \(shape.0) of \(shape.1); were the parts made with one model and one side?")
        }
    }

    init(object o: [String: Any], source: String) throws {
        guard let index = o["row"] as? Int else { throw InputError(source, "a record has no row number") }
        self.index = index
        if let s = o["skipped"] as? String { skipped = s; return }
        guard let label = o["label"] as? String, let f = o["features"] as? [[Double]] else {
            throw InputError(source, "row \(index) has no label or features")
        }
        guard let width = f.first?.count, width > 0, f.allSatisfy({ $0.count == width }), f.joined().allSatisfy(\.isFinite) else {
            throw InputError(source, "row \(index)'s features are empty, ragged or not finite numbers")
        }
        self.label = label
        group = o["group"] as? String
        features = f.map { $0.map(Float.init) }
        extracted = o["extracted"] as? Bool ?? false
    }
}

/// What a probe run is about, and its report: shared by `probe` and `merge`.
struct ProbeRun {
    let label: String, group: String?, side: ProbeFeatures.Side, folds: Int, model: String, data: String, rows: Int

    var object: [String: Any] {
        var o: [String: Any] = ["label": label, "side": side.rawValue, "folds": folds, "model": model, "data": data, "rows": rows]
        if let group { o["group"] = group }
        return o
    }

    init(label: String, group: String?, side: ProbeFeatures.Side, folds: Int, model: String, data: String, rows: Int) {
        self.label = label; self.group = group; self.side = side; self.folds = folds; self.model = model; self.data = data; self.rows = rows
    }

    init(object o: [String: Any], source: String) throws {
        guard let label = o["label"] as? String, let side = (o["side"] as? String).flatMap(ProbeFeatures.Side.init(rawValue:)),
              let folds = o["folds"] as? Int, let model = o["model"] as? String, let data = o["data"] as? String, let rows = o["rows"] as? Int
        else { throw InputError(source, "the probe part's header is incomplete") }
        self.init(label: label, group: o["group"] as? String, side: side, folds: folds, model: model, data: data, rows: rows)
    }

    /// Pools the features of the given rows, from the cache when it has them. Rows whose audio
    /// cannot be read are kept as skipped, with the reason on stderr.
    static func extract(_ set: LabelledSet, indices: [Int], label: String, group: String?, model: WhisperModel,
                        side: ProbeFeatures.Side, cache: FeatureCache) throws -> [ProbeRow] {
        var rows: [ProbeRow] = []
        var cacheProblem: String?
        let progress = Progress("probe: features (\(side.rawValue))")
        for (n, i) in indices.enumerated() {
            let row = set.rows[i]
            do {
                // Reading the audio first names any problem with it the way every command does.
                let samples = try AudioFile.load(row.path)
                let key = try SHA256.hex(ofFile: URL(fileURLWithPath: row.path))
                var extracted = false
                let features: [[Float]]
                if let cached = cache.load(key) { features = cached } else {
                    features = try ProbeFeatures.extract(model: model, samples: samples, side: side)
                    extracted = true
                    // A cache that cannot be written costs speed next time, not this run's rows.
                    if cacheProblem == nil {
                        do { try cache.store(features, key: key) } catch let error as InputError {
                            cacheProblem = error.description
                            StandardError.write("asrlens: warning: \(error.description) (features are not cached; the probe goes on)\n")
                        }
                    }
                }
                rows.append(ProbeRow(index: i, label: row.labels[label]!, group: group.map { row.labels[$0]! }, features: features, extracted: extracted))
            } catch let error as InputError {
                rows.append(ProbeRow(index: i, skipped: error.description))
                StandardError.write("asrlens: \(error.description) (row skipped)\n")
            }
            progress.update(n + 1, of: indices.count)
        }
        return rows
    }

    /// Refuses labels a probe cannot learn or cross-validate: one class, or fewer rows of a
    /// class than folds. `readable` qualifies the rows once unreadable ones were skipped.
    static func checkClasses(_ labels: [String], label: String, folds: Int, source: String, readable: String = "") throws {
        let counts = Dictionary(grouping: labels, by: { $0 }).mapValues(\.count)
        guard counts.count >= 2 else {
            throw InputError(source, "label '\(label)' has a single class (\(counts.keys.first ?? "no \(readable)rows")); a probe needs at least two")
        }
        if let (cls, n) = counts.min(by: { $0.value < $1.value }), n < folds {
            throw InputError(source, "label '\(label)' has only \(n) \(readable)row\(n == 1 ? "" : "s") of class '\(cls)'; --folds \(folds) needs at least \(folds) per class")
        }
    }

    /// Trains the per-layer probes on the rows (in row order) and prints the result.
    /// Trains the per-layer probes on the readable rows, in row order.
    func train(_ rows: [ProbeRow]) throws -> (result: LinearProbe.Result, kept: [ProbeRow]) {
        let kept = rows.sorted { $0.index < $1.index }.filter { $0.skipped == nil }
        let labels = kept.map(\.label)
        // Always checked: rows may have been skipped, and merged parts bring their own labels and folds.
        try Self.checkClasses(labels, label: label, folds: folds, source: data, readable: kept.count < rows.count ? "readable " : "")
        let training = Progress("probe: training (\(folds) folds)")
        let groups = group == nil ? nil : kept.map { $0.group ?? "" }
        return (try LinearProbe.run(features: kept.map(\.features), labels: labels, folds: folds, groups: groups, source: data) { training.update($0, of: $1) }, kept)
    }

    func report(_ rows: [ProbeRow], seconds: Double, json: Bool) throws {
        let (result, kept) = try train(rows)
        let skipped = rows.count - kept.count, extracted = kept.filter(\.extracted).count
        if json {
            let object: [String: Any] = [
                "label": label, "side": side.rawValue, "baseline": result.baseline, "classes": result.classes,
                "rows": kept.count, "skipped": skipped, "extracted": extracted, "cached": kept.count - extracted,
                "folds": folds, "model": model, "feature_seconds": seconds, "group": group ?? NSNull(),
                "layers": result.layers.map { ["layer": $0.layer, "accuracy": $0.accuracy, "std": $0.std] as [String: Any] },
            ]
            print(try JSONText.encode(object))
            return
        }
        print("probe '\(label)' on \(model) \(side == .enc ? "encoder" : "decoder") layers: \(kept.count) clips, "
              + "\(result.classes.count) classes, \(folds)-fold cross-validation (\(extracted) extracted, \(kept.count - extracted) from cache, \(skipped) skipped)")
        print(String(format: "majority baseline %.3f", result.baseline))
        for l in result.layers {
            let bar = String(repeating: "█", count: Int((l.accuracy * 40).rounded()))
            print(String(format: "%@ %2d  %.3f ± %.3f  ", side.rawValue, l.layer, l.accuracy, l.std) + bar)
        }
    }
}

extension ProbeFeatures.Side: ExpressibleByArgument {}
