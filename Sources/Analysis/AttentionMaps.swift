import Model

/// Attention maps of a run (paper-methods §5 "Alignment heads"): cross-attention as
/// transcript tokens × encoder frames, decoder self-attention, and encoder self-attention,
/// which is recomputed on demand for one layer and head and never stored whole.
public enum AttentionMaps {
    /// Cross-attention of one layer and head: rows are the T + 1 prediction positions
    /// (transcript tokens, then EOT), columns the encoder frames.
    public static func cross(_ engine: Engine, _ run: Run, layer: Int, head: Int) -> Matrix {
        let rows = engine.tokenRow0..<(engine.tokenRow0 + engine.cleanTokens.count + 1)
        return run.decoder.crossWeights[layer][head].rows(rows)
    }

    /// The mean of several heads' cross-attention.
    public static func crossMean(_ engine: Engine, _ run: Run, heads: [(layer: Int, head: Int)]) -> Matrix {
        var sum = cross(engine, run, layer: heads[0].layer, head: heads[0].head)
        for h in heads.dropFirst() { sum = sum + cross(engine, run, layer: h.layer, head: h.head) }
        let scale = 1 / Float(heads.count)
        for i in sum.data.indices { sum.data[i] *= scale }
        return sum
    }

    /// Decoder self-attention of one layer and head over the prediction positions: [T + 1, T + 1],
    /// recomputed from the run's residual stream.
    public static func decoderSelf(_ engine: Engine, _ run: Run, layer: Int, head: Int) -> Matrix {
        let attention = engine.model.decoder.blocks[layer].selfAttention
        var cache = KVCache(layers: 1)
        let capture = HeadCapture(head: head)
        _ = attention.context(run.decoder.residPre[layer], cache: &cache.layers[0], weights: capture.sink)
        let all = capture.matrix(rows: run.decoder.residPre[layer].rows, cols: run.decoder.residPre[layer].rows)
        let r = engine.tokenRow0..<(engine.tokenRow0 + engine.cleanTokens.count + 1)
        var out = Matrix(zeros: r.count, r.count)
        for (i, row) in r.enumerated() { for (j, col) in r.enumerated() { out[i, j] = all[row, col] } }
        return out
    }

    /// Encoder self-attention of one layer and head, [frames, frames], from the clean residual stream.
    public static func encoderSelf(_ engine: Engine, layer: Int, head: Int) -> Matrix {
        let x = engine.cleanEncoder.residPre[layer]
        let capture = HeadCapture(head: head)
        _ = engine.model.encoder.blocks[layer].attention.context(x, weights: capture.sink)
        return capture.matrix(rows: x.rows, cols: x.rows)
    }
}

/// Copies one head's probabilities out of an attention pass whose heads run concurrently.
final class HeadCapture: @unchecked Sendable {
    let head: Int
    private var buffer: [Float] = []

    init(head: Int) { self.head = head }

    var sink: ScaledDotProduct.WeightsSink {
        { [self] h, probs in if h == head { buffer = Array(probs) } }
    }

    func matrix(rows: Int, cols: Int) -> Matrix { Matrix(rows: rows, cols: cols, data: buffer) }
}
