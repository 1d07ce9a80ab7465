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
    }
}
