/// Guesses at the next tokens of a free-running greedy decode, so that several can be verified
/// in one teacher-forced batch (speculative decoding with the text itself as the draft model).
/// A loop repeats its cycle, and a patched run that diverged often rejoins the clean transcript:
/// the guess is what followed the latest earlier occurrence of the last few tokens, in the output
/// so far (continued around the cycle) or else in the clean transcript.
public enum DraftTokens {
    /// Up to `count` tokens to try after `output`, or none when the last tokens were not seen before.
    public static func propose(after output: [Int], clean: [Int], count: Int) -> [Int] {
        guard count > 0 else { return [] }
        for n in stride(from: 4, through: 2, by: -1) where output.count > n {
            let tail = output.suffix(n)
            if let end = latestEnd(of: tail, in: output, before: output.count) {
                let period = output.count - end   // the cycle from there to now repeats
                return (0..<count).map { output[end + $0 % period] }
            }
            if let end = latestEnd(of: tail, in: clean, before: clean.count + 1), end < clean.count {
                return Array(clean[end..<min(clean.count, end + count)])
            }
        }
        return []
    }

    /// The end index of the latest occurrence of `tail` in `tokens` that ends before `limit`.
    static func latestEnd(of tail: ArraySlice<Int>, in tokens: [Int], before limit: Int) -> Int? {
        let n = tail.count
        var end = min(limit - 1, tokens.count)
        while end >= n {
            if tokens[(end - n)..<end].elementsEqual(tail) { return end }
            end -= 1
        }
        return nil
    }
}
