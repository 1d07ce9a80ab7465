/// The position-wise feed-forward block: fc2(GELU(fc1(LN(x)))).
public struct MLP: Sendable {
    public let norm: LayerNorm
    public let fc1: Linear   // [F, D]
    public let fc2: Linear   // [D, F]

    /// x: [T, D] → mlp_out [T, D] (the residual is added by the block).
    public func callAsFunction(_ x: Matrix) -> Matrix {
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
