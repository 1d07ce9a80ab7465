/// The result of one (patched or clean) run of the engine over a clip.
public struct Run: Sendable {
    public let patches: PatchSet
    /// Free-running greedy transcript (no prompt, no EOT).
    public let tokens: [Int]
    /// Log-probability (after the decoding rules) of each transcript token where greedy decoding
    /// chose it in this run: the clean token's up to the first divergence, greedy's own after.
    public let tokenLogprobs: [Float]
    public let text: String
    /// Teacher-forced pass over prompt + the clean transcript, with the patches applied.
    public let decoder: DecoderTrace
    /// Log-probability (after the decoding rules) of each clean token, then of EOT, in that pass.
    public let cleanTokenLogprobs: [Float]
    /// Greedy choice (after the decoding rules) at each teacher-forced step.
    public let teacherForcedArgmax: [Int]
    /// Encoder output that the decoder attended to.
    public let encoderOut: Matrix
    /// What computing this run evaluated (zero when it came from the memo).
    public internal(set) var work: WorkCounters
    /// `work` of the computation that made the run, kept when it comes from the memo.
    var firstWork: WorkCounters? = nil
    /// What computing this run evaluated when it was computed, from the memo or not: the figures
    /// `asrlens patch` and a patch export report.
    public var workWhenComputed: WorkCounters { firstWork ?? work }
    /// Where the run's activations stopped being finite numbers ("the encoder output",
    /// "dec.2.resid_post"), or nil. A patch can legitimately blow the model up; such a run's
    /// log-probs are NaN and it has no transcript (decoding NaN logits would be noise).
    public var nonFinite: String? = nil

    /// Every activation the run holds, for `Footprint`.
    public var matrices: [Matrix] { decoder.matrices + [encoderOut] }
}
