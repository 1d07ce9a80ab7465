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
