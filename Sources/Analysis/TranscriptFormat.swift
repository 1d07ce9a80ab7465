import Foundation
import Model

/// A transcript in the files openai-whisper's `--output_format` writes, so that what people
/// pipe onward (subtitle players, spreadsheets, scripts) reads ours the same way.
public enum TranscriptFormat: String, CaseIterable, Sendable {
    case txt, vtt, srt, tsv, json

    /// The file's text for `transcript`.
    public func render(_ transcript: Transcriber.Transcript) throws -> String {
        let segments = transcript.segments
        func clean(_ s: Transcriber.Segment) -> String { s.text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-->", with: "->") }
        switch self {
        case .txt:
            return segments.map { $0.text.trimmingCharacters(in: .whitespaces) + "\n" }.joined()
        case .vtt:
            return "WEBVTT\n\n" + segments.map { "\(Self.timestamp($0.start)) --> \(Self.timestamp($0.end))\n\(clean($0))\n\n" }.joined()
        case .srt:
            return segments.enumerated().map { i, s in
                "\(i + 1)\n\(Self.timestamp(s.start, hours: true, marker: ",")) --> \(Self.timestamp(s.end, hours: true, marker: ","))\n\(clean(s))\n\n"
            }.joined()
        case .tsv:
            return "start\tend\ttext\n" + segments.map {
                "\(Self.milliseconds($0.start))\t\(Self.milliseconds($0.end))\t\($0.text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\t", with: " "))\n"
            }.joined()
        case .json:
            return try JSONText.encode(WhisperJSON(transcript)) + "\n"
        }
    }

    /// Seconds as whole milliseconds, rounded half to even as Python's `round` does.
    static func milliseconds(_ seconds: Double) -> Int { Int((max(0, seconds) * 1000).rounded(.toNearestOrEven)) }

    /// `MM:SS.mmm`, with `HH:` when asked or when the time reaches an hour.
    static func timestamp(_ seconds: Double, hours always: Bool = false, marker: String = ".") -> String {
        let ms = milliseconds(seconds)
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, rest = ms % 1000
        return (always || h > 0 ? String(format: "%02d:", h) : "") + String(format: "%02d:%02d%@%03d", m, s, marker, rest)
    }

    /// openai-whisper's result object: text, segments, language.
    struct WhisperJSON: Encodable {
        struct Segment: Encodable {
            let id: Int, seek: Int, start: Double, end: Double, text: String, tokens: [Int]
            let temperature: Double, avgLogprob: Float, compressionRatio: Double, noSpeechProb: Float
            enum CodingKeys: String, CodingKey {
                case id, seek, start, end, text, tokens, temperature
                case avgLogprob = "avg_logprob", compressionRatio = "compression_ratio", noSpeechProb = "no_speech_prob"
            }
        }
        let text: String, segments: [Segment], language: String

        init(_ t: Transcriber.Transcript) {
            text = t.text
            language = t.language
            segments = t.segments.enumerated().map { i, s in
                Segment(id: i, seek: s.seek, start: s.start, end: s.end, text: s.text, tokens: s.tokens, temperature: 0,
                        avgLogprob: s.avgLogprob, compressionRatio: CompressionRatio.of(s.text), noSpeechProb: s.noSpeechProb)
            }
        }
    }
}
