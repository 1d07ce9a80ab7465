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
        weight.data.withUnsafeBufferPointer { w in
            BLAS.gemmNT(m: rows, n: n, k: inFeatures, a: x, lda: inFeatures,
                        b: w.baseAddress!, ldb: inFeatures, beta: beta, c: y, ldc: n)
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
