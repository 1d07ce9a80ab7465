import Foundation

/// Word error rate by Levenshtein alignment over lower-cased, punctuation-stripped words.
public enum WordErrorRate {
    public static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).map { w in
            String(w.filter { $0.isLetter || $0.isNumber || $0 == "'" })
        }.filter { !$0.isEmpty }
    }

    /// Edits / reference words (0 when both are empty; 1 per inserted word when the reference is empty).
    public static func of(reference: String, hypothesis: String) -> Double {
        let r = words(reference), h = words(hypothesis)
        if r.isEmpty { return h.isEmpty ? 0 : Double(h.count) }
        return Double(WordDiff.align(r, h).filter(\.isEdit).count) / Double(r.count)
    }
}
