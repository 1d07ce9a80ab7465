import Foundation
import Model

/// A linear-probe run over a labelled data set (paper-methods §3): what it probes (`Header`,
/// also a part file's header), the pooled features per row (`Row`, a part file's records), and
/// the cross-validated result. Shared by `probe`, `merge` and `report`.
public struct ProbeExperiment: Codable, Equatable, Sendable {
    public let label: String
    public let group: String?
    public let side: ProbeFeatures.Side
    public let folds: Int, model: String, data: String, rows: Int
    /// The data set's digest (`LabelledSet.digest`); nil in parts written before it was recorded.
    public let dataSHA256: String?

    enum CodingKeys: String, CodingKey {
        case label, group, side, folds, model, data, rows, dataSHA256 = "data_sha256"
    }

    public init(label: String, group: String?, side: ProbeFeatures.Side, folds: Int, model: String, data: String, rows: Int, dataSHA256: String? = nil) {
        self.label = label; self.group = group; self.side = side; self.folds = folds; self.model = model; self.data = data; self.rows = rows
        self.dataSHA256 = dataSHA256
    }

    /// One row's probe input: its pooled features and label, or why it was skipped.
    public struct Row: Codable, Sendable {
        public let row: Int
        public var label: String?
        public var group: String?
        public var extracted: Bool?
        /// `[layers][D]`.
        public var features: [[Float]]?
        /// The controls' inputs, read from the audio without Whisper: the clip's log-mel
        /// features averaged over its frames `[mels]`, and its duration in seconds.
        public var input: [Float]?
        public var seconds: Double?
        public var skipped: String?

        public init(row: Int, label: String, group: String?, features: [[Float]], extracted: Bool, input: [Float]? = nil, seconds: Double? = nil) {
            self.row = row; self.label = label; self.group = group; self.features = features; self.extracted = extracted
            self.input = input; self.seconds = seconds
        }
        public init(row: Int, skipped: String) { self.row = row; self.skipped = skipped }
    }

    /// Pools the features of rows `indices`, from `cache` when it has them; with
    /// `skipUnlabelled`, a row whose `label` cell is empty is skipped unread. A row whose audio
    /// cannot be read is kept as skipped and told to `events`; a cache that cannot be written
    /// costs speed next time, not this run's rows, and is told to `events` once.
    public static func extract(_ set: LabelledSet, indices: [Int], label: String, group: String?, model: WhisperModel,
                               side: ProbeFeatures.Side, cache: FeatureCache, events: ExperimentEvents = .silent,
                               skipUnlabelled: Bool = true) throws -> [Row] {
        var rows: [Row] = []
        var cacheFailed = false
        var firstWith: [String: String] = [:]   // audio SHA-256 → the first path that held it
        for (n, i) in indices.enumerated() {
            let row = set.rows[i]
            // An empty cell is no class: the row is left out, as the command says once.
            guard !skipUnlabelled || !(row.labels[label] ?? "").isEmpty else {
                rows.append(Row(row: i, skipped: "no '\(label)' value"))
                continue
            }
            do {
                // Reading the audio first names any problem with it the way every command does.
                let samples = try AudioFile.load(row.path)
                let key = try SHA256.hex(ofFile: URL(fileURLWithPath: row.path))
                // The same audio under two names can land in training and test at once.
                if let first = firstWith[key] {
                    Warnings.report(row.path, "holds the same audio as \(first); a probe can test on a clip it trained on")
                } else { firstWith[key] = row.path }
                var extracted = false
                let features: [[Float]]
                if let cached = cache.load(key) { features = cached } else {
                    features = try ProbeFeatures.extract(model: model, samples: samples, side: side)
                    extracted = true
                    if !cacheFailed {
                        do { try cache.store(features, key: key) } catch let error as InputError {
                            cacheFailed = true
                            events.cacheProblem(error)
                        }
                    }
                }
                rows.append(Row(row: i, label: row.labels[label]!, group: group.map { row.labels[$0]! }, features: features, extracted: extracted,
                                input: try ProbeFeatures.pooledLogMel(samples, nMels: model.hyper.nMels),
                                seconds: Double(samples.count) / Double(AudioFile.sampleRate)))
            } catch let error as InputError {
                rows.append(Row(row: i, skipped: error.description))
                events.skipped(error)
            }
            events.progress("probe: features (\(side.rawValue))", n + 1, indices.count)
        }
        return rows
    }

    /// Rows of `set` whose `label` cell is empty: not a class, so left out of the probe.
    public static func unlabelled(_ set: LabelledSet, label: String) -> Int {
        set.rows.filter { ($0.labels[label] ?? "").isEmpty }.count
    }

    /// Refuses labels a probe cannot learn or cross-validate: one class, or fewer rows of a
    /// class than folds. `readable` qualifies the rows once unreadable ones were skipped.
    public static func checkClasses(_ labels: [String], label: String, folds: Int, source: String, readable: String = "") throws {
        let counts = Dictionary(grouping: labels, by: { $0 }).mapValues(\.count)
        guard counts.count >= 2 else {
            throw InputError(source, "label '\(label)' has a single class (\(counts.keys.first ?? "no \(readable)rows")); a probe needs at least two")
        }
        if let (cls, n) = counts.min(by: { $0.value < $1.value }), n < folds {
            throw InputError(source, "label '\(label)' has only \(n) \(readable)row\(n == 1 ? "" : "s") of class '\(cls)'; --folds \(folds) needs at least \(folds) per class")
        }
    }

    /// A control: the same probe on what the audio gives without Whisper.
    public struct InputBaseline: Sendable {
        public let name: String
        public let result: LinearProbe.Layer

        public init(name: String, result: LinearProbe.Layer) { self.name = name; self.result = result }
    }

    /// A probe's outcome: the per-layer accuracies, the controls, and the rows they rest on.
    public struct Result: Encodable {
        public let experiment: ProbeExperiment
        public let probe: LinearProbe.Result
        /// The pooled log-mel and duration controls; empty when the rows do not carry their
        /// inputs (parts written before the controls existed).
        public let inputBaselines: [InputBaseline]
        /// Readable rows trained on, in row order.
        public let kept: [Row]
        public let skipped: Int
        public let featureSeconds: Double
        public var extracted: Int { kept.filter { $0.extracted == true }.count }

        /// The strongest control, if any.
        public var bestInput: InputBaseline? { inputBaselines.max { $0.result.accuracy < $1.result.accuracy } }

        /// The best layer's lead over the strongest control, paired row by row (the verdict's
        /// comparison); nil without controls.
        public var bestLead: (layer: Int, over: String, lead: PairedDifference)? {
            guard let best = probe.layers.max(by: { $0.accuracy < $1.accuracy }), let input = bestInput,
                  let lead = best.lead(over: input.result) else { return nil }
            return (best.layer, input.name, lead)
        }

        enum Keys: String, CodingKey {
            case label, side, baseline, classes, rows, skipped, extracted, cached, folds, model, group, layers, featureSeconds = "feature_seconds"
            case dataSHA256 = "data_sha256"
            case inputBaselines = "input_baselines"
            case intervalUnits = "interval_units", intervalMethod = "interval_method", bestLead = "best_lead"
        }
        struct InputLine: Encodable {
            let name: String, accuracy: Double, std: Double, low: Double, high: Double
            init(_ b: InputBaseline) { name = b.name; accuracy = b.result.accuracy; std = b.result.std; low = b.result.interval.low; high = b.result.interval.high }
        }

        /// `--json`: `group` is null when the folds were not grouped.
        public func encode(to encoder: Swift.Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            let e = experiment
            try c.encode(e.label, forKey: .label); try c.encode(e.side, forKey: .side)
            try c.encode(probe.baseline, forKey: .baseline); try c.encode(probe.classes, forKey: .classes)
            try c.encode(kept.count, forKey: .rows); try c.encode(skipped, forKey: .skipped)
            try c.encode(extracted, forKey: .extracted); try c.encode(kept.count - extracted, forKey: .cached)
            try c.encode(probe.folds, forKey: .folds); try c.encode(e.model, forKey: .model); try c.encodeIfPresent(e.dataSHA256, forKey: .dataSHA256)
            try c.encode(featureSeconds, forKey: .featureSeconds)
            if let g = e.group { try c.encode(g, forKey: .group) } else { try c.encodeNil(forKey: .group) }
            try c.encode(probe.layers, forKey: .layers)
            try c.encode(inputBaselines.map(InputLine.init), forKey: .inputBaselines)
            try c.encode(probe.layers.first?.units ?? kept.count, forKey: .intervalUnits)
            try c.encode(e.group == nil ? "wilson" : "group bootstrap", forKey: .intervalMethod)
            if let (layer, over, lead) = bestLead {
                try c.encode(LinearProbe.LeadRecord(layer: layer, over: over, lead: lead), forKey: .bestLead)
            } else {
                try c.encodeNil(forKey: .bestLead)
            }
        }

        /// The text form: the set-up, the baseline, and a bar per layer.
        public var lines: [String] {
            let e = experiment
            var out = ["probe '\(e.label)' on \(e.model) \(e.side == .enc ? "encoder" : "decoder") layers: \(kept.count) clips, "
                       + "\(probe.classes.count) classes, \(probe.folds)-fold cross-validation, \(e.group.map { "folds grouped by \($0)" } ?? "folds not grouped") "
                       + "(\(extracted) extracted, \(kept.count - extracted) from cache, \(skipped) skipped)"]
            if probe.folds < e.folds, let g = e.group {
                out.append("only \(probe.folds) folds, not the \(e.folds) asked: '\(g)' has too few groups to fill more")
            }
            out.append(String(format: "majority baseline %.3f (the commonest class's share: the most any constant answer scores)", probe.baseline))
            if !inputBaselines.isEmpty {
                out.append("input baselines, the same probe without Whisper: " + inputBaselines.map {
                    String(format: "%@ %.3f [%.3f, %.3f]", $0.name, $0.result.accuracy, $0.result.interval.low, $0.result.interval.high)
                }.joined(separator: ", "))
            }
            for l in probe.layers {
                out.append("\(e.side.rawValue) " + String(format: "%2d  %.3f ± %.3f [%.3f, %.3f]  ", l.layer, l.accuracy, l.std, l.interval.low, l.interval.high)
                           + String(repeating: "█", count: Int((l.accuracy * 40).rounded())))
            }
            if let (layer, over, lead) = bestLead {
                out.append("best layer \(layer) against the best input baseline (\(over)), paired on the same clips: \(lead.text(places: 3))")
            }
            out.append("accuracy over the \(kept.count) held-out predictions, [ ] its 95% " + LinearProbe.intervalName(probe.layers.first, groupedBy: e.group)
                       + "; ± the standard deviation over folds")
            return out
        }
    }

    /// Trains the per-layer probes on the readable rows, in row order.
    public func train(_ rows: [Row], featureSeconds: Double = 0, progress: (Int, Int) -> Void = { _, _ in }) throws -> Result {
        let kept = rows.sorted { $0.row < $1.row }.filter { $0.skipped == nil }
        let labels = kept.map { $0.label ?? "" }
        // Always checked: rows may have been skipped, and merged parts bring their own labels and folds.
        try Self.checkClasses(labels, label: label, folds: folds, source: data, readable: kept.count < rows.count ? "readable " : "")
        let groups = group == nil ? nil : kept.map { $0.group ?? "" }
        let probe = try LinearProbe.run(features: kept.map { $0.features ?? [] }, labels: labels, folds: folds, groups: groups, source: data, progress: progress)
        // The controls: the same folds and classifier on the pooled log-mel, and on duration alone.
        var inputs: [InputBaseline] = []
        if kept.allSatisfy({ $0.input != nil && $0.seconds != nil }) {
            let controls: [(String, [[Float]])] = [("log-mel", kept.map { $0.input! }),
                                                   ("duration", kept.map { [Float(Foundation.log(max($0.seconds!, 1e-3)))] })]
            inputs = try controls.map { name, x in
                InputBaseline(name: name, result: try LinearProbe.run(features: x.map { [$0] }, labels: labels, folds: folds, groups: groups, source: data).layers[0])
            }
        }
        return Result(experiment: self, probe: probe, inputBaselines: inputs, kept: kept, skipped: rows.count - kept.count, featureSeconds: featureSeconds)
    }

    /// The experiment and rows of a sharded probe from its parts (a set `PartFile.readSet`
    /// accepted). A row without features, with ragged or non-finite ones, or shaped unlike the
    /// first row's, is named with its part.
    public static func merge(_ parts: [PartFile.Part]) throws -> (experiment: ProbeExperiment, rows: [Row]) {
        let experiment = try parts[0].header(as: ProbeExperiment.self)
        guard (0...10_000_000).contains(experiment.rows) else { throw InputError(parts[0].path, "the probe part's header holds an impossible row count") }
        try PartFile.checkRows(parts, rows: try parts.map { try $0.records(as: Row.self).map(\.row) }, expected: Array(0..<experiment.rows))
        var rows: [Row] = []
        var first: (row: Row, path: String, shape: (Int, Int))?
        for part in parts {
            for r in try part.records(as: Row.self) {
                if r.skipped != nil { rows.append(r); continue }
                guard r.label != nil, let f = r.features else { throw InputError(part.path, "row \(r.row) has no label or features") }
                guard let width = f.first?.count, width > 0, f.allSatisfy({ $0.count == width }), f.joined().allSatisfy(\.isFinite) else {
                    throw InputError(part.path, "row \(r.row)'s features are empty, ragged or not finite numbers")
                }
                if let first, first.shape != (f.count, width) {
                    throw InputError(part.path, "row \(r.row)'s features are \(f.count) layers of \(width) values, "
                                     + "but row \(first.row.row)'s (in \(first.path)) are \(first.shape.0) of \(first.shape.1); were the parts made with one model and one side?")
                }
                if first == nil { first = (r, part.path, (f.count, width)) }
                rows.append(r)
            }
        }
        // A class too rare to fill the folds comes from a part (an unsharded run refuses it
        // before extracting): the part holding its first row is named, not the data file.
        let counts = Dictionary(grouping: rows.compactMap(\.label), by: { $0 }).mapValues(\.count)
        if let (rare, n) = counts.min(by: { $0.value < $1.value }), n < experiment.folds,
           let row = rows.first(where: { $0.label == rare }), let part = parts.first(where: { row.row % $0.of == $0.shard }) {
            throw InputError(part.path, "row \(row.row) is of class '\(rare)' of label '\(experiment.label)', which only \(n) row\(n == 1 ? "" : "s") of the parts have; "
                             + "--folds \(experiment.folds) needs \(experiment.folds) per class. Was the part edited, or made from other data?")
        }
        return (experiment, rows)
    }
}
