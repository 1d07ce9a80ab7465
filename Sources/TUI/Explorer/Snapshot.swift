import Analysis
import Foundation
import Model

/// Everything the views show for one patch set, computed off the UI thread and then read-only.
public struct Snapshot: Sendable {
    public let patches: PatchSet
    public let run: Run
    public let lens: LogitLens
    public let effect: PatchEffect?
}

/// What the views need besides the snapshot: the clip's fixed analyses.
public struct ClipData: Sendable {
    public let engine: Engine
    public let cleanLens: LogitLens
    public let encoderLens: EncoderLens
    public let encoderLensRaw: EncoderLens
    public let words: WordAlignment
    public let features: Matrix          // log-mel of the window [nMels, 3000]
    public let clipName: String
    public let notice: String?
    /// P(no-speech) at the sot position of the clean run.
    public let noSpeechProb: Float
    /// Costly view inputs, computed on first draw.
    public let cache = RenderCache()

    public init(engine: Engine, clipName: String, notice: String? = nil) {
        self.engine = engine
        cleanLens = LogitLens(engine: engine, run: engine.clean)
        encoderLens = EncoderLens(engine: engine, lnPost: true)
        encoderLensRaw = EncoderLens(engine: engine, lnPost: false)
        words = WordAlignment(engine: engine)
        features = engine.window
        self.clipName = clipName
        self.notice = notice
        let logits = engine.model.decoder.logits(engine.clean.decoder.residPost.last!.rows(0..<1)).data
        noSpeechProb = expf(FastMath.logSoftmax(logits)[engine.model.specials.noSpeech])
    }

    /// The snapshot of a patch set (the clean one needs no patched lens).
    public func snapshot(_ set: PatchSet, isCancelled: () -> Bool = { false }) throws -> Snapshot {
        let run = try engine.run(set, isCancelled: isCancelled)
        if set.isEmpty { return Snapshot(patches: set, run: run, lens: cleanLens, effect: nil) }
        return Snapshot(patches: set, run: run, lens: LogitLens(engine: engine, run: run),
                        effect: PatchEffect(engine: engine, patched: run, cleanLens: cleanLens))
    }
}
