/// One pre-norm encoder block: x + attn(ln(x)), then + mlp(ln(·)) (spec §4.1 step 4).
public struct EncoderBlock: Sendable {
    public let attention: SelfAttention
    public let mlp: MLP

    /// Rewrites one activation of a block in place (`.head(h)` sees the concatenated per-head
    /// context `[T, D]` before the output projection, once per head).
    public typealias Hook = (_ point: Site.Point, _ value: inout Matrix) -> Void

    /// The activations of one block, named as the sites of DESIGN.md.
    public struct Output: Sendable {
        public var attnOut: Matrix    // [T, D]
        public var mlpOut: Matrix     // [T, D]
        public var residPost: Matrix  // [T, D]
    }

    public func callAsFunction(_ residPre: Matrix, hook: Hook? = nil) -> Output {
        var context = attention.context(residPre)
        if let hook { for h in 0..<attention.heads { hook(.head(h), &context) } }
        var attnOut = attention.out(context)
        hook?(.attnOut, &attnOut)
        let residMid = residPre + attnOut
        var mlpOut = mlp(residMid)
        hook?(.mlpOut, &mlpOut)
        var residPost = residMid + mlpOut
        hook?(.residPost, &residPost)
        return Output(attnOut: attnOut, mlpOut: mlpOut, residPost: residPost)
    }
}
