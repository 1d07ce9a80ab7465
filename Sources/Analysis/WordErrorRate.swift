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
        var prev = Array(0...h.count)
        for i in 1...r.count {
            var cur = [i] + Array(repeating: 0, count: h.count)
            for j in stride(from: 1, through: h.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return Double(prev[h.count]) / Double(r.count)
    }
}
