import Foundation
import Model

/// One file's transcript as `transcribe --json` prints it: `{"file", "language", "tokens",
/// "text", "no_speech_prob", "seconds"}`, with `no_speech_prob` null when not computed.
public struct TranscriptRecord: Encodable {
    public let file: String
    public let language: String
    public let tokens: [Int]
    public let text: String
    public let noSpeechProb: Float?
    /// Wall time for the file, to 0.1 ms.
    public let seconds: Double

    public init(file: String, transcript: Transcriber.Transcript, seconds: Double) {
        self.file = file
        language = transcript.language
        tokens = transcript.tokens
        text = transcript.text
        noSpeechProb = transcript.noSpeechProb
        self.seconds = (seconds * 10_000).rounded() / 10_000
    }

    enum CodingKeys: String, CodingKey {
        case file, language, tokens, text, noSpeechProb = "no_speech_prob", seconds
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(language, forKey: .language)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(text, forKey: .text)
        try c.encode(noSpeechProb, forKey: .noSpeechProb)   // null, not absent, when nil
        try c.encode(seconds, forKey: .seconds)
    }
}
