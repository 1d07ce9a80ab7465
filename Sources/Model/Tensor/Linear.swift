/// A dense layer y = x · Wᵀ + b, with W stored `[out, in]` as CTranslate2 does.
public struct Linear: Sendable {
    public let weight: Matrix   // [out, in]
    public let bias: [Float]?   // [out]

    public init(weight: Matrix, bias: [Float]?) {
        if let bias { precondition(bias.count == weight.rows, "bias does not match weight rows") }
        self.weight = weight
        self.bias = bias
    }

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
            Parallel.chunks(rows, minimumPerChunk: 32) { r in
                BLAS.gemmNT(m: r.count, n: n, k: k, a: x + r.lowerBound * k, lda: k,
                            b: w.baseAddress!, ldb: k, beta: beta, c: y + r.lowerBound * n, ldc: n)
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
