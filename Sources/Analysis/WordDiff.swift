/// A minimum-edit alignment of two word sequences (Levenshtein, with substitutions): the word
/// diff the patch view shows and the edit count behind the word error rate.
public enum WordDiff {
    public enum Edit: Equatable, Sendable {
        case same(String)
        case substituted(String, by: String)
        case removed(String)
        case added(String)

        /// Whether this step is an edit (everything but `same`).
        public var isEdit: Bool { if case .same = self { return false } else { return true } }
    }

    /// Aligns `a` to `b`, comparing words by `key` (e.g. lower case without punctuation) and
    /// keeping the words as written. Ties prefer a substitution, then a removal.
    public static func align(_ a: [String], _ b: [String], key: (String) -> String = { $0 }) -> [Edit] {
        let ka = a.map(key), kb = b.map(key)
        let n = a.count, m = b.count
        // cost[i][j]: edits to turn a[i...] into b[j...]; filled from the end for a forward walk.
        var cost = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n, through: 0, by: -1) {
            for j in stride(from: m, through: 0, by: -1) {
                if i == n { cost[i][j] = m - j; continue }
                if j == m { cost[i][j] = n - i; continue }
                cost[i][j] = min(cost[i + 1][j + 1] + (ka[i] == kb[j] ? 0 : 1), cost[i + 1][j] + 1, cost[i][j + 1] + 1)
            }
        }
        var edits: [Edit] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, cost[i][j] == cost[i + 1][j + 1] + (ka[i] == kb[j] ? 0 : 1) {
                edits.append(ka[i] == kb[j] ? .same(b[j]) : .substituted(a[i], by: b[j]))
                i += 1; j += 1
            } else if i < n, cost[i][j] == cost[i + 1][j] + 1 {
                edits.append(.removed(a[i])); i += 1
            } else {
                edits.append(.added(b[j])); j += 1
            }
        }
        return edits
    }

    /// The diff of two transcripts, word by word (character by character in scripts written
    /// without spaces, as `WordErrorRate` counts), ignoring case and punctuation.
    public static func transcripts(_ clean: String, _ patched: String) -> [Edit] {
        align(WordErrorRate.units(clean), WordErrorRate.units(patched)) { WordErrorRate.words($0).first ?? "" }
    }
}
