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
}
