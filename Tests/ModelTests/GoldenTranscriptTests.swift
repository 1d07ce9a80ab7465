import Foundation
import Testing
import Model

/// Token-exact transcripts against faster-whisper (Tests/Fixtures/golden, made by fw_reference.py).
@Suite struct GoldenTranscriptTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let model: String
        let file: String
        let language: String
        let tokens: [Int]
        let text: String
        let noSpeechProb: Double
        var testDescription: String { "\(model) \(URL(fileURLWithPath: file).lastPathComponent)" }
    }

    static let cases: [Case] = ["tiny.en", "base"].flatMap { model in
        (try? TestSupport.jsonLines(TestSupport.fixture("golden/\(model).jsonl")))?.map {
            Case(model: model, file: $0["file"] as! String, language: $0["language"] as! String,
                 tokens: $0["tokens"] as! [Int], text: $0["text"] as! String,
                 noSpeechProb: $0["no_speech_prob"] as! Double)
        } ?? []
    }

    @Test func everyFixtureIsPresent() {
        #expect(Self.cases.filter { $0.model == "tiny.en" }.count == 14)
        #expect(Self.cases.filter { $0.model == "base" }.count == 14)
    }

    @Test(arguments: cases)
    func tokensEqualFasterWhisper(_ c: Case) throws {
        let model = try TestSupport.model(c.model)
        let samples = try AudioFile.load(TestSupport.resolve(c.file))
        let t = try Transcriber(model: model).transcribe(samples: samples, options: .init())
        #expect(t.tokens == c.tokens)
        #expect(t.text == c.text)
        #expect(t.language == c.language)
        #expect(abs(Double(t.noSpeechProb ?? -1) - c.noSpeechProb) < 1e-3)
    }
}
