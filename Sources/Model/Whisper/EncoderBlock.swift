/// One pre-norm encoder block: x + attn(ln(x)), then + mlp(ln(·)) (spec §4.1 step 4).
public struct EncoderBlock: Sendable {
    public let attention: SelfAttention
    public let mlp: MLP

    /// The activations of one block, named as the sites of DESIGN.md.
    public struct Output: Sendable {
        public let attnOut: Matrix    // [T, D]
        public let mlpOut: Matrix     // [T, D]
        public let residPost: Matrix  // [T, D]
    }

    public func callAsFunction(_ residPre: Matrix) -> Output {
        let attnOut = attention.out(attention.context(residPre))
        let residMid = residPre + attnOut
        let mlpOut = mlp(residMid)
        return Output(attnOut: attnOut, mlpOut: mlpOut, residPost: residMid + mlpOut)
    }
}
