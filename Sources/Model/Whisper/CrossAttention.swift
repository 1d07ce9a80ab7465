/// Decoder-to-encoder attention: Q from the decoder (`linear_0`), K;V from the encoder
/// output (`linear_1`, computed once per window), output `linear_2`.
public struct CrossAttention: Sendable {
    public let norm: LayerNorm
    public let query: Linear     // [D, D]
    public let keyValue: Linear  // [2D, D]
    public let out: Linear       // [D, D]
    public let heads: Int

    var width: Int { out.outFeatures }

    /// K and V for every encoder frame: [frames, 2D], K in columns 0..<D, V in D..<2D.
    public func keysValues(_ encoderOutput: Matrix) -> Matrix {
        keyValue(encoderOutput)
    }

    /// x: [n, D], kv: [frames, 2D] → per-head context, heads concatenated [n, D].
    public func context(_ x: Matrix, kv: Matrix, weights: ScaledDotProduct.WeightsSink? = nil) -> Matrix {
        let d = width
        let q = query(norm(x))
        var ctx = Matrix(zeros: x.rows, d)
        q.data.withUnsafeBufferPointer { qb in
            kv.data.withUnsafeBufferPointer { kvb in
                ctx.data.withUnsafeMutableBufferPointer { c in
                    ScaledDotProduct.attend(q: qb.baseAddress!, qStride: d, k: kvb.baseAddress!, kStride: 2 * d,
                                            v: kvb.baseAddress! + d, vStride: 2 * d, n: x.rows, m: kv.rows,
                                            heads: heads, headDim: d / heads, perQuery: true,
                                            out: c.baseAddress!, outStride: d, weights: weights)
                }
            }
        }
        return ctx
    }
}
