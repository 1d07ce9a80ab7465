/// Folds the repeats of a looping transcript for display: "you you you … you" (212 times)
/// becomes "(you) ×212", and a repeated phrase of up to four words "(I'm going) ×12". The
/// parentheses keep a fold apart from the word before it: "Qu (disappointed) ×223".
public enum LoopFold {
    /// The words with every run of three or more repeats of a 1–4-word phrase folded.
    public static func fold(_ words: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < words.count {
            var best: (n: Int, times: Int)?
            for n in 1...4 where i + n <= words.count {
                let gram = words[i..<(i + n)].map { $0.lowercased() }
                var times = 1
                while i + (times + 1) * n <= words.count, words[(i + times * n)..<(i + (times + 1) * n)].map({ $0.lowercased() }) == gram { times += 1 }
                if times >= 3, times * n > (best.map { $0.n * $0.times } ?? 0) { best = (n, times) }
            }
            if let best {
                let phrase = words[i..<(i + best.n)].joined(separator: " ")
                out.append("(\(phrase)) ×\(best.times)")
                i += best.n * best.times
            } else {
                out.append(words[i])
                i += 1
            }
        }
        return out
    }
}
