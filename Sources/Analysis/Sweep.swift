import Foundation
import Model

/// A patching sweep (paper-methods §4): one patch per cell, each cell holding the effect on the
/// transcript. A component sweep patches one component at every layer and time window; a head
/// sweep ablates every decoder cross- and self-attention head in turn. All cells share one
/// engine, so the clean run and the reference are computed once and each patched run starts at
/// its own layer.
public struct Sweep: Sendable {
    /// What a sweep patches.
    public enum Kind: Sendable, Equatable {
        /// `component` at every layer, over windows of `window` frames or tokens.
        case component(Site.Point, window: Int)
        /// Every decoder cross-attention and self-attention head, over all tokens.
        case heads
    }

    public struct Cell: Sendable, Equatable {
        /// Position of the cell in the sweep's plan (layer-major), the same in every shard.
        public let index: Int
        public let layer: Int
        /// For head sweeps: the head and whether it is a cross-attention head.
        public let head: Int?
        public let cross: Bool
        public let positions: Range<Int>
        public let patch: String
        /// WER of the patched transcript against the clean one.
        public let wer: Double
        /// Mean |Δ log-prob| of the clean tokens (teacher-forced).
        public let meanAbsDelta: Double
        public let repetition: Bool
        public let text: String
        public let layersEvaluated: Int
        /// The patched transcript's tokens differ from the clean ones (decoded cells only). With
        /// WER 0 this is a change in special tokens or spelling that the word error rate hides.
        public let tokensChanged: Bool
        /// The patch blew the model up (activations NaN or infinite): no transcript, no log-probs.
        public var nonFinite: Bool { !meanAbsDelta.isFinite }

        public init(index: Int, layer: Int, head: Int?, cross: Bool, positions: Range<Int>, patch: String, wer: Double,
                    meanAbsDelta: Double, repetition: Bool, text: String, layersEvaluated: Int, tokensChanged: Bool = false) {
            self.index = index; self.layer = layer; self.head = head; self.cross = cross; self.positions = positions
            self.patch = patch; self.wer = wer; self.meanAbsDelta = meanAbsDelta; self.repetition = repetition
            self.text = text; self.layersEvaluated = layersEvaluated; self.tokensChanged = tokensChanged
        }

        /// WER 0, yet other tokens: the transcript changed in a way words do not show.
        public var hiddenChange: Bool { wer == 0 && tokensChanged }
    }

    /// A cell to run: where it sits and the patch it applies.
    struct Planned {
        let layer: Int, head: Int?, cross: Bool, positions: Range<Int>, patch: Patch
    }

    public let kind: Kind
    public let source: PatchSource
    /// Encoder frames, or decoder token positions (decoder components and heads).
    public let decoderSide: Bool
    /// The cells this run computed (all of them, or one shard's).
    public let cells: [Cell]
    /// Cells in the whole sweep, whichever shard computes them.
    public let plannedCells: Int
    /// Blocks one clean run evaluates: what every separate `asrlens patch` pays again.
    public let cleanLayers: Int
    /// Blocks the patch source's reference run evaluates (silence or another clip), else 0.
    public let referenceLayers: Int

    /// What each cell measures. `transcript`: the patched run decoded freely, its WER against
    /// the clean transcript and whether it loops, with mean |Δ log-prob|. `logprob`: mean
    /// |Δ log-prob| of the clean tokens only, from the teacher-forced pass (no decoding).
    public enum Metric: String, CaseIterable, Sendable { case transcript, logprob }

    public let metric: Metric
    /// Encoder self-attention restricted to ±K frames in every cell (`PatchSet.attentionWindow`),
    /// and what that restriction alone makes of the transcript: the baseline each cell adds to.
    public let attentionWindow: Int?
    public let windowAlone: (wer: Double, text: String)?

    /// The components a sweep can patch: the encoder's, and the decoder's attention outputs.
    public static let components: [Site.Point] = [.residPost, .attnOut, .mlpOut, .residPre, .selfOut, .crossOut]

    /// The sweepable component named `name` (`resid_post`), or nil.
    public static func component(named name: String) -> Site.Point? { components.first { $0.name == name } }

    /// Runs the cells of the sweep for which `owns(index)` holds (every cell by default),
    /// patching from `source`. `progress(done, total)` follows each cell; `isCancelled` is
    /// polled between and inside cells and ends the sweep with `CancellationError`.
    /// With `attentionWindow`, every cell also restricts encoder self-attention to ±K frames.
    public init(engine: Engine, kind: Kind, source: PatchSource, metric: Metric = .transcript, attentionWindow: Int? = nil,
                owns: (Int) -> Bool = { _ in true }, isCancelled: () -> Bool = { false }, progress: (Int, Int) -> Void = { _, _ in }) throws {
        let plan = try Self.plan(kind, engine: engine, source: source)
        self.kind = kind
        self.source = source
        self.metric = metric
        self.attentionWindow = attentionWindow
        windowAlone = try attentionWindow.map { k in
            let run = try engine.run(PatchSet(attentionWindow: k), useMemo: false, isCancelled: isCancelled)
            return (WordErrorRate.of(reference: engine.clean.text, hypothesis: run.text), run.text)
        }
        decoderSide = Self.isDecoderSide(kind)
        cleanLayers = engine.clean.work.layersEvaluated
        // The reference is built before any cell, so every shard reports the same overhead.
        referenceLayers = try engine.prepare(source)
        plannedCells = plan.count
        let mine = plan.indices.filter(owns)
        var cells: [Cell] = []
        for i in mine {
            let p = plan[i]
            if isCancelled() { throw CancellationError() }
            let run = try engine.run(PatchSet([p.patch], attentionWindow: attentionWindow), useMemo: false, isCancelled: isCancelled,
                                     until: metric == .logprob ? { _ in true } : nil)
            cells.append(Self.measure(engine: engine, run: run, index: i, planned: p, metric: metric))
            progress(cells.count, mine.count)
        }
        self.cells = cells
    }

    /// A sweep from cells computed elsewhere (the parts of a sharded run).
    public init(kind: Kind, source: PatchSource, metric: Metric = .transcript, attentionWindow: Int? = nil, windowAlone: (wer: Double, text: String)? = nil,
                cells: [Cell], plannedCells: Int, cleanLayers: Int, referenceLayers: Int) {
        self.kind = kind
        self.source = source
        self.metric = metric
        self.attentionWindow = attentionWindow
        self.windowAlone = windowAlone
        decoderSide = Self.isDecoderSide(kind)
        self.cells = cells.sorted { $0.index < $1.index }
        self.plannedCells = plannedCells
        self.cleanLayers = cleanLayers
        self.referenceLayers = referenceLayers
    }

    /// Whether a sweep patches the decoder (heads, self_out, cross_out) rather than the encoder.
    public static func isDecoderSide(_ kind: Kind) -> Bool {
        switch kind {
        case .heads: return true
        case .component(let c, _): return c == .selfOut || c == .crossOut
        }
    }

    /// The positions a component sweep's windows tile: the clean transcript's token positions
    /// (EOT's prediction included, as `@all`), or the encoder frames that hold audio.
    public static func span(_ kind: Kind, engine: Engine) -> Int {
        isDecoderSide(kind) ? engine.tokenPositions : max(1, engine.audioFrames)
    }

    /// Every cell of a sweep, layer-major, checked against the model before anything runs.
    static func plan(_ kind: Kind, engine: Engine, source: PatchSource) throws -> [Planned] {
        let hyper = engine.model.hyper
        switch kind {
        case .heads:
            // `@all`: every clean position, EOT's included (and tokens generated past them).
            return (0..<hyper.decoderLayers).flatMap { l in
                [true, false].flatMap { cross in
                    (0..<hyper.decoderHeads).map { h in
                        Planned(layer: l, head: h, cross: cross, positions: 0..<engine.tokenPositions,
                                patch: Patch(site: Site(.decoder, l, cross ? .crossHead(h) : .selfHead(h)), positions: .all, source: source))
                    }
                }
            }
        case .component(let component, let window):
            guard components.contains(component) else {
                throw InputError(component.name, "unknown sweep component (allowed: \(components.map(\.name).joined(separator: ", ")))")
            }
            guard window >= 1 else { throw InputError("\(window)", "the window must be at least 1") }
            let decoder = isDecoderSide(kind)
            let layers = decoder ? hyper.decoderLayers : hyper.encoderLayers
            let span = span(kind, engine: engine)
            return (0..<layers).flatMap { l in
                stride(from: 0, to: span, by: window).map { start in
                    let positions = start..<min(span, start + window)
                    return Planned(layer: l, head: nil, cross: false, positions: positions,
                                   patch: Patch(site: Site(decoder ? .decoder : .encoder, l, component), positions: .range(positions), source: source))
                }
            }
        }
    }

    /// A patched run against the clean one: mean |Δ log-prob|, and for the transcript metric
    /// WER and loop (NaN WER, no loop and no text for the logprob metric, which does not decode).
    static func measure(engine: Engine, run: Run, index: Int, planned p: Planned, metric: Metric) -> Cell {
        let clean = engine.clean!
        // A run that blew up has NaN log-probs, so its mean is NaN: `Cell.nonFinite`.
        let deltas = zip(run.cleanTokenLogprobs, clean.cleanTokenLogprobs).map { Double(abs($0 - $1)) }
        let decoded = metric == .transcript
        return Cell(index: index, layer: p.layer, head: p.head, cross: p.cross, positions: p.positions, patch: p.patch.description,
                    wer: decoded ? WordErrorRate.of(reference: clean.text, hypothesis: run.text) : .nan,
                    meanAbsDelta: deltas.reduce(0, +) / Double(max(1, deltas.count)),
                    repetition: decoded && Repetition.isLoop(run.text), text: decoded ? run.text : "", layersEvaluated: run.work.layersEvaluated,
                    tokensChanged: decoded && run.tokens != clean.tokens)
    }

    /// Blocks the whole sweep evaluates, its clean run and reference included.
    public var layersEvaluated: Int { cells.reduce(cleanLayers + referenceLayers) { $0 + $1.layersEvaluated } }

    /// What running every cell as a separate `asrlens patch` evaluates: a clean run and the
    /// reference each time, plus the patched run.
    public var separateLayers: Int { cells.reduce(0) { $0 + cleanLayers + referenceLayers + $1.layersEvaluated } }

    /// Head-sweep cells, strongest effect first (mean |Δ log-prob|, then WER).
    public var ranked: [Cell] {
        // A cell that blew up ranks first: its effect is the largest there is.
        cells.sorted { (strength($0), $0.wer.isNaN ? 0 : $0.wer, -$0.index) > (strength($1), $1.wer.isNaN ? 0 : $1.wer, -$1.index) }
    }

    private func strength(_ c: Cell) -> Double { c.nonFinite ? .infinity : c.meanAbsDelta }
}
