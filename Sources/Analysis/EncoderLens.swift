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
    /// The encoder patches (and attention window) the residual stream was read under; empty for
    /// the clean run. Decoder patches are not among them: the lens's decoder is the model's.
    public let patches: PatchSet

    /// The clean run's lens. `stopAtLoop` ends a layer's decoding as soon as it surely loops: its
    /// `repetition` flag is unchanged but its text is then a prefix (for repetition hunting, where
    /// only the flag counts).
    public init(engine: Engine, lnPost: Bool = true, stopAtLoop: Bool = false) {
        self.init(engine: engine, residuals: engine.cleanEncoder.residPost, patches: PatchSet(), lnPost: lnPost, stopAtLoop: stopAtLoop)
    }

    /// The lens of the run under `set`: each layer's residual stream with the set's encoder
    /// patches applied, recomputed from scratch (`Engine.activations`).
    public init(engine: Engine, set: PatchSet, lnPost: Bool = true) throws {
        let encoder = Self.encoderPart(set)
        guard !encoder.isEmpty else { self.init(engine: engine, lnPost: lnPost); return }
        let sites = (0..<engine.model.hyper.encoderLayers).map { Site(.encoder, $0, .residPost) }
        let found = try engine.activations(encoder, at: sites)
        self.init(engine: engine, residuals: sites.map { found[$0]! }, patches: encoder, lnPost: lnPost, stopAtLoop: false)
    }

    /// The part of a patch set that changes the encoder's blocks: its patches inside them and its
    /// attention window (a patch of `enc.out`, after ln_post, reaches only the decoder).
    public static func encoderPart(_ set: PatchSet) -> PatchSet {
        PatchSet(set.patches.filter { $0.site.stack == .encoder && $0.site.point != .out }, attentionWindow: set.attentionWindow)
    }

    private init(engine: Engine, residuals: [Matrix], patches: PatchSet, lnPost: Bool, stopAtLoop: Bool) {
        let model = engine.model
        let decoder = GreedyDecoder(decoder: model.decoder, specials: model.specials, config: model.config)
        self.lnPost = lnPost
        self.patches = patches
        layers = residuals.enumerated().map { k, residual in
            let out = lnPost ? model.encoder.lnPost(residual) : residual
            let until: (([Int]) -> Bool)? = stopAtLoop ? { Repetition.loopsAlready(model.tokenizer.decode($0)) } : nil
            let result = decoder.decode(prompt: engine.prompt, kv: model.decoder.crossKeysValues(out), timestamps: false, until: until)
            let text = model.tokenizer.decode(result.tokens)
            return Layer(layer: k, tokens: result.tokens, text: text, repetition: Repetition.isLoop(text))
        }
    }
}
