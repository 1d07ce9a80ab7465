/// Multi-head scaled dot-product attention on strided row-major buffers (spec §4.1, §4.2).
///
/// Head h of Q, K and V is the 64-ish columns starting at h·headDim of each row.
public enum ScaledDotProduct {
    /// Sees, for one head, the attention probabilities `[n, m]` (row i = query i).
    /// Heads run concurrently, so a sink may be called from several threads at once.
    public typealias WeightsSink = @Sendable (_ head: Int, _ probs: UnsafeBufferPointer<Float>) -> Void

    /// Queries per block when no sink is attached: each block packs the head's keys and values
    /// again, and its [256, m] probabilities (1.5 MB for a 30-second window) stay in L2.
    static let rowBlock = 256

    /// Computes `out_h = softmax(Q_h·K_hᵀ / √headDim) · V_h` for every head.
    /// - q: n rows (stride qStride); k, v: m rows (strides kStride, vStride).
    /// - causalStart: when set, query i sees keys 0 ... causalStart + i only.
    /// - band: when set, query i sees keys i − band ... i + band only (localised attention).
    /// - out: n rows (stride outStride), heads·headDim columns written.
    /// - perQuery: each query alone, in one fixed order (`FastMath.rowsDot` for the scores,
    ///   `FastMath.weightedSum` for the values), so a query's output has the same bits in a
    ///   decoding step as in a batch, and drafted tokens verified together are exactly those
    ///   greedy decoding chooses one at a time. Otherwise BLAS, on blocks of queries (the encoder).
    public static func attend(q: UnsafePointer<Float>, qStride: Int,
                              k: UnsafePointer<Float>, kStride: Int,
                              v: UnsafePointer<Float>, vStride: Int,
                              n: Int, m: Int, heads: Int, headDim: Int,
                              causalStart: Int? = nil, band: Int? = nil, perQuery: Bool = false,
                              out: UnsafeMutablePointer<Float>, outStride: Int,
                              weights: WeightsSink? = nil) {
        let scale = 1 / Float(headDim).squareRoot()
        // Keys lo ..< hi are visible to a query; the rest get probability 0.
        func visible(_ query: Int) -> Range<Int> {
            var lo = 0, hi = causalStart.map { min(m, $0 + query + 1) } ?? m
            if let band { lo = max(0, query - band); hi = min(hi, query + band + 1) }
            return lo..<hi
        }
        // Queries in blocks, so a worker holds [block, m] probabilities rather than [n, m] (9 MB
        // for a 30 s encoder window). A sink sees each head's whole map, so it gets one block.
        let block = weights == nil ? min(n, rowBlock) : n
        // Heads in parallel only when each is big enough to pay for a thread (a decoding step's
        // cross-attention head, 1,500 keys, is).
        let perHead = n * m * headDim
        Parallel.chunks(heads, minimumPerChunk: perHead >= 1 << 16 ? 1 : heads) { group in
            let probs = UnsafeMutablePointer<Float>.allocate(capacity: block * m)
            defer { probs.deallocate() }
            for h in group {
                let off = h * headDim
                for first in stride(from: 0, to: n, by: block) {
                    let rows = min(block, n - first)
                    let q = q + first * qStride, out = out + first * outStride
                    if perQuery {
                        FastMath.rowsDot(k + off, rows: m, cols: headDim, lde: kStride, x: q + off, ldx: qStride, n: rows, y: probs, ldy: m)
                        for j in 0..<(rows * m) { probs[j] *= scale }
                    } else if rows == 1 {   // one query (a decoding step): matrix-vector products
                        BLAS.gemv(m: m, n: headDim, a: k + off, lda: kStride, x: q + off, y: probs)
                        for j in 0..<m { probs[j] *= scale }
                    } else {
                        BLAS.gemmNT(m: rows, n: m, k: headDim, alpha: scale, a: q + off, lda: qStride,
                                    b: k + off, ldb: kStride, c: probs, ldc: m)
                    }
                    for i in 0..<rows {
                        let row = probs + i * m, keys = visible(first + i)
                        FastMath.softmax(row + keys.lowerBound, count: keys.count)
                        if keys.lowerBound > 0 { row.update(repeating: 0, count: keys.lowerBound) }
                        if keys.upperBound < m { (row + keys.upperBound).update(repeating: 0, count: m - keys.upperBound) }
                    }
                    weights?(h, UnsafeBufferPointer(start: probs, count: rows * m))
                    if perQuery && causalStart == nil && band == nil {   // every query sees every key
                        FastMath.weightedSums(probs, ldp: m, n: rows, count: m, values: v + off, stride: vStride, cols: headDim,
                                              into: out + off, ldo: outStride)
                    } else if perQuery {
                        for i in 0..<rows {
                            let keys = visible(first + i)
                            FastMath.weightedSums(probs + i * m + keys.lowerBound, ldp: m, n: 1, count: keys.count, values: v + keys.lowerBound * vStride + off,
                                                  stride: vStride, cols: headDim, into: out + i * outStride + off, ldo: outStride)
                        }
                    } else if rows == 1 {
                        BLAS.gemvT(m: m, n: headDim, a: v + off, lda: vStride, x: probs, y: out + off)
                    } else {
                        BLAS.gemmNN(m: rows, n: headDim, k: m, a: probs, lda: m, b: v + off, ldb: vStride,
                                    c: out + off, ldc: outStride)
                    }
                }
            }
        }
    }
}
