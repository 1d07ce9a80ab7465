import Foundation
import Model

/// Localised encoder attention over a data set (paper-methods §5, from the whisper-tiny
/// write-ups): every clip transcribed again with each encoder layer's self-attention restricted
/// to ±k frames of each frame, for several k, and scored by WER against the reference text (or,
/// without one, against the clip's own transcript).
public enum AttentionWindows {
    /// Frames either side (20 ms each): the write-ups' ±75 (holds), ±50 (degrades), ±20 (lost).
    public static let radii = [75, 50, 20]

    /// One row: its transcript with full attention and with each window, or why it was skipped.
    public struct Record: Codable, Sendable {
        public let row: Int
        public var reference: String?
        public var clean: String?
        /// Per radius, in `radii` order.
        public var windowed: [String]?
        public var skipped: String?
    }

    /// Transcribes rows `indices` of `set` with full attention and with each radius.
    public static func run(_ set: LabelledSet, indices: [Int], radii: [Int] = radii, model: WhisperModel,
                           events: ExperimentEvents = .silent) throws -> [Record] {
        func reference(_ i: Int) -> String? { set.rows[i].labels["text"].flatMap { $0.isEmpty ? nil : $0 } }
        return try events.eachRow(indices, "attention windows", { i in
            let engine = try Engine(model: model, samples: try AudioFile.load(set.rows[i].path))
            return Record(row: i, reference: reference(i), clean: engine.clean.text,
                          windowed: try radii.map { try engine.run(PatchSet(attentionWindow: $0), useMemo: false).text })
        }, skipped: { i, error in Record(row: i, reference: reference(i), skipped: error.description) })
    }

    /// WER per window over the records.
    public struct Summary: Codable, Sendable {
        public struct Window: Codable, Sendable {
            /// Frames either side; nil for the model's full attention.
            public let radius: Int?
            public let meanWER: Double
            /// Share of clips whose transcript is more than WER 0.5 from the reference.
            public let lost: Double
            /// The clip-by-clip change in WER from the next wider window (full attention for the
            /// widest), with its 95% interval; nil for full attention.
            public let change: PairedDifference?
            /// Mean share of the reference's words the transcript keeps (aligned unchanged), and
            /// its clip-by-clip change from full attention (nil for full attention): WER also counts
            /// inserted words, which a hallucinating window adds without losing any.
            public let kept: Double
            public let keptChange: PairedDifference?
            enum CodingKeys: String, CodingKey { case radius, lost, change, kept, meanWER = "mean_wer", keptChange = "kept_change" }
        }

        public let clips: Int, skipped: Int
        /// "the reference text" when every clip has one, else "each clip's full-attention transcript".
        public let against: String
        /// Full attention first, then each radius.
        public let windows: [Window]

        public init(_ records: [Record], radii: [Int] = AttentionWindows.radii) {
            let kept = records.filter { $0.skipped == nil && $0.clean != nil && $0.windowed != nil }
            clips = kept.count
            skipped = records.count - kept.count
            let judged = !kept.isEmpty && kept.allSatisfy { $0.reference != nil }
            against = judged ? "the reference text" : "each clip's full-attention transcript"
            func wers(_ text: (Record) -> String) -> [Double] {
                kept.map { WordErrorRate.of(reference: judged ? $0.reference! : $0.clean!, hypothesis: text($0)) }
            }
            func keptShares(_ text: (Record) -> String) -> [Double] {
                kept.map { WordErrorRate.keptShare(reference: judged ? $0.reference! : $0.clean!, hypothesis: text($0)) }
            }
            let each = [wers { $0.clean! }] + radii.indices.map { k in wers { $0.windowed![k] } }
            let shares = [keptShares { $0.clean! }] + radii.indices.map { k in keptShares { $0.windowed![k] } }
            let n = Double(max(1, kept.count))
            windows = each.indices.map { i in
                Window(radius: i == 0 ? nil : radii[i - 1], meanWER: each[i].reduce(0, +) / n, lost: Double(each[i].filter { $0 > 0.5 }.count) / n,
                       change: i == 0 ? nil : PairedDifference(after: each[i], before: each[i - 1]),
                       kept: shares[i].reduce(0, +) / n, keptChange: i == 0 ? nil : PairedDifference(after: shares[i], before: shares[0], within: -1...1))
            }
        }
    }
}
