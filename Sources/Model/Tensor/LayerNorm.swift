/// LayerNorm over the last axis with learned gamma and beta (epsilon 1e-5, spec §3.2).
public struct LayerNorm: Sendable {
    public let gamma: [Float]
    public let beta: [Float]
    public let epsilon: Float

    public init(gamma: [Float], beta: [Float], epsilon: Float = 1e-5) {
        precondition(gamma.count == beta.count)
        self.gamma = gamma
        self.beta = beta
        self.epsilon = epsilon
    }

    /// Normalises each row of x: [T, D] → [T, D].
    public func callAsFunction(_ x: Matrix) -> Matrix {
        var out = x
        normalize(rows: 0..<x.rows, of: &out)
        return out
    }

    /// Normalises only the given rows, in place; the engine uses this for dirty rows.
    public func normalize(rows: Range<Int>, of x: inout Matrix) {
        let d = x.cols
        gamma.withUnsafeBufferPointer { g in
            beta.withUnsafeBufferPointer { b in
                x.data.withUnsafeMutableBufferPointer { buf in
                    for r in rows {
                        let row = buf.baseAddress! + r * d
                        var mean: Float = 0
                        for i in 0..<d { mean += row[i] }
                        mean /= Float(d)
                        var variance: Float = 0
                        for i in 0..<d { let c = row[i] - mean; variance += c * c }
                        variance /= Float(d)
                        let inv = 1 / (variance + epsilon).squareRoot()
                        for i in 0..<d { row[i] = (row[i] - mean) * inv * g[i] + b[i] }
                    }
                }
            }
        }
    }
}
