import Model

/// Whisper's loop detector (paper-methods "Repetition").
public enum Repetition {
    /// A loop: zlib compression ratio above 2.4, or an n-gram (n = 1…4 words) repeated three
    /// or more times in a row. Words are compared without case and without the punctuation
    /// around them: "the cut, the cut, the cut." repeats "the cut".
    public static func isLoop(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if CompressionRatio.of(trimmed) > 2.4 { return true }
        return hasRepeatedNGram(words(trimmed))
    }

    /// The words as the n-gram rule compares them: lower-cased, punctuation around them dropped
    /// (a word of punctuation only is kept as it is).
    static func words(_ text: String) -> [String] {
        text.split(separator: " ").map { w in
            let bare = w.lowercased().trimmingCharacters(in: .punctuationCharacters)
            return bare.isEmpty ? w.lowercased() : bare
        }
    }

    /// Whether a transcript that starts with `prefix` is sure to be a loop: its complete words
    /// (all but the last, which may be cut) already hold a repeated n-gram. A stop condition
    /// for decoding that leaves `isLoop` of the full transcript unchanged.
    public static func loopsAlready(_ prefix: String) -> Bool {
        hasRepeatedNGram(Array(words(prefix.trimmingCharacters(in: .whitespaces)).dropLast()))
    }

    static func hasRepeatedNGram(_ words: [String], times: Int = 3) -> Bool {
        for n in 1...4 where words.count >= n * times {
            for start in 0...(words.count - n * times) {
                let gram = words[start..<(start + n)]
                if (1..<times).allSatisfy({ words[(start + $0 * n)..<(start + ($0 + 1) * n)] == gram }) { return true }
            }
        }
        return false
    }
}

import Foundation
