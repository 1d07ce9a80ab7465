import Foundation

/// How much a transcript reads as real English: the share of its words found in a word list
/// (Debian's `wamerican`, /usr/share/dict/words). The encoder lens uses it to tell fluent text
/// that is not grounded in the audio (the paper's hallucinating near-top layers) from noise
/// such as "..." or "Mine go zzz".
public enum Fluency {
    /// Lower-cased words of the list, possessives included; nil when the list is missing.
    static let words: Set<Substring>? = {
        guard let data = FileManager.default.contents(atPath: "/usr/share/dict/words") else { return nil }
        return Set(String(decoding: data, as: UTF8.self).lowercased().split(separator: "\n"))
    }()

    /// Whether the word list is installed (package `wamerican`).
    public static var available: Bool { words != nil }

    /// The share of `text`'s words (letters and apostrophes; digits count as real) that are in
    /// the list; nil when the text has no words or the list is missing.
    public static func of(_ text: String) -> Double? {
        guard let words else { return nil }
        let tokens = text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            .filter { !$0.isEmpty }
        guard !tokens.isEmpty else { return nil }
        return Double(tokens.filter { $0.allSatisfy(\.isNumber) || words.contains(Substring($0)) }.count) / Double(tokens.count)
    }

    /// Fluent text, for the encoder lens: at least three words, nine in ten of them real.
    public static func isFluent(_ text: String) -> Bool {
        guard let share = of(text) else { return false }
        return share >= 0.9 && text.split(whereSeparator: \.isWhitespace).count >= 3
    }
}
