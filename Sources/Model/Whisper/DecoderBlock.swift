/// One pre-norm decoder block: causal self-attention, cross-attention, MLP (spec §4.2).
public struct DecoderBlock: Sendable {
    public let selfAttention: SelfAttention
    public let crossAttention: CrossAttention
    public let mlp: MLP

    /// The activations of one block, named as the sites of DESIGN.md.
    public struct Output: Sendable {
        public let selfOut: Matrix    // [n, D]
        public let crossOut: Matrix   // [n, D]
        public let mlpOut: Matrix     // [n, D]
        public let residPost: Matrix  // [n, D]
    }

    /// residPre: [n, D] new rows; cache: this layer's K/V; kv: this layer's cross K;V [frames, 2D].
    public func callAsFunction(_ residPre: Matrix, cache: inout KVCache.Layer, kv: Matrix,
                               crossWeights: ScaledDotProduct.WeightsSink? = nil) -> Output {
        let selfOut = selfAttention.out(selfAttention.context(residPre, cache: &cache))
        let afterSelf = residPre + selfOut
        let crossOut = crossAttention.out(crossAttention.context(afterSelf, kv: kv, weights: crossWeights))
        let afterCross = afterSelf + crossOut
        let mlpOut = mlp(afterCross)
        return Output(selfOut: selfOut, crossOut: crossOut, mlpOut: mlpOut, residPost: afterCross + mlpOut)
    }
}
