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
        public var skipped: String?

        enum CodingKeys: String, CodingKey {
            case row, path, saturation, skipped
            case encoderWER = "encoder_wer", encoderLoops = "encoder_loops"
        }
    }

    /// Both lenses on the first window of each of the rows `indices`; a row whose audio cannot be
    /// read is kept as skipped and told to `events`.
    public static func run(_ set: LabelledSet, indices: [Int], model: WhisperModel, events: ExperimentEvents = .silent) throws -> [Record] {
        var records: [Record] = []
        for (n, i) in indices.enumerated() {
            let path = set.rows[i].path
            var record = Record(row: i, path: path)
            do {
                let engine = try Engine(model: model, samples: try AudioFile.load(path))
                let final = engine.clean.text
                let layers = EncoderLens(engine: engine).layers
                record.saturation = LogitLens(engine: engine, run: engine.clean).saturation
                record.encoderWER = layers.map { WordErrorRate.of(reference: final, hypothesis: $0.text) }
                record.encoderLoops = layers.map(\.repetition)
            } catch let error as InputError {
                record.skipped = error.description
                events.skipped(error)
            }
            records.append(record)
            events.progress("lens survey", n + 1, indices.count)
        }
        return records
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
            enum CodingKeys: String, CodingKey { case layer, grounded, loops, meanWER = "mean_wer" }
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
            encoder = (0..<(wers.first?.count ?? 0)).map { (l: Int) -> Layer in
                let mean: Double = wers.map { $0[l] }.reduce(0, +) / n
                let grounded = Double(wers.filter { $0[l] < 0.5 }.count) / n
                let looping = Double(loops.filter { $0[l] }.count) / n
                return Layer(layer: l, meanWER: mean, grounded: grounded, loops: looping)
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
