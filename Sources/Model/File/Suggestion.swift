/// The name a mistyped word most likely meant (`trasncribe` → `transcribe`, `:exprot` →
/// `:export`), for "did you mean" in unknown-command messages.
public enum Suggestion {
    /// The name within a small edit distance of `word` (at most 2 edits, and fewer than half its
    /// letters), the nearest first; nil when none is that close or two are equally near.
    public static func nearest(to word: String, among names: [String]) -> String? {
        let letters = Array(word.lowercased())
        let scored = names.map { name in (name, distance(letters, Array(name.lowercased()))) }
        guard let best = scored.map(\.1).min(), best <= 2, best * 2 < max(letters.count, 1) else { return nil }
        let nearest = scored.filter { $0.1 == best }
        return nearest.count == 1 ? nearest[0].0 : nil
    }

    /// "; did you mean X?" to follow a problem, or "" when no name is near; `prefix` and
    /// `suffix` go around the name (`:export!`).
    public static func didYouMean(_ word: String, among names: [String], prefix: String = "", suffix: String = "") -> String {
        nearest(to: word, among: names).map { "; did you mean \(prefix)\($0)\(suffix)?" } ?? ""
    }

    /// Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
