import Foundation
import Model

/// A patching sweep (paper-methods §4): one component patched at every layer and every time
/// window in turn, each cell holding the effect on the transcript. All cells share one engine,
/// so the clean run is computed once and each patched run starts at its own layer.
public struct Sweep: Sendable {
    public struct Cell: Sendable, Equatable {
        public let layer: Int
        public let positions: Range<Int>
        public let patch: String
        /// WER of the patched transcript against the clean one.
        public let wer: Double
        /// Mean |Δ log-prob| of the clean tokens (teacher-forced).
        public let meanAbsDelta: Double
        public let repetition: Bool
        public let layersEvaluated: Int
    }

    public let component: String
    public let window: Int
    public let source: String
    /// Encoder frames, or decoder token positions for self_out and cross_out.
    public let decoderSide: Bool
    public let cells: [Cell]
    /// Blocks evaluated by the whole sweep, its clean run included.
    public let layersEvaluated: Int
    /// Blocks one clean run evaluates: what every separate `asrlens patch` pays again.
    public let cleanLayers: Int

    public static let components = ["resid_post", "attn_out", "mlp_out", "resid_pre", "self_out", "cross_out"]

    /// Sweeps `component` over every layer and every `window`-wide span of the audio frames (or
    /// transcript tokens), patching from `source`. `progress(done, total)` follows each cell.
    public init(engine: Engine, component: String, window: Int, source: String,
                progress: (Int, Int) -> Void = { _, _ in }) throws {
        guard Self.components.contains(component) else {
            throw InputError(component, "unknown sweep component (allowed: \(Self.components.joined(separator: ", ")))")
        }
        guard window >= 1 else { throw InputError("\(window)", "the window must be at least 1") }
        let hyper = engine.model.hyper
        decoderSide = component == "self_out" || component == "cross_out"
        let layers = decoderSide ? hyper.decoderLayers : hyper.encoderLayers
        let span = decoderSide ? max(1, engine.cleanTokens.count) : max(1, engine.audioFrames)
        let starts = Array(stride(from: 0, to: span, by: window))
        let before = engine.total.layersEvaluated
        cleanLayers = engine.clean.work.layersEvaluated
        var cells: [Cell] = []
        let clean = engine.clean!
        for layer in 0..<layers {
            for start in starts {
                let positions = start..<min(span, start + window)
                let text = "\(decoderSide ? "dec" : "enc").\(layer).\(component)@\(positions.lowerBound):\(positions.upperBound)=\(source)"
                let patch = try Patch.parse(text, hyper: hyper, frames: hyper.audioPositions, tokens: engine.tokenPositions)
                let run = try engine.run(PatchSet([patch]), useMemo: false)
                let deltas = zip(run.cleanTokenLogprobs, clean.cleanTokenLogprobs).map { Double(abs($0 - $1)) }
                cells.append(Cell(layer: layer, positions: positions, patch: text,
                                  wer: WordErrorRate.of(reference: clean.text, hypothesis: run.text),
                                  meanAbsDelta: deltas.reduce(0, +) / Double(max(1, deltas.count)),
                                  repetition: Repetition.isLoop(run.text), layersEvaluated: run.work.layersEvaluated))
                progress(cells.count, layers * starts.count)
            }
        }
        self.component = component
        self.window = window
        self.source = source
        self.cells = cells
        layersEvaluated = cleanLayers + engine.total.layersEvaluated - before
    }

    /// What running every cell as a separate `asrlens patch` evaluates: a clean run each time,
    /// plus the patched run.
    public var separateLayers: Int { cells.reduce(0) { $0 + cleanLayers + $1.layersEvaluated } }
}
