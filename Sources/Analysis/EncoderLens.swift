import Model

/// The encoder lens (paper-methods §2): cut the encoder after block k, apply ln_post (or not),
/// and let the unchanged decoder transcribe greedily from it.
public struct EncoderLens: Sendable {
    public struct Layer: Sendable {
        public let layer: Int
        public let tokens: [Int]
        public let text: String
        public let repetition: Bool
    }

    public let layers: [Layer]
    public let lnPost: Bool

    /// `stopAtLoop` ends a layer's decoding as soon as it surely loops: its `repetition` flag is
    /// unchanged but its text is then a prefix (for repetition hunting, where only the flag counts).
    public init(engine: Engine, lnPost: Bool = true, stopAtLoop: Bool = false) {
        let model = engine.model
        let decoder = GreedyDecoder(decoder: model.decoder, specials: model.specials, config: model.config)
        self.lnPost = lnPost
        layers = engine.cleanEncoder.residPost.enumerated().map { k, residual in
            let out = lnPost ? model.encoder.lnPost(residual) : residual
            let until: (([Int]) -> Bool)? = stopAtLoop ? { Repetition.loopsAlready(model.tokenizer.decode($0)) } : nil
            let result = decoder.decode(prompt: engine.prompt, kv: model.decoder.crossKeysValues(out), timestamps: false, until: until)
            let text = model.tokenizer.decode(result.tokens)
            return Layer(layer: k, tokens: result.tokens, text: text, repetition: Repetition.isLoop(text))
        }
    }
}
