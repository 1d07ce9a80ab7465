import Analysis
import Foundation
import Model
import Testing

/// Word timestamps equal faster-whisper's (`word_timestamps=True`, Tests/Fixtures/golden/words-*,
/// made by scripts/fw_words.py): the 14 golden clips, a sentence after 6 s of silence (the
/// pause rule), German, and French that base hears as Thai (words split on characters).
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
        #expect(Self.cases.count == 32, "golden words for 15 tiny.en and 17 base clips")
    }

    @Test(arguments: cases)
    func wordsAndTimesEqualFasterWhispers(_ c: Case) throws {
        let engine = try AnalysisSupport.engine(c.model, c.file)
        try #require(engine.cleanTokens == c.tokens, "the same transcript to align")
        let words = WordAlignment(engine: engine).words
        #expect(words.map(\.text) == c.words.map(\.text))
        for (ours, theirs) in zip(words, c.words) {
            #expect(abs(ours.start - theirs.start) < 1e-9 && abs(ours.end - theirs.end) < 1e-9,
                    "'\(theirs.text)': \(ours.start)–\(ours.end) against faster-whisper's \(theirs.start)–\(theirs.end)")
        }
        #expect(words.flatMap(\.tokens) == c.tokens, "every token in exactly one word, in order")
    }
}
