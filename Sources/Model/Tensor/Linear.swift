/// A dense layer y = x · Wᵀ + b, with W stored `[out, in]` as CTranslate2 does.
public struct Linear: Sendable {
    public let weight: Matrix   // [out, in]
    public let bias: [Float]?   // [out]

    public init(weight: Matrix, bias: [Float]?) {
        if let bias { precondition(bias.count == weight.rows, "bias does not match weight rows") }
        self.weight = weight
        self.bias = bias
    }

    /// Rows per matrix product; multi-row inputs are computed in blocks of this many rows.
    public static let rowBlock = 128

    public var inFeatures: Int { weight.cols }
    public var outFeatures: Int { weight.rows }

    /// x: [T, in] → [T, out].
    public func callAsFunction(_ x: Matrix) -> Matrix {
        precondition(x.cols == inFeatures, "linear input has \(x.cols) columns, expected \(inFeatures)")
        var y = Matrix(zeros: x.rows, outFeatures)
        apply(x.data, rows: x.rows, into: &y.data)
        return y
    }

    /// Raw form: `rows` rows of input (contiguous, `in` wide) into `out` (contiguous, `out` wide).
    public func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let n = outFeatures
        var beta: Float = 0
        if let bias {
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows { (y + r * n).update(from: b.baseAddress!, count: n) }
            }
            beta = 1
        }
        let k = inFeatures
        weight.data.withUnsafeBufferPointer { w in
            if rows == 1 {
                BLAS.gemv(m: n, n: k, a: w.baseAddress!, lda: k, x: x, beta: beta, y: y)
                return
            }
            // Fixed blocks aligned to row 0: a row's result then never depends on how many rows
            // were computed with it, so recomputing only some blocks is bit-exact (the engine's
            // partial recomputes rely on this).
            let block = Self.rowBlock
            let blocks = (rows + block - 1) / block
            Parallel.chunks(blocks, minimumPerChunk: 1) { chunk in
                for b in chunk {
                    let lo = b * block, m = min(block, rows - lo)
                    BLAS.gemmNT(m: m, n: n, k: k, a: x + lo * k, lda: k,
                                b: w.baseAddress!, ldb: k, beta: beta, c: y + lo * n, ldc: n)
                }
            }
        }
    }

    private func apply(_ x: [Float], rows: Int, into y: inout [Float]) {
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                apply(xb.baseAddress!, rows: rows, into: yb.baseAddress!)
            }
        }
    }
}
