import Model

/// Ranks every cross-attention head by how monotonic and sharp its map is over the transcript
/// (paper-methods §5): alignment heads walk the diagonal with peaked rows.
public struct HeadRanking: Sendable {
    public struct Entry: Sendable {
        public let layer: Int
        public let head: Int
        /// Correlation of token index with the frame of its attention peak (clipped at 0): a head
        /// that walks forward through the audio scores near 1, one stuck on a frame scores 0.
        public let monotonicity: Double
        /// Mean over tokens of the row's peak, the row renormalised over the audio frames: 1 for
        /// rows on one frame each, 1/frames for uniform ones.
        public let sharpness: Double
        public let score: Double
        public let isAlignmentHead: Bool
    }

    public let entries: [Entry]
    /// Transcript tokens the peaks are taken over (the EOT row left out).
    public let tokens: Int
    /// Fewer tokens rank nothing: a correlation of one or two peaks is 0 or ±1 whatever the head.
    public static let minimumTokens = 3
    /// Whether the ranking means anything (`minimumTokens`); else every score is 0 or a coin's.
    public var ranks: Bool { tokens >= Self.minimumTokens }
    /// Why the ranking means nothing, for stderr or an export's header; nil when it ranks.
    public var note: String? {
        ranks ? nil : "a transcript of \(tokens) token\(tokens == 1 ? "" : "s") ranks no head (monotonicity needs "
            + "\(Self.minimumTokens) or more); the heads are listed layer by layer"
    }

    public init(engine: Engine, run: Run? = nil) {
        let run = run ?? engine.clean!
        let hyper = engine.model.hyper
        let alignment = Set(engine.model.config.alignmentHeads.map { $0 })
        let frames = max(1, engine.audioFrames)
        var list: [Entry] = []
        for l in 0..<hyper.decoderLayers {
            for h in 0..<hyper.decoderHeads {
                let m = AttentionMaps.cross(engine, run, layer: l, head: h)
                let tokenRows = max(1, m.rows - 1)   // the EOT row has no word to align
                var peaks: [Int] = [], peakMass = 0.0
                for r in 0..<tokenRows {
                    var best = 0, total: Float = 0
                    for c in 0..<frames {
                        total += m[r, c]
                        if m[r, c] > m[r, best] { best = c }
                    }
                    peaks.append(best)
                    peakMass += Double(m[r, best] / max(total, 1e-12))
                }
                let mono = max(0, Self.correlation(peaks.indices.map(Double.init), peaks.map(Double.init)))
                let sharp = peakMass / Double(tokenRows)
                list.append(Entry(layer: l, head: h, monotonicity: mono, sharpness: sharp, score: mono * sharp,
                                  isAlignmentHead: alignment.contains([l, h])))
            }
        }
        tokens = engine.cleanTokens.count
        // Too few tokens to rank: listed layer by layer, as the warning says, not by scores of chance.
        let byPlace: (Entry, Entry) -> Bool = { ($0.layer, $0.head) < ($1.layer, $1.head) }
        entries = tokens < Self.minimumTokens ? list.sorted(by: byPlace)
            : list.sorted { $0.score > $1.score || ($0.score == $1.score && byPlace($0, $1)) }
    }

    /// Pearson correlation; 0 when either side is constant.
    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
}
