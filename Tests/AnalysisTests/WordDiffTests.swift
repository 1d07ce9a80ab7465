import Analysis
import Testing

/// The word diff and the word error rate share one alignment; these pin its choices.
@Suite struct WordDiffTests {
    /// Words kept counts the reference's words aligned unchanged: insertions, which WER counts,
    /// lose none (the attention-window verdict's ±20 part rests on it).
    @Test func wordsKeptIgnoresInsertionsThatWERCounts() {
        #expect(WordErrorRate.keptShare(reference: "The lamp was warm.", hypothesis: "the lamp, the lamp, the lamp was so warm") == 1)
        #expect(WordErrorRate.of(reference: "The lamp was warm.", hypothesis: "the lamp, the lamp, the lamp was so warm") == 1.25)
        #expect(WordErrorRate.keptShare(reference: "a b c d", hypothesis: "a x c") == 0.5)
        #expect(WordErrorRate.keptShare(reference: "", hypothesis: "anything") == 1)
    }

    @Test func substitutionIsOneEditAndKeepsWordsAsWritten() {
        let d = WordDiff.transcripts("Then leisure to consider.", "then then to consider")
        #expect(d == [.same("then"), .substituted("leisure", by: "then"), .same("to"), .same("consider")])
        #expect(WordErrorRate.of(reference: "Then leisure to consider.", hypothesis: "then then to consider") == 0.25)
    }

    @Test func removalsAndAdditionsAlign() {
        #expect(WordDiff.align(["a", "b", "c"], ["a", "c"]) == [.same("a"), .removed("b"), .same("c")])
        #expect(WordDiff.align(["a", "c"], ["a", "b", "c"]) == [.same("a"), .added("b"), .same("c")])
        #expect(WordDiff.align([], ["x", "y"]) == [.added("x"), .added("y")])
        #expect(WordDiff.align(["x"], []) == [.removed("x")])
    }

    @Test func repeatedWordsFromALoopShowAsAdditions() {
        let d = WordDiff.transcripts("had then leisure to", "had then then then to")
        #expect(d.filter(\.isEdit).count == 2)
        #expect(WordErrorRate.of(reference: "had then leisure to", hypothesis: "had then then then to") == 0.5)
        #expect(WordErrorRate.of(reference: "", hypothesis: "") == 0)
        #expect(WordErrorRate.of(reference: "", hypothesis: "a b") == 2)
    }

    /// In scripts written without spaces each character is a word: a trial's Japanese patch
    /// changed one character and read WER 0.50 (two space-separated "words"), and a Chinese one
    /// 3.571. Latin words among them stay words, and Korean, written with spaces, is split there.
    @Test func scriptsWithoutSpacesCountCharacters() {
        #expect(WordErrorRate.units("今天天气很好，我们去 OK 公园。") == ["今", "天", "天", "气", "很", "好", "，", "我", "们", "去", "OK", "公", "园", "。"])
        #expect(WordErrorRate.words("今天天气很好，我们去公园。") == ["今", "天", "天", "气", "很", "好", "我", "们", "去", "公", "园"])
        #expect(abs(WordErrorRate.of(reference: "こんにちは。わたしのなまえはたなかです。", hypothesis: "こんにちは。わたしのなまえはたなけです。") - 1.0 / 18) < 1e-12)
        #expect(WordErrorRate.units("สวัสดีครับ") == ["ส", "วั", "ส", "ดี", "ค", "รั", "บ"])
        #expect(WordErrorRate.words("안녕하세요 여러분") == ["안녕하세요", "여러분"])
        #expect(WordDiff.transcripts("我们去公园", "我们去学校").filter(\.isEdit) == [.substituted("公", by: "学"), .substituted("园", by: "校")])
    }
}
