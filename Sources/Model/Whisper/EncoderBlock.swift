/// One pre-norm encoder block: x + attn(ln(x)), then + mlp(ln(·)) (spec §4.1 step 4).
public struct EncoderBlock: Sendable {
    public let attention: SelfAttention
    public let mlp: MLP

    /// The activations of one block, named as the sites of DESIGN.md.
    public struct Output: Sendable {
        public var attnOut, mlpOut, residPost: Matrix  // [T, D] each
    }

    /// `band`: self-attention sees only frames within ±band of each frame.
    public func callAsFunction(_ residPre: Matrix, hook: BlockHook? = nil, band: Int? = nil) -> Output {
        var context = attention.context(residPre, band: band)
        if let hook { for h in 0..<attention.heads { hook(.head(h), &context) } }
        var attnOut = attention.out(context)
        hook?(.attnOut, &attnOut)
        let (mlpOut, residPost) = mlp.sublayer(residPre + attnOut, hook: hook)
        return Output(attnOut: attnOut, mlpOut: mlpOut, residPost: residPost)
    }
}
