/// Every activation of one encoder pass (DESIGN.md "Data flow"): the residual stream before and
/// after each block, each block's attention and MLP output, and the output after ln_post.
public struct EncoderTrace: Sendable {
    public var residPre: [Matrix]    // per layer, [frames, D]; residPre[l + 1] is residPost[l]
    public var attnOut: [Matrix]
    public var mlpOut: [Matrix]
    public var residPost: [Matrix]
    public var out: Matrix           // after ln_post

    /// The value at an encoder site (`head.H` is computed by the engine on demand).
    public func value(_ site: Site) -> Matrix? {
        if site.point == .out { return out }
        return Self.perLayer[site.point].map { self[keyPath: $0][site.layer] }
    }

    private static let perLayer: [Site.Point: KeyPath<Self, [Matrix]>] = [.residPre: \.residPre, .attnOut: \.attnOut, .mlpOut: \.mlpOut, .residPost: \.residPost]

    /// Every activation held, for `Footprint`.
    public var matrices: [Matrix] { residPre + attnOut + mlpOut + residPost + [out] }
}

/// Every activation of one teacher-forced decoder pass over prompt + transcript tokens.
/// Row r is sequence position r; the prediction of transcript token t is read at row prompt − 1 + t.
public struct DecoderTrace: Sendable {
    public var residPre: [Matrix]    // per layer, [rows, D]
    public var selfOut: [Matrix]
    public var crossOut: [Matrix]
    public var mlpOut: [Matrix]
    public var residPost: [Matrix]
    /// Cross-attention probabilities per layer and head: [rows, frames].
    public var crossWeights: [[Matrix]]

    public func value(_ site: Site) -> Matrix? {
        Self.perLayer[site.point].map { self[keyPath: $0][site.layer] }
    }

    private static let perLayer: [Site.Point: KeyPath<Self, [Matrix]>] = [.residPre: \.residPre, .selfOut: \.selfOut, .crossOut: \.crossOut,
                                                                          .mlpOut: \.mlpOut, .residPost: \.residPost]

    /// The residual stream a logit lens reads at "layer" k: 0 is the embedding, k ≥ 1 is block k − 1's output.
    public func lensInput(_ k: Int) -> Matrix { k == 0 ? residPre[0] : residPost[k - 1] }

    /// Every activation and attention map held, for `Footprint`.
    public var matrices: [Matrix] { residPre + selfOut + crossOut + mlpOut + residPost + crossWeights.joined() }
}

/// What the engine evaluated, so tests and benchmarks can prove that work was skipped.
public struct WorkCounters: Equatable, Sendable, Codable {
    /// Full evaluations of each encoder block.
    public var encoderBlocks: [Int]
    /// Rows recomputed in place of a full block (per-row stages after a late patch).
    public var encoderPartialRows = 0
    /// Rows of cross-attention K/V recomputed.
    public var crossKVRows = 0
    /// Decoder block evaluations (one per block per batch or step).
    public var decoderBlocks = 0
    /// Free-running decoding steps run after the teacher-forced pass.
    public var decoderSteps = 0

    public init(encoderLayers: Int) { encoderBlocks = Array(repeating: 0, count: encoderLayers) }

    /// Block evaluations of every kind (a partially recomputed block counts once).
    public var layersEvaluated: Int { encoderBlocks.reduce(0, +) + decoderBlocks }

    /// What a from-scratch run doing the same decoder work evaluates: every encoder block once.
    public var layersFull: Int { encoderBlocks.count + decoderBlocks }

    public static func + (a: WorkCounters, b: WorkCounters) -> WorkCounters {
        var c = a
        for i in c.encoderBlocks.indices { c.encoderBlocks[i] += b.encoderBlocks[i] }
        c.encoderPartialRows += b.encoderPartialRows
        c.crossKVRows += b.crossKVRows
        c.decoderBlocks += b.decoderBlocks
        c.decoderSteps += b.decoderSteps
        return c
    }
}
