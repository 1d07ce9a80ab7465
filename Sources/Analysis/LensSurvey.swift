import Foundation
import Model

/// The logit lens and the encoder lens over a data set (paper-methods §1–2): per clip, the layer
/// at which each token saturates, and how far each encoder layer's lens transcript is from the
/// final one. One clip shows the pattern; a data set says how often it holds.
public enum LensSurvey {
    /// One row's lenses, or why it was skipped.
    public struct Record: Codable, Sendable {
        public let row: Int
        public let path: String
        /// Per transcript token (and EOT): the first lens row (0 = embedding) from which top-1 is final.
        public var saturation: [Int?]?
        /// Per encoder layer: WER of its lens transcript against the final transcript, and whether it loops.
        public var encoderWER: [Double]?
        public var encoderLoops: [Bool]?
        /// Per encoder layer: its lens transcript.
        public var encoderText: [String]?
        public var skipped: String?

        enum CodingKeys: String, CodingKey {
            case row, path, saturation, skipped
            case encoderWER = "encoder_wer", encoderLoops = "encoder_loops", encoderText = "encoder_text"
        }
    }

    /// Both lenses on the first window of each of the rows `indices`; a row whose audio cannot be
    /// read is kept as skipped and told to `events`.
    public static func run(_ set: LabelledSet, indices: [Int], model: WhisperModel, events: ExperimentEvents = .silent) throws -> [Record] {
        try events.eachRow(indices, "lens survey", { i in
            let engine = try Engine(model: model, samples: try AudioFile.load(set.rows[i].path))
            let final = engine.clean.text
            let layers = EncoderLens(engine: engine).layers
            var record = Record(row: i, path: set.rows[i].path)
            record.saturation = LogitLens(engine: engine, run: engine.clean).saturation
            record.encoderWER = layers.map { WordErrorRate.of(reference: final, hypothesis: $0.text) }
            record.encoderLoops = layers.map(\.repetition)
            record.encoderText = layers.map(\.text)
            return record
        }, skipped: { i, error in
            var record = Record(row: i, path: set.rows[i].path)
            record.skipped = error.description
            return record
        })
    }

    /// What the records say together.
    public struct Summary: Codable, Sendable {
        public struct Layer: Codable, Sendable {
            public let layer: Int
            public let meanWER: Double
            /// Share of clips whose lens transcript at this layer is within WER 0.5 of the final one.
            public let grounded: Double
            /// Share of clips whose lens transcript at this layer loops.
            public let loops: Double
            /// Share of clips whose lens transcript at this layer is fluent (`Fluency.isFluent`: at
            /// least 3 words, 90% of them real); nil without the word list. (It was the mean share
            /// of real words over clips with words, which read 1.00 for layers that said "a" or "1".)
            public let fluent: Double?
            /// Share of clips whose lens transcript is fluent but WER 0.5 or more from the
            /// final one: text not grounded in the audio; nil without the word list.
            public let ungrounded: Double?
            enum CodingKeys: String, CodingKey { case layer, grounded, loops, fluent, ungrounded, meanWER = "mean_wer" }
        }

        public let clips: Int, skipped: Int
        public let tokens: Int
        /// Tokens final before the last decoder layer.
        public let finalEarly: Int
        /// Tokens per saturation row (0 = embedding … decoder layers), the last counting those never final.
        public let saturation: [Int]
        public let encoder: [Layer]

        enum CodingKeys: String, CodingKey {
            case clips, skipped, tokens, saturation, encoder
            case finalEarly = "final_early"
        }

        public init(_ records: [Record], decoderLayers: Int) {
            let kept = records.filter { $0.skipped == nil }
            clips = kept.count
            skipped = records.count - kept.count
            let rows = kept.flatMap { $0.saturation ?? [] }
            tokens = rows.count
            finalEarly = rows.filter { ($0 ?? .max) < decoderLayers }.count
            saturation = (0...decoderLayers).map { k in rows.filter { $0 == k }.count } + [rows.filter { $0 == nil }.count]
            let wers = kept.compactMap(\.encoderWER), loops = kept.compactMap(\.encoderLoops)
            let n = Double(max(1, wers.count))
            // Fluency needs every clip's lens texts (parts written before they were kept have none).
            let texts = kept.allSatisfy({ $0.encoderText != nil }) && Fluency.available ? kept.map { zip($0.encoderText!, $0.encoderWER ?? []) } : nil
            encoder = (0..<(wers.first?.count ?? 0)).map { (l: Int) -> Layer in
                let mean: Double = wers.map { $0[l] }.reduce(0, +) / n
                let grounded = Double(wers.filter { $0[l] < 0.5 }.count) / n
                let looping = Double(loops.filter { $0[l] }.count) / n
                let layer = texts?.map { Array($0)[l] }
                return Layer(layer: l, meanWER: mean, grounded: grounded, loops: looping,
                             fluent: layer.map { Double($0.filter { Fluency.isFluent($0.0) }.count) / n },
                             ungrounded: layer.map { Double($0.filter { Fluency.isFluent($0.0) && $0.1 >= 0.5 }.count) / n })
            }
        }

        /// Every token's saturation row (nil: never final), rebuilt from the counts.
        public var tokenRows: [Int?] {
            saturation.dropLast().enumerated().flatMap { row, n in [Int?](repeating: row, count: n) }
                + [Int?](repeating: nil, count: saturation.last ?? 0)
        }

        /// Layers whose lens transcript is within WER 0.5 of the final one on most clips.
        public var groundedLayers: [Int] { encoder.filter { $0.grounded > 0.5 }.map(\.layer) }
    }
}
