import Foundation

/// Word error rate by Levenshtein alignment over lower-cased, punctuation-stripped words.
public enum WordErrorRate {
    public static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).map { w in
            String(w.filter { $0.isLetter || $0.isNumber || $0 == "'" })
        }.filter { !$0.isEmpty }
    }

    /// The share of the reference's words that the hypothesis keeps, aligned unchanged (1 for an
    /// empty reference: nothing could be lost).
    public static func keptShare(reference: String, hypothesis: String) -> Double {
        let r = words(reference)
        guard !r.isEmpty else { return 1 }
        return Double(WordDiff.align(r, words(hypothesis)).filter { !$0.isEdit }.count) / Double(r.count)
    }

    /// Edits / reference words (0 when both are empty; 1 per inserted word when the reference is empty).
    public static func of(reference: String, hypothesis: String) -> Double {
        let r = words(reference), h = words(hypothesis)
        if r.isEmpty { return h.isEmpty ? 0 : Double(h.count) }
        return Double(WordDiff.align(r, h).filter(\.isEdit).count) / Double(r.count)
    }
}
