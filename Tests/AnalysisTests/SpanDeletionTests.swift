import Foundation
import Model
import Testing
import Analysis

/// What silencing a window did to the words spoken there: the silence-sweep claim.
@Suite struct SpanDeletionTests {
    /// "one two three four five six", one word a second (50 frames each).
    static let words = ["One", "two,", "three", "four", "five", "six."].enumerated().map {
        WordAlignment.Word(text: " " + $0.element, tokens: [], start: Double($0.offset), end: Double($0.offset + 1))
    }

    @Test func onlyLosingTheWindowsWordsIsADeletion() {
        let third = 100..<150   // "three"
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "One, two, four, five, six.") == .deleted)
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "One two. Four five six") == .deleted,
                "a neighbour's punctuation and case are not edits")
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "One two three four five six") == .unchanged)
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "One two") == .other, "a truncation loses words elsewhere too")
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "One two five six") == .deleted, "a word cut by the edge may go")
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "One two three three three three four five six") == .other)
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "One two tree four five six") == .other, "a substitution deletes nothing")
        #expect(SpanDeletion.classify(words: Self.words, window: third, patched: "Won two four five six") == .other, "the first word is outside the slack")
        #expect(SpanDeletion.classify(words: Self.words, window: 250..<300, patched: "One two three four five") == .deleted)
        #expect(SpanDeletion.classify(words: Self.words, window: 400..<450, patched: "One two") == .noWords, "after the last word")
    }

    /// On the bundled sample, silencing the last encoder layer mostly truncates or loops the
    /// transcript; those windows must not count as deletions, and the window over the clip's
    /// last words ("to do for them.") deletes just those.
    @Test func truncationsAndLoopsOfARealSweepAreNotDeletions() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[0])
        let last = engine.model.hyper.encoderLayers - 1
        let perLayer = (engine.audioFrames + 49) / 50
        let sweep = try Sweep(engine: engine, kind: .component(.residPost, window: 50), source: .silence, owns: { $0 / perLayer == last })
        let words = WordAlignment(engine: engine).words
        let clean = WordErrorRate.words(engine.clean.text)
        var seen: Set<SpanDeletion.Outcome> = []
        for cell in sweep.cells where cell.layer == last {
            let outcome = SpanDeletion.classify(words: words, window: cell.positions, patched: cell.text)
            seen.insert(outcome)
            let patched = WordErrorRate.words(cell.text)
            if cell.repetition { #expect(outcome == .other, "a loop is no deletion: \(cell.text)") }
            if outcome == .deleted { #expect(patched.count < clean.count, "\(cell.text)") }
        }
        func outcome(at frame: Int) throws -> (SpanDeletion.Outcome, String) {
            let cell = try #require(sweep.cells.first { $0.layer == last && $0.positions.lowerBound == frame })
            return (SpanDeletion.classify(words: words, window: cell.positions, patched: cell.text), cell.text)
        }
        let (cut, cutText) = try outcome(at: 150)
        #expect(cut == .other && WordErrorRate.words(cutText).count < clean.count / 2 + 2, "the transcript stops inside the window: \(cutText)")
        let (end, endText) = try outcome(at: 300)
        #expect(end == .deleted, "\(endText)")
        #expect(seen.contains(.other), "this clip's sweep truncates and loops")
    }
}
