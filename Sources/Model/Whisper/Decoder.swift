/// Whisper's text decoder with a tied unembedding (spec §4.2).
public struct Decoder: Sendable {
    public let embedding: TokenEmbedding   // [V, D], also the output projection
    public let positions: Matrix   // [448, D], learned
    public let blocks: [DecoderBlock]
    public let lnFinal: LayerNorm

    public var width: Int { embedding.cols }
    public var vocabularySize: Int { embedding.rows }

    /// Cross-attention K;V of every layer for one encoder output: per layer [frames, 2D].
    public func crossKeysValues(_ encoderOutput: Matrix) -> [Matrix] {
        blocks.map { $0.crossAttention.keysValues(encoderOutput) }
    }

    /// Token embeddings plus learned positions for tokens at `start ..< start + n`: [n, D].
    public func embed(_ tokens: [Int], start: Int) -> Matrix {
        let d = width
        var x = Matrix(zeros: tokens.count, d)
        for (i, t) in tokens.enumerated() {
            let e = embedding.row(t)
            for c in 0..<d { x.data[i * d + c] = e[c] + positions.data[(start + i) * d + c] }
        }
        return x
    }

    /// Rewrites the activation at `site` for rows starting at sequence position `firstRow`.
    public typealias Hook = (_ site: Site, _ firstRow: Int, _ value: inout Matrix) -> Void
    /// Sees cross-attention probabilities `[n, frames]` of one layer and head.
    public typealias CrossWeightsSink = @Sendable (_ layer: Int, _ head: Int, _ probs: UnsafeBufferPointer<Float>) -> Void

    /// Runs new tokens through every block, extending the cache; returns the final residual [n, D].
    public func callAsFunction(_ tokens: [Int], cache: inout KVCache, kv: [Matrix],
                               hook: Hook? = nil, crossWeights: CrossWeightsSink? = nil,
                               record: ((_ layer: Int, _ residPre: Matrix, _ out: DecoderBlock.Output) -> Void)? = nil) -> Matrix {
        let start = cache.count
        var x = embed(tokens, start: start)
        for (l, block) in blocks.enumerated() {
            hook?(Site(.decoder, l, .residPre), start, &x)
            let blockHook: BlockHook? = hook.map { h in { point, value in h(Site(.decoder, l, point), start, &value) } }
            let sink: ScaledDotProduct.WeightsSink? = crossWeights.map { s in { head, probs in s(l, head, probs) } }
            let out = block(x, cache: &cache.layers[l], kv: kv[l], crossWeights: sink, hook: blockHook)
            record?(l, x, out)
            x = out.residPost
        }
        return x
    }

    /// Final LayerNorm then the tied unembedding: residual [n, D] → logits [n, V].
    public func logits(_ residual: Matrix) -> Matrix {
        embedding.project(lnFinal(residual))
    }
}
