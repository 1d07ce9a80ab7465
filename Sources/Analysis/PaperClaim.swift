/// The findings of "Beyond Transcription" (and of the whisper-tiny write-ups paper-methods §5
/// cites) that `asrlens report` tests, in the words the report prints beside its own numbers.
/// `docs/methods.md` gives each with the paper's figures and the method that tests it.
public enum PaperClaim: String, CaseIterable, Sendable {
    case logitLens = "predictions form gradually; tokens saturate in the upper decoder layers."
    case encoderLens = "lower encoder layers give nothing usable, near-top layers loop or hallucinate, only the top layers give the transcript."
    case encoderLensSurvey = "only the top encoder layers give the transcript."
    case probe = "labels such as gender and noise are linearly decodable from the encoder, peaking late (large-v3: gender 95% at layer 25 of 32, noise 90% at 27)."
    case tokenProbe = "whether the transcript is a hallucination is linearly decodable from the decoder (large-v3: 93% at decoder layer 22, clip-level); here per token."
    case silencePatch = "replacing the encoder output on a span with silence's deletes the words spoken there (whisper-tiny write-ups)."
    case alignmentHeads = "some cross-attention heads run monotonically along the diagonal (the alignment heads)."
    case repetition = "cross-attention at one decoder layer resolves most loops (large-v3: 76% at layer 23); self-attention and MLP barely matter."
    case singleHead = "a single cross-attention head alone suppresses most loops (large-v3: layer 18, head 13, 78%)."
    case attentionWindows = "restricting encoder self-attention to ±75 frames still transcribes well, ±50 degrades, ±20 or less loses most words (whisper-tiny write-ups)."
    case contextBias = "context-driven word substitutions live in the encoder: patching encoder components can make transcripts more faithful to the sound (here: the word's own frames)."

    /// The claims each section tests, for the "not tested" rows of a section that did not run.
    static func tested(in section: Report.Section) -> [PaperClaim] {
        switch section {
        case .logitLens: [.logitLens]
        case .encoderLens: [.encoderLens]
        case .lensSurvey: [.logitLens, .encoderLensSurvey]
        case .probes: [.probe]
        case .tokenProbe: [.tokenProbe]
        case .sweep: [.silencePatch]
        case .heads: [.alignmentHeads]
        case .repetition: [.repetition, .singleHead]
        case .attentionWindows: [.attentionWindows]
        case .contextBias: [.contextBias]
        }
    }
}
