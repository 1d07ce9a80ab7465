/// One pre-norm decoder block: causal self-attention, cross-attention, MLP (spec §4.2).
public struct DecoderBlock: Sendable {
    public let selfAttention: SelfAttention
    public let crossAttention: CrossAttention
    public let mlp: MLP

    /// The activations of one block, named as the sites of DESIGN.md.
    public struct Output: Sendable {
        public var selfOut: Matrix    // [n, D]
        public var crossOut: Matrix   // [n, D]
        public var mlpOut: Matrix     // [n, D]
        public var residPost: Matrix  // [n, D]
    }

    /// residPre: [n, D] new rows; cache: this layer's K/V; kv: this layer's cross K;V [frames, 2D].
    public func callAsFunction(_ residPre: Matrix, cache: inout KVCache.Layer, kv: Matrix,
                               crossWeights: ScaledDotProduct.WeightsSink? = nil, hook: BlockHook? = nil) -> Output {
        var selfContext = selfAttention.context(residPre, cache: &cache)
        if let hook { for h in 0..<selfAttention.heads { hook(.selfHead(h), &selfContext) } }
        var selfOut = selfAttention.out(selfContext)
        hook?(.selfOut, &selfOut)
        let afterSelf = residPre + selfOut
        var context = crossAttention.context(afterSelf, kv: kv, weights: crossWeights)
        if let hook { for h in 0..<crossAttention.heads { hook(.crossHead(h), &context) } }
        var crossOut = crossAttention.out(context)
        hook?(.crossOut, &crossOut)
        let (mlpOut, residPost) = mlp.sublayer(afterSelf + crossOut, hook: hook)
        return Output(selfOut: selfOut, crossOut: crossOut, mlpOut: mlpOut, residPost: residPost)
    }
}
