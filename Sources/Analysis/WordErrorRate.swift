import Foundation

/// Word error rate by Levenshtein alignment over lower-cased, punctuation-stripped words. In
/// scripts written without spaces (Chinese, Japanese kana, Thai, Lao, Myanmar, Khmer, Tibetan)
/// each character is a word, so the rate is a character error rate there: split at spaces alone,
/// a Chinese sentence was one "word", and one character changed made its WER 1.
public enum WordErrorRate {
    public static func words(_ text: String) -> [String] {
        units(text.lowercased()).map { w in
            String(w.filter { $0.isLetter || $0.isNumber || $0 == "'" })
        }.filter { !$0.isEmpty }
    }

    /// The text's words as written: split at white space, and each character of a script
    /// written without spaces a word of its own (`"今天 OK"` → `今`, `天`, `OK`).
    public static func units(_ text: String) -> [String] {
        var out: [String] = []
        for chunk in text.split(whereSeparator: { $0.isWhitespace }) {
            var run = ""
            for ch in chunk {
                if let scalar = ch.unicodeScalars.first, Self.unspaced(scalar) {
                    if !run.isEmpty { out.append(run); run = "" }
                    out.append(String(ch))
                } else {
                    run.append(ch)
                }
            }
            if !run.isEmpty { out.append(run) }
        }
        return out
    }

    /// Whether a character of this scalar belongs to a script written without spaces between words.
    static func unspaced(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x0E00...0x0EFF,            // Thai, Lao
             0x0F00...0x0FFF,            // Tibetan
             0x1000...0x109F,            // Myanmar
             0x1780...0x17FF,            // Khmer
             0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F,   // Hiragana, Katakana
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F:   // CJK ideographs
            return true
        default:
            return false
        }
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
