import Foundation
import Model

/// One file's transcript as `transcribe --json` prints it: `{"file", "language", "tokens",
/// "text", "no_speech_prob", "dropped_windows", "seconds"}`. `no_speech_prob` is the first
/// segment's, else the first dropped window's (null for audio with no window);
/// `dropped_windows` lists the windows dropped as silence with their start (s), no-speech
/// probability and average log-prob.
public struct TranscriptRecord: Encodable {
    public let file: String
    public let language: String
    public let tokens: [Int]
    public let text: String
    public let noSpeechProb: Float?
    public let droppedWindows: [Dropped]
    /// Wall time for the file, to 0.1 ms.
    public let seconds: Double

    public init(file: String, transcript: Transcriber.Transcript, seconds: Double) {
        self.file = file
        language = transcript.language
        tokens = transcript.tokens
        text = transcript.text
        noSpeechProb = transcript.noSpeechProb
        droppedWindows = transcript.dropped.map(Dropped.init)
        self.seconds = (seconds * 10_000).rounded() / 10_000
    }

    enum CodingKeys: String, CodingKey {
        case file, language, tokens, text, noSpeechProb = "no_speech_prob", droppedWindows = "dropped_windows", seconds
    }

    /// A window dropped as silence.
    public struct Dropped: Encodable {
        public let start: Double, noSpeechProb: Float, avgLogprob: Float
        init(_ w: Transcriber.DroppedWindow) { start = w.start; noSpeechProb = w.noSpeechProb; avgLogprob = w.avgLogprob }
        enum CodingKeys: String, CodingKey { case start, noSpeechProb = "no_speech_prob", avgLogprob = "avg_logprob" }
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(language, forKey: .language)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(text, forKey: .text)
        try c.encode(noSpeechProb, forKey: .noSpeechProb)   // null, not absent, when nil
        try c.encode(droppedWindows, forKey: .droppedWindows)
        try c.encode(seconds, forKey: .seconds)
    }
}
