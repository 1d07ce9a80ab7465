import Analysis
import Foundation
import Model
import Testing

/// Word timestamps equal faster-whisper's (`word_timestamps=True`, Tests/Fixtures/golden/words-*,
/// made by scripts/fw_words.py): the 14 golden clips, a sentence after 6 s of silence (the
/// pause rule), German, French that base hears as Thai (words split on characters), and German
/// then Russian, where base decodes `<|de|>` mid-text (no word: faster-whisper aligns text
/// tokens only).
struct WordAlignmentTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let model: String, file: String, tokens: [Int], words: [(text: String, start: Double, end: Double)]
        var testDescription: String { "\(model) \(URL(fileURLWithPath: file).lastPathComponent)" }
    }

    static let cases: [Case] = ["tiny.en", "base"].flatMap { model -> [Case] in
        let url = AnalysisSupport.root.appendingPathComponent("Tests/Fixtures/golden/words-\(model).jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { line in
            let o = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let file = o["file"] as! String
            return Case(model: model, file: file.hasPrefix("/") ? file : AnalysisSupport.root.appendingPathComponent(file).path,
                        tokens: o["tokens"] as! [Int],
                        words: (o["words"] as! [[Any]]).map { ($0[0] as! String, ($0[1] as! NSNumber).doubleValue, ($0[2] as! NSNumber).doubleValue) })
        }
    }

    @Test func everyGoldenFileIsThere() {
        #expect(Self.cases.count == 33, "golden words for 15 tiny.en and 18 base clips")
    }

    @Test(arguments: cases)
    func wordsAndTimesEqualFasterWhispersAndNoneIsSaidToEndEarly(_ c: Case) throws {
        let engine = try AnalysisSupport.engine(c.model, c.file)
        try #require(engine.cleanTokens == c.tokens, "the same transcript to align")
        let alignment = WordAlignment(engine: engine)
        let words = alignment.words
        // Every golden clip is transcribed to its end: where the text is heard to end lies near
        // faster-whisper's last word, and no early end is reported.
        let textEnd = try #require(alignment.textEnd)
        #expect(abs(textEnd - c.words.last!.end) <= 1.5, "text heard to end at \(textEnd) s, the last word at \(c.words.last!.end) s")
        #expect(alignment.earlyEnd(windowStart: 0, audioEnd: Double(engine.windowFrames) / 100) == nil)
        #expect(words.map(\.text) == c.words.map(\.text))
        for (ours, theirs) in zip(words, c.words) {
            #expect(abs(ours.start - theirs.start) < 1e-9 && abs(ours.end - theirs.end) < 1e-9,
                    "'\(theirs.text)': \(ours.start)–\(ours.end) against faster-whisper's \(theirs.start)–\(theirs.end)")
        }
        #expect(words.flatMap(\.tokens) == c.tokens.filter { $0 < engine.model.specials.eot }, "every text token in exactly one word, in order")
    }

    /// A decode that stopped at the token cap is not said to have ended at an end of text (a
    /// trial's looping window was); both causes give the offset to two decimals.
    @Test func anEarlyEndSaysWhetherTheCapOrAnEndOfTextStoppedIt() {
        let looped = WordAlignment.EarlyEnd(textEnd: 9.98, audioEnd: 35, stretched: false, capped: true)
        #expect(looped.note == "decoded up to 9.98 s of 35.00 s: the decode stopped at the token cap (its text loops, most likely), not at an end of text; "
                + "for speech after it, give --offset 9.98")
        let ended = WordAlignment.EarlyEnd(textEnd: 7.004, audioEnd: 30, stretched: true, capped: false)
        #expect(ended.note == "decoded up to 7.00 s of 30.00 s: a decode ends at its first end of text, as faster-whisper's without timestamps; "
                + "the word times stretch over the audio after it; for speech after it, give --offset 7.00")
    }

    /// Found by a new-user trial: tiny.en stops after the first sentence of a 30 s window of
    /// speech, and the words' DTW path stretches that sentence over the whole window (its first
    /// word at 19.7 s). The text is heard to end near 7 s, so the early end is reported; base,
    /// which transcribes the same window through, reports none.
    @Test func aDecodeThatStopsEarlyIsReportedThoughItsWordTimesStretch() throws {
        let order = ["0870", "0890", "0930", "0870", "0890", "0930", "0890"]
        let samples = try order.flatMap { try AudioFile.load(AnalysisSupport.root.appendingPathComponent("assets/sense-and-sensibility-\($0).wav").path) }
        let tiny = try Engine(model: AnalysisSupport.model("tiny.en"), samples: samples)
        let alignment = WordAlignment(engine: tiny)
        let first = try #require(alignment.words.first)
        try #require(first.start > 15, "the stretched alignment this test is about (first word at \(first.start) s)")
        let early = try #require(alignment.earlyEnd(windowStart: 0, audioEnd: 30))
        #expect(early.textEnd > 5.5 && early.textEnd < 8.5, "the first sentence (0870, 7.1 s) ends near 7 s, not at \(early.textEnd) s")
        #expect(early.stretched && early.note.contains("give --offset \(String(format: "%.2f", early.textEnd))"), "\(early.note)")
        let base = try Engine(model: AnalysisSupport.model("base"), samples: samples)
        #expect(WordAlignment(engine: base).earlyEnd(windowStart: 0, audioEnd: 30) == nil, "\(base.cleanTokens.count) tokens")
        // Silence after the text is no speech left out (a trial's clip padded with 3 s of silence
        // was told to look for speech after 2.58 s).
        let clip = try AudioFile.load(AnalysisSupport.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path)
        for model in ["tiny.en", "base"] {
            let padded = try Engine(model: AnalysisSupport.model(model), samples: clip + [Float](repeating: 0, count: 3 * 16_000))
            let words = WordAlignment(engine: padded)
            #expect(!words.soundAfterText && words.earlyEnd(windowStart: 0, audioEnd: Double(padded.windowFrames) / 100) == nil, "\(model)")
        }
        #expect(alignment.soundAfterText, "speech follows the first sentence")
    }
}
