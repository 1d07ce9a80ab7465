import Model

/// The decoder logit lens (paper-methods §1): every layer's residual stream, read through the
/// final LayerNorm and the tied unembedding, at every transcript position.
public struct LogitLens: Sendable {
    /// One (layer, token) cell.
    public struct Cell: Sendable, Equatable {
        /// The five most probable tokens with their probabilities.
        public let top: [(id: Int, prob: Float)]
        /// Probability and rank (0 = top) of the token the full model emits here.
        public let finalProb: Float
        public let finalRank: Int
        public var top1: Int { top[0].id }

        public static func == (a: Cell, b: Cell) -> Bool {
            a.top.map(\.id) == b.top.map(\.id) && a.top.map(\.prob) == b.top.map(\.prob) && a.finalProb == b.finalProb
        }
    }

    /// Rows: the embedding layer, then each decoder block. Columns: transcript tokens, then EOT
    /// (or, past the length cap, greedy's next choice).
    public let cells: [[Cell]]
    /// The token each column predicts: the clean transcript, then EOT; when the transcript
    /// stopped at the length cap, greedy never chose EOT, and the last column predicts what
    /// greedy would have chosen next (the clean run's last-layer top-1 there).
    public let targets: [Int]
    /// The clean transcript stopped at the length cap: the last column is past it.
    public let capped: Bool
    /// Per column, the first layer from which top-1 equals the target and stays equal (nil if never).
    public let saturation: [Int?]
    /// Whether greedy decoding's rules (suppressed tokens) were applied before the softmax; without
    /// them this is the raw logit lens, whose last row need not be the transcript.
    public let decodingRules: Bool

    /// Reads the lens off a run's teacher-forced pass. The decoding rules (suppression) are applied,
    /// so the last row's top-1 is the greedy transcript, unless `decodingRules` is false.
    public init(engine: Engine, run: Run, decodingRules: Bool = true) {
        self.init(engine: engine, run: run, reusing: nil, from: 0, decodingRules: decodingRules)
    }

    /// The lens of a patched run, reading only rows from `firstRow` on off the run; the rows
    /// below are `base`'s (the clean lens), which a patch cannot change (`firstChangedRow`).
    public init(engine: Engine, run: Run, reusing base: LogitLens?, from firstRow: Int, decodingRules: Bool = true) {
        self.decodingRules = decodingRules
        let model = engine.model
        let t = engine.cleanTokens.count
        capped = t >= engine.tokenLimit
        let targets = engine.cleanTokens + [capped ? engine.clean.teacherForcedArgmax[t] : model.specials.eot]
        self.targets = targets
        let rows = engine.tokenRow0..<(engine.tokenRow0 + t + 1)
        var grid: [[Cell]] = []
        for k in 0...model.hyper.decoderLayers {
            if let base, k < firstRow, k < base.cells.count { grid.append(base.cells[k]); continue }
            let logits = model.decoder.logits(run.decoder.lensInput(k).rows(rows))
            grid.append((0...t).map { s in
                let row = Array(logits.data[(s * logits.cols)..<((s + 1) * logits.cols)])
                let lp = decodingRules ? engine.filteredLogprobs(row, step: s) : FastMath.logSoftmax(row)
                return Self.cell(lp, target: targets[s])
            })
        }
        cells = grid
        saturation = (0...t).map { s in
            var first: Int?
            for k in stride(from: grid.count - 1, through: 0, by: -1) {
                if grid[k][s].top1 == targets[s] { first = k } else { break }
            }
            return first
        }
    }

    /// The first lens row a patch set can change. Row 0 is the token embedding, which no
    /// encoder patch reaches; a decoder patch in block L changes rows from L + 1 on (from L
    /// for `resid_pre`, the block's input).
    public static func firstChangedRow(_ set: PatchSet) -> Int {
        // Anything in the encoder, a localised attention window included, reaches every
        // decoder layer's cross-attention: row 1 on.
        if set.attentionWindow != nil { return 1 }
        return set.patches.map { p in
            guard p.site.stack == .decoder else { return 1 }
            return p.site.point == .residPre ? p.site.layer : p.site.layer + 1
        }.min() ?? Int.max
    }

    static func cell(_ logprobs: [Float], target: Int) -> Cell {
        var best: [(Int, Float)] = []
        let targetLP = logprobs[target]
        var rank = 0
        for (i, v) in logprobs.enumerated() {
            if v > targetLP || (v == targetLP && i < target) { rank += 1 }
            if best.count < 5 || v > best[best.count - 1].1 {
                best.append((i, v))
                best.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
                if best.count > 5 { best.removeLast() }
            }
        }
        return Cell(top: best.map { (id: $0.0, prob: expf($0.1)) }, finalProb: expf(targetLP), finalRank: rank)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
