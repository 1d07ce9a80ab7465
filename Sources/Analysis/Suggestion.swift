/// The name a mistyped word most likely meant (`trasncribe` → `transcribe`, `:exprot` →
/// `:export`), for "did you mean" in unknown-command messages.
public enum Suggestion {
    /// The name within a small edit distance of `word` (at most 2 edits, and fewer than half its
    /// letters), the nearest first; nil when none is that close or two are equally near.
    public static func nearest(to word: String, among names: [String]) -> String? {
        let letters = word.lowercased().map(String.init)
        let scored = names.map { name in
            (name, WordDiff.align(letters, name.lowercased().map(String.init)).filter(\.isEdit).count)
        }
        guard let best = scored.map(\.1).min(), best <= 2, best * 2 < max(letters.count, 1) else { return nil }
        let nearest = scored.filter { $0.1 == best }
        return nearest.count == 1 ? nearest[0].0 : nil
    }

    /// "; did you mean X?" to follow a problem, or "" when no name is near; `prefix` and
    /// `suffix` go around the name (`:export!`).
    public static func didYouMean(_ word: String, among names: [String], prefix: String = "", suffix: String = "") -> String {
        nearest(to: word, among: names).map { "; did you mean \(prefix)\($0)\(suffix)?" } ?? ""
    }
}
