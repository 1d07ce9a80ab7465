import Model

/// Whisper's loop detector (paper-methods "Repetition").
public enum Repetition {
    /// A loop: zlib compression ratio above 2.4, or an n-gram (n = 1…4 words) repeated three
    /// or more times in a row.
    public static func isLoop(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if CompressionRatio.of(trimmed) > 2.4 { return true }
        return hasRepeatedNGram(trimmed.split(separator: " ").map { $0.lowercased() })
    }

    /// Whether a transcript that starts with `prefix` is sure to be a loop: its complete words
    /// (all but the last, which may be cut) already hold a repeated n-gram. A stop condition
    /// for decoding that leaves `isLoop` of the full transcript unchanged.
    public static func loopsAlready(_ prefix: String) -> Bool {
        let words = prefix.trimmingCharacters(in: .whitespaces).split(separator: " ").map { $0.lowercased() }
        return hasRepeatedNGram(Array(words.dropLast()))
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
