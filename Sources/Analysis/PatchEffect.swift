import Model

/// What a patch did (paper-methods §4): the transcript, per-token log-prob changes of the clean
/// tokens, the lens cells whose top-1 changed, WER against clean, and whether it loops.
public struct PatchEffect: Sendable {
    public let clean: Run
    public let patched: Run
    /// Per clean token (then EOT): patched − clean log-probability, teacher-forced.
    public let deltaLogprob: [Float]
    public let wer: Double
    public let repetition: Bool
    /// (layer, column) of lens cells whose top-1 differs between clean and patched.
    public let changedCells: [(layer: Int, token: Int)]
    /// When the patched tokens differ from the clean ones but decode to the same text (WER 0):
    /// how, e.g. "<|notimestamps|> at 0, <|notimestamps|> at 1". Nil otherwise.
    public let sameTextOtherTokens: String?

    public init(engine: Engine, patched: Run, cleanLens: LogitLens? = nil, patchedLens: LogitLens? = nil) {
        clean = engine.clean
        self.patched = patched
        deltaLogprob = zip(patched.cleanTokenLogprobs, engine.clean.cleanTokenLogprobs).map { $0 - $1 }
        wer = WordErrorRate.of(reference: engine.clean.text, hypothesis: patched.text)
        repetition = Repetition.isLoop(patched.text)
        let a = cleanLens ?? LogitLens(engine: engine, run: engine.clean)
        let b = patchedLens ?? LogitLens(engine: engine, run: patched, reusing: a, from: LogitLens.firstChangedRow(patched.patches))
        var changed: [(Int, Int)] = []
        for k in a.cells.indices { for t in a.cells[k].indices where a.cells[k][t].top1 != b.cells[k][t].top1 { changed.append((k, t)) } }
        changedCells = changed
        if patched.nonFinite == nil, patched.tokens != engine.clean.tokens, patched.text == engine.clean.text {
            let tokenizer = engine.model.tokenizer, eot = engine.model.specials.eot
            let silent = patched.tokens.enumerated().filter { $0.element >= eot }.map { "\(tokenizer.display($0.element)) at \($0.offset)" }
            sameTextOtherTokens = silent.isEmpty ? "the same text in other tokens" : silent.joined(separator: ", ")
        } else {
            sameTextOtherTokens = nil
        }
    }
}
