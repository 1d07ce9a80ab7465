/// faster-whisper/CTranslate2's per-step logit rules for greedy decoding (spec §7.3).
public struct LogitFilter: Sendable {
    public let specials: SpecialTokens
    public let suppress: [Int]
    public let suppressAtBegin: [Int]
    public let timestamps: Bool
    public let maxInitialTimestampIndex: Int

    public init(specials: SpecialTokens, suppress: [Int], suppressAtBegin: [Int], timestamps: Bool,
                maxInitialTimestampIndex: Int) {
        self.specials = specials
        self.suppress = suppress
        self.suppressAtBegin = suppressAtBegin
        self.timestamps = timestamps
        self.maxInitialTimestampIndex = maxInitialTimestampIndex
    }

    /// The value CTranslate2 writes into disabled logits (float32 lowest, not −inf).
    public static let disabled = -Float.greatestFiniteMagnitude

    /// Applies every rule for the step that follows `generated` (tokens after the prompt).
    /// `sampleBegin` is the number of forced prefix tokens.
    public func apply(_ logits: inout [Float], generated: [Int], sampleBegin: Int) {
        for id in suppress where id >= 0 && id < logits.count { logits[id] = Self.disabled }
        if generated.count == sampleBegin {
            for id in suppressAtBegin where id >= 0 && id < logits.count { logits[id] = Self.disabled }
        }
        if timestamps { applyTimestampRules(&logits, generated: generated, sampleBegin: sampleBegin) }
    }

    private func applyTimestampRules(_ logits: inout [Float], generated seq: [Int], sampleBegin: Int) {
        let tb = specials.timestampBegin, eot = specials.eot
        func disable(_ r: Range<Int>) {
            let r = r.clamped(to: 0..<logits.count)
            for i in r { logits[i] = Self.disabled }
        }
        disable(specials.noTimestamps..<(specials.noTimestamps + 1))
        if seq.count == sampleBegin {
            guard sampleBegin == 0 else { return }
            // The first token is a timestamp no later than max_initial_timestamp.
            disable(0..<tb)
            disable(min(logits.count, tb + maxInitialTimestampIndex + 1)..<logits.count)
            return
        }
        let lastIsTimestamp = seq[seq.count - 1] >= tb
        let penultimateIsTimestamp = seq.count < 2 || seq[seq.count - 2] >= tb
        if lastIsTimestamp {
            if penultimateIsTimestamp {
                disable(tb..<logits.count)
            } else {
                disable(0..<eot)
            }
        }
        // Timestamps never decrease; after a text token they strictly increase.
        if let lastTimestamp = seq.last(where: { $0 >= tb }) {
            let bound = lastIsTimestamp && !penultimateIsTimestamp ? lastTimestamp : lastTimestamp + 1
            disable(tb..<bound)
        }
        // Force a timestamp when their total probability beats every single text token.
        let logprobs = FastMathLogits.logSoftmax(logits)
        var maxText = -Float.infinity
        for i in 0..<tb { maxText = max(maxText, logprobs[i]) }
        if FastMathLogits.logSumExp(logprobs[tb...]) > maxText { disable(0..<tb) }
    }
}

/// Log-softmax helpers over full vocabularies, in Float as CTranslate2 does.
enum FastMathLogits {
    static func logSoftmax(_ x: [Float]) -> [Float] { FastMath.logSoftmax(x) }

    static func logSumExp(_ x: ArraySlice<Float>) -> Float {
        var m = -Float.infinity
        for v in x { m = max(m, v) }
        guard m > -Float.infinity else { return -Float.infinity }
        var s: Float = 0
        for v in x { s += expf(v - m) }
        return m + logf(s)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
