import Foundation
import Model

/// A probe's transfer test: trained on the clips of every synthesizer but one and tested on that
/// one's. A probe that learned how one synthesizer renders a label, rather than the label, fails
/// here even when its cross-validated accuracy is high. With grouped folds, each held-out clip
/// is also tested by a probe that never heard its group (its word, its speaker) at all.
public struct ProbeTransfer: Encodable, Sendable {
    public struct Split: Encodable, Sendable {
        /// The column's value whose rows are tested on; all other rows train.
        public let heldOut: String
        public let trained: Int, tested: Int
        /// Held-out accuracy per layer, each with its 95% interval (`LinearProbe.Layer`).
        public let layers: [LinearProbe.Layer]
        /// The same split on the pooled log-mel (no Whisper); nil when rows lack their inputs.
        public let input: LinearProbe.Layer?
        /// Held-out accuracy of always answering the training rows' majority class.
        public let majority: Double

        enum CodingKeys: String, CodingKey { case trained, tested, layers, majority, heldOut = "held_out", input = "log_mel" }
    }

    public let label: String, data: String, column: String
    /// The best layer of the cross-validated probe: chosen without the held-out rows.
    public let layer: Int
    public let splits: [Split]

    /// One split per value of `column` (among `result`'s kept rows of `set`) whose classes all
    /// occur in the other rows; nil when fewer than two values give a split.
    public init?(_ result: ProbeExperiment.Result, set: LabelledSet, column: String) {
        let rows = result.kept
        guard set.columns.contains(column), let best = result.probe.layers.max(by: { $0.accuracy < $1.accuracy }) else { return nil }
        let values = rows.map { set.rows[$0.row].labels[column] ?? "" }, labels = rows.map { $0.label ?? "" }
        let features = rows.map { $0.features ?? [] }
        let inputs = rows.allSatisfy { $0.input != nil } ? rows.map { [$0.input!] } : nil
        // The held-out clips of one speaker (or word) are clustered for the intervals too.
        let groups = result.experiment.group == nil ? nil : rows.map { $0.group ?? "" }
        // With grouped folds, the words (or speakers) tested are also kept out of training,
        // fold by fold: otherwise a word heard from other synthesizers could be recognised
        // rather than its category read.
        let folds = groups.map { g in LinearProbe.folds(labels.map { Set(labels).sorted().firstIndex(of: $0)! }, k: result.experiment.folds, groups: g) }
        var splits: [Split] = []
        for value in Set(values).sorted() {
            let heldOut = values.map { $0 == value }
            let train = labels.indices.filter { !heldOut[$0] }, test = labels.indices.filter { heldOut[$0] }
            guard Set(train.map { labels[$0] }).count >= 2, Set(test.map { labels[$0] }).isSubset(of: Set(train.map { labels[$0] })) else { continue }
            let parts: [(train: [Int], test: [Int])] = folds.map { fold in
                Set(fold).sorted().map { f in (train.filter { fold[$0] != f }, test.filter { fold[$0] == f }) }
            } ?? [(train, test)]
            // The majority answer of each part's training rows, on its test rows.
            let majorityRight = parts.reduce(0) { sum, part in
                let counts = Dictionary(grouping: part.train.map { labels[$0] }, by: { $0 }).mapValues(\.count)
                guard let majority = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return sum }
                return sum + part.test.filter { labels[$0] == majority }.count
            }
            splits.append(Split(heldOut: value, trained: train.count, tested: test.count,
                                layers: LinearProbe.heldOut(features: features, labels: labels, splits: parts, groups: groups),
                                input: inputs.map { LinearProbe.heldOut(features: $0, labels: labels, splits: parts, groups: groups)[0] },
                                majority: Double(majorityRight) / Double(test.count)))
        }
        guard splits.count >= 2 else { return nil }
        label = result.experiment.label; data = result.experiment.data
        self.column = column; layer = best.layer; self.splits = splits
    }

    /// "espeak-ng 0.950 [0.89, 0.98] (log-mel 0.700)", one per split, at `layer`.
    public var summary: String {
        splits.map { s in
            let l = s.layers[layer]
            return String(format: "%@ %.3f [%.3f, %.3f]", s.heldOut, l.accuracy, l.interval.low, l.interval.high)
                + (s.input.map { String(format: " (log-mel %.3f)", $0.accuracy) } ?? "")
        }.joined(separator: ", ")
    }
}
