/// The position-wise feed-forward block: fc2(GELU(fc1(LN(x)))).
public struct MLP: Sendable {
    public let norm: LayerNorm
    public let fc1: Linear   // [F, D]
    public let fc2: Linear   // [D, F]

    /// Rows per pass: the hidden layer held is [512, F] rather than [T, F] (9 MB for a tiny
    /// encoder window), one row block for each of two cores. A multiple of `Linear.rowBlock`,
    /// so every row's result is unchanged.
    static let rowChunk = 2 * Linear.rowBlock

    /// x: [T, D] → mlp_out [T, D] (the residual is added by the block).
    public func callAsFunction(_ x: Matrix) -> Matrix {
        guard x.rows > Self.rowChunk else { return hiddenAndBack(x) }
        var out = Matrix(zeros: x.rows, fc2.outFeatures)
        for first in stride(from: 0, to: x.rows, by: Self.rowChunk) {
            let part = hiddenAndBack(x.rows(first..<min(x.rows, first + Self.rowChunk)))
            out.data.replaceSubrange((first * out.cols)..<(first * out.cols + part.data.count), with: part.data)
        }
        return out
    }

    private func hiddenAndBack(_ x: Matrix) -> Matrix {
        var h = fc1(norm(x))
        Activation.gelu(&h)
        return fc2(h)
    }
}

extension MLP {
    /// A block's last sublayer on the residual stream `x`: `mlp_out = mlp(x)`, then
    /// `resid_post = x + mlp_out`, each passed through the block's hook.
    func sublayer(_ x: Matrix, hook: BlockHook?) -> (out: Matrix, residPost: Matrix) {
        var out = self(x)
        hook?(.mlpOut, &out)
        var residPost = x + out
        hook?(.residPost, &residPost)
        return (out, residPost)
    }
}
