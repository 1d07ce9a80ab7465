/// A dense layer y = x · Wᵀ + b, with W stored `[out, in]` as CTranslate2 does.
public struct Linear: Sendable {
    /// How the matrix product is computed. Both give every row's result independently of the
    /// other rows computed with it, which the engine's partial recomputes rely on.
    public enum Product: Sendable {
        /// OpenBLAS in fixed blocks of `rowBlock` rows aligned to row 0, blocks across cores:
        /// the fastest for many rows (encoder frames).
        case rowBlocks
        /// `FastMath.rowsDot`, output features split across cores: each output is one dot
        /// product summed in a fixed order whatever the number of rows, so a decoding step's
        /// row equals its row of a batched pass bit for bit; and a few rows cost no packing of
        /// the weights, which dominates BLAS's cost there (decoder tokens).
        case rowByRow
    }

    /// The weights `[out, in]`: a matrix for OpenBLAS, or rows for `rowsDot` (float16 when the
    /// file stores them so).
    enum Weights: Sendable {
        case matrix(Matrix)
        case rows(WeightRows)
    }

    let weights: Weights
    public let bias: [Float]?   // [out]

    public var product: Product {
        if case .rows = weights { return .rowByRow }
        return .rowBlocks
    }

    public init(weight: Matrix, bias: [Float]?, product: Product = .rowBlocks) {
        switch product {
        case .rowBlocks: self.init(.matrix(weight), bias: bias)
        case .rowByRow: self.init(rows: WeightRows(rows: weight.rows, cols: weight.cols, values: weight.data), bias: bias)
        }
    }

    /// A `rowByRow` layer on weights as the file stores them.
    public init(rows: WeightRows, bias: [Float]?) { self.init(.rows(rows), bias: bias) }

    private init(_ weights: Weights, bias: [Float]?) {
        self.weights = weights
        self.bias = bias
        if let bias { precondition(bias.count == outFeatures, "bias does not match weight rows") }
    }

    /// Output features per unit of work split across cores in `rowByRow`.
    static let featureBlock = 16

    /// Rows per matrix product; multi-row inputs are computed in blocks of this many rows.
    /// OpenBLAS packs the whole weight matrix again for every product, so a block of 128 rows
    /// spent an eighth of a transcription packing; 256 halves that, and a partial recompute
    /// still redoes at most a sixth of a 30-second window's 1,500 rows per block it touches.
    public static let rowBlock = 256

    public var inFeatures: Int {
        switch weights {
        case .matrix(let m): return m.cols
        case .rows(let r): return r.cols
        }
    }

    public var outFeatures: Int {
        switch weights {
        case .matrix(let m): return m.rows
        case .rows(let r): return r.rows
        }
    }

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
        let weight: Matrix
        switch weights {
        case .rows(let w): return applyRowByRow(w, x, rows: rows, into: y)
        case .matrix(let m): weight = m
        }
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

    private func applyRowByRow(_ w: WeightRows, _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        let n = outFeatures, k = inFeatures
        let blocks = (n + Self.featureBlock - 1) / Self.featureBlock
        // Across cores only where a core's share is worth a thread (a decoding step's is not).
        let perBlock = rows * k * Self.featureBlock
        Parallel.chunks(blocks, minimumPerChunk: max(1, (1 << 16) / perBlock)) { chunk in
            let lo = chunk.lowerBound * Self.featureBlock, hi = min(n, chunk.upperBound * Self.featureBlock)
            w.dot(rows: lo..<hi, x: x, n: rows, y: y + lo, ldy: n)
        }
        guard let bias else { return }
        bias.withUnsafeBufferPointer { b in
            for r in 0..<rows {
                let out = y + r * n
                for j in 0..<n { out[j] += b[j] }
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
