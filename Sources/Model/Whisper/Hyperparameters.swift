/// Sizes of a Whisper model, all read from `model.bin` (spec §3.1); none is hard-coded.
public struct Hyperparameters: Equatable, Sendable {
    public let dModel: Int
    public let encoderHeads: Int
    public let decoderHeads: Int
    public let encoderLayers: Int
    public let decoderLayers: Int
    public let ffnWidth: Int
    public let nMels: Int
    public let audioPositions: Int
    public let textPositions: Int
    public let vocabularySize: Int

    public var headDim: Int { dModel / encoderHeads }

    init(dModel: Int, encoderHeads: Int, decoderHeads: Int, encoderLayers: Int, decoderLayers: Int, ffnWidth: Int,
         nMels: Int, audioPositions: Int, textPositions: Int, vocabularySize: Int) {
        self.dModel = dModel; self.encoderHeads = encoderHeads; self.decoderHeads = decoderHeads
        self.encoderLayers = encoderLayers; self.decoderLayers = decoderLayers; self.ffnWidth = ffnWidth
        self.nMels = nMels; self.audioPositions = audioPositions; self.textPositions = textPositions; self.vocabularySize = vocabularySize
    }

    /// Derives the sizes from tensor shapes and scalar attributes.
    public init(file: ModelFile) throws {
        func shape(_ name: String) throws -> [Int] {
            guard let s = file.shape(name) else { throw InputError(file.path, "missing variable \(name)") }
            guard !s.isEmpty else { throw InputError(file.path, "shapes contradict: \(name) is a scalar, expected a tensor") }
            return s
        }
        func layerCount(_ prefix: String) -> Int {
            var n = 0
            while file.has("\(prefix)/layer_\(n)/ffn/linear_0/weight") { n += 1 }
            return n
        }
        let conv1 = try shape("encoder/conv1/weight")
        guard conv1.count == 3, conv1[2] == 3 else {
            throw InputError(file.path, "shapes contradict: encoder/conv1/weight is \(conv1), expected [d_model, n_mels, 3]")
        }
        dModel = conv1[0]
        nMels = conv1[1]
        guard let eh = file.int("encoder/num_heads"), let dh = file.int("decoder/num_heads"), eh > 0, dh > 0,
              dModel % eh == 0, dModel % dh == 0 else {
            throw InputError(file.path, "missing or invalid encoder/num_heads or decoder/num_heads for d_model \(dModel)")
        }
        encoderHeads = eh
        decoderHeads = dh
        encoderLayers = layerCount("encoder")
        decoderLayers = layerCount("decoder")
        guard encoderLayers > 0, decoderLayers > 0 else {
            throw InputError(file.path, "no encoder or decoder layers found (is this a Whisper model?)")
        }
        ffnWidth = try shape("encoder/layer_0/ffn/linear_0/weight")[0]
        audioPositions = try shape("encoder/position_encodings/encodings")[0]
        textPositions = try shape("decoder/position_encodings/encodings")[0]
        vocabularySize = try shape("decoder/embeddings/weight")[0]
        // Whisper's 30-second window is 1500 encoder frames, and decoding may reach 448 tokens.
        guard audioPositions >= 1500, textPositions >= 448 else {
            throw InputError(file.path, "position tables hold \(audioPositions) audio and \(textPositions) text positions; Whisper needs at least 1500 and 448")
        }
    }
}
