import Foundation

/// A loaded faster-whisper (CTranslate2) Whisper model directory: weights, config, tokens.
public final class WhisperModel: @unchecked Sendable {
    public let directory: URL
    public let hyper: Hyperparameters
    public let encoder: Encoder
    public let decoder: Decoder
    public let config: WhisperConfig
    public let tokenizer: Tokenizer
    public var specials: SpecialTokens { tokenizer.specials }
    /// A short name for display: the directory's last component.
    public var name: String { directory.lastPathComponent }

    /// SHA-256 of the weights: of `model.bin`, or of the SHA-256s of the `.safetensors` files in
    /// name order. Two copies of a model under one name (a fine-tuned or damaged one) differ
    /// here. Reads every byte, about 0.2 s for tiny.en.
    public func weightsSHA256() throws -> String {
        let bin = directory.appendingPathComponent("model.bin")
        if FileManager.default.fileExists(atPath: bin.path) { return try SHA256.hex(ofFile: bin) }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".safetensors") }.sorted() ?? []
        let joined = try files.map { try SHA256.hex(ofFile: directory.appendingPathComponent($0)) }.joined(separator: "\n")
        return joined.utf8CString.withUnsafeBytes { SHA256.hex(of: UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
    }

    /// Loads a CTranslate2 directory (`model.bin`, `config.json`, the vocabulary and, if present,
    /// `tokenizer.json`) or a Hugging Face transformers one (`HFCheckpoint`).
    public init(directory: URL) throws {
        self.directory = directory
        try FileProblem.checkReadable(directory.path, as: .directory("a model directory"))
        let vocabulary: Vocabulary, merges: [String], configSource: String
        if HFCheckpoint.isCheckpoint(directory) {
            let checkpoint = try HFCheckpoint(directory: directory)
            let hyper = try checkpoint.hyperparameters()
            self.hyper = hyper
            BLAS.singleThreaded
            (encoder, decoder) = try Self.layers(WeightReader(file: checkpoint), hyper)
            config = try checkpoint.whisperConfig()
            vocabulary = try checkpoint.vocabulary(size: hyper.vocabularySize)
            merges = try checkpoint.merges()
            configSource = directory.appendingPathComponent("generation_config.json").path
        } else {
            let binURL = directory.appendingPathComponent("model.bin")
            guard FileManager.default.fileExists(atPath: binURL.path) || FileProblem.isDanglingLink(binURL.path) else {
                throw InputError(directory.path, "missing model.bin (not a CTranslate2 model directory, nor a transformers one with model.safetensors)")
            }
            try FileProblem.checkReadable(binURL.path, as: .file("a model file"))
            let file = try ModelFile(contentsOf: binURL)
            try MemoryLimit.check(weightBytes: 4 * file.variables.values.reduce(0) { $0 + $1.count }, threads: Parallel.workers,
                                  model: directory.lastPathComponent)
            BLAS.singleThreaded
            guard file.specName.isEmpty || file.specName == "WhisperSpec" else {
                throw InputError(binURL.path, "spec \(file.specName) is not a Whisper model (expected WhisperSpec)")
            }
            let hyper = try Hyperparameters(file: file)
            self.hyper = hyper
            (encoder, decoder) = try Self.layers(WeightReader(file: file), hyper)
            let configURL = directory.appendingPathComponent("config.json")
            guard FileManager.default.fileExists(atPath: configURL.path) else {
                throw InputError(directory.path, "missing config.json (Whisper decoding needs suppress_ids)")
            }
            try FileProblem.checkReadable(configURL.path, as: .file("config.json"))
            config = try WhisperConfig.load(configURL)
            configSource = configURL.path
            vocabulary = try Vocabulary(directory: directory)
            guard vocabulary.count == hyper.vocabularySize else {
                throw InputError(directory.path, "shapes contradict: vocabulary has \(vocabulary.count) tokens, embeddings have \(hyper.vocabularySize) rows")
            }
            let tokJSON = directory.appendingPathComponent("tokenizer.json")
            merges = FileManager.default.fileExists(atPath: tokJSON.path) ? try Tokenizer.merges(fromTokenizerJSON: tokJSON) : []
        }
        try config.validate(vocabularySize: hyper.vocabularySize, decoderLayers: hyper.decoderLayers, heads: hyper.decoderHeads, source: configSource)
        let specials = try SpecialTokens(vocabulary: vocabulary, source: directory.path)
        tokenizer = Tokenizer(vocabulary: vocabulary, specials: specials, merges: merges)
    }

    /// The encoder and decoder, every weight read by its CTranslate2 name and checked against `hyper`.
    private static func layers(_ w: WeightReader, _ hyper: Hyperparameters) throws -> (Encoder, Decoder) {
        let d = hyper.dModel, f = hyper.ffnWidth
        let encoder = Encoder(
            conv1: try w.linear("encoder/conv1", out: d, in: hyper.nMels * 3),
            conv2: try w.linear("encoder/conv2", out: d, in: d * 3),
            positions: try w.matrix("encoder/position_encodings/encodings", rows: hyper.audioPositions, cols: d),
            blocks: try (0..<hyper.encoderLayers).map { l in
                EncoderBlock(attention: try w.selfAttention("encoder/layer_\(l)/self_attention", width: d, heads: hyper.encoderHeads),
                             mlp: try w.mlp("encoder/layer_\(l)/ffn", width: d, hidden: f))
            },
            lnPost: try w.layerNorm("encoder/layer_norm", width: d))
        let decoder = Decoder(
            embedding: try w.embedding("decoder/embeddings/weight", rows: hyper.vocabularySize, cols: d),
            positions: try w.matrix("decoder/position_encodings/encodings", rows: hyper.textPositions, cols: d),
            blocks: try (0..<hyper.decoderLayers).map { l in
                DecoderBlock(selfAttention: try w.selfAttention("decoder/layer_\(l)/self_attention", width: d, heads: hyper.decoderHeads, product: .rowByRow),
                             crossAttention: try w.crossAttention("decoder/layer_\(l)/attention", width: d, heads: hyper.decoderHeads, product: .rowByRow),
                             mlp: try w.mlp("decoder/layer_\(l)/ffn", width: d, hidden: f, product: .rowByRow))
            },
            lnFinal: try w.layerNorm("decoder/layer_norm", width: d))
        return (encoder, decoder)
    }
}
