/// Self-attention with a fused QKV projection (`linear_0`, rows Q;K;V) and output `linear_1`.
public struct SelfAttention: Sendable {
    public let norm: LayerNorm
    public let qkv: Linear   // [3D, D]
    public let out: Linear   // [D, D]
    public let heads: Int

    var width: Int { out.outFeatures }

    /// Bidirectional (encoder) attention. x: [T, D] → per-head context, heads concatenated [T, D].
    /// `band`: each frame attends only to frames within ±band of it.
    public func context(_ x: Matrix, weights: ScaledDotProduct.WeightsSink? = nil, band: Int? = nil) -> Matrix {
        let d = width
        let fused = qkv(norm(x))   // [T, 3D]
        var ctx = Matrix(zeros: x.rows, d)
        fused.data.withUnsafeBufferPointer { f in
            ctx.data.withUnsafeMutableBufferPointer { c in
                let p = f.baseAddress!
                ScaledDotProduct.attend(q: p, qStride: 3 * d, k: p + d, kStride: 3 * d, v: p + 2 * d, vStride: 3 * d,
                                        n: x.rows, m: x.rows, heads: heads, headDim: d / heads, band: band,
                                        out: c.baseAddress!, outStride: d, weights: weights)
            }
        }
        return ctx
    }

    /// Causal (decoder) attention over the cache plus the new rows, which are appended to it.
    /// x: [n, D] at positions cache.count ..< cache.count + n → context [n, D].
    public func context(_ x: Matrix, cache: inout KVCache.Layer, weights: ScaledDotProduct.WeightsSink? = nil) -> Matrix {
        let d = width
        let fused = qkv(norm(x))   // [n, 3D]
        let start = cache.count
        cache.append(fused)
        var ctx = Matrix(zeros: x.rows, d)
        fused.data.withUnsafeBufferPointer { f in
            cache.keys.withUnsafeBufferPointer { k in
                cache.values.withUnsafeBufferPointer { v in
                    ctx.data.withUnsafeMutableBufferPointer { c in
                        ScaledDotProduct.attend(q: f.baseAddress!, qStride: 3 * d, k: k.baseAddress!, kStride: d,
                                                v: v.baseAddress!, vStride: d, n: x.rows, m: cache.count,
                                                heads: heads, headDim: d / heads, causalStart: start, perQuery: true,
                                                out: c.baseAddress!, outStride: d, weights: weights)
                    }
                }
            }
        }
        return ctx
    }
}
