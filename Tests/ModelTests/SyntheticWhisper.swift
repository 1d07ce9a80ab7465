import Foundation
import Model

/// A tiny random-weight Whisper model directory written by the tests (no download needed).
struct SyntheticWhisper {
    var d = 8, heads = 2, encoderLayers = 2, decoderLayers = 1, ffn = 16, nMels = 80
    var audioPositions = 1500, textPositions = 448
    var weightType: DType = .float16
    var seed: UInt64 = 42

    /// 256 byte symbols, the specials, then six timestamps.
    static let vocabulary: [String] = ByteLevel.scalarForByte.map { String($0) } + [
        "<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|de|>", "<|translate|>", "<|transcribe|>",
        "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>",
    ] + (0...5).map { String(format: "<|%.2f|>", Double($0) * 0.02) }

    /// Writes model.bin, config.json and vocabulary.txt into a new temporary directory.
    func write(mutate: (inout ModelFileWriter) -> Void = { _ in }) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var w = ModelFileWriter()
        var rng = SplitMix(seed: seed)
        let v = Self.vocabulary.count
        func tensor(_ name: String, _ shape: [Int], scale: Float = 0.3) {
            let n = shape.reduce(1, *)
            let values = (0..<n).map { _ in (rng.nextFloat() * 2 - 1) * scale }
            add(&w, name, shape, values)
        }
        func ln(_ scope: String) {
            add(&w, scope + "/gamma", [d], [Float](repeating: 1, count: d), dtype: .float32)
            add(&w, scope + "/beta", [d], [Float](repeating: 0, count: d), dtype: .float32)
        }
        func linear(_ scope: String, _ out: Int, _ inF: Int) {
            tensor(scope + "/weight", [out, inF])
            tensor(scope + "/bias", [out], scale: 0.05)
        }
        tensor("encoder/conv1/weight", [d, nMels, 3])
        tensor("encoder/conv1/bias", [d])
        tensor("encoder/conv2/weight", [d, d, 3])
        tensor("encoder/conv2/bias", [d])
        tensor("encoder/position_encodings/encodings", [audioPositions, d])
        add(&w, "encoder/num_heads", [], [Float(heads)], dtype: .int16)
        for l in 0..<encoderLayers {
            let s = "encoder/layer_\(l)"
            ln(s + "/self_attention/layer_norm")
            linear(s + "/self_attention/linear_0", 3 * d, d)
            linear(s + "/self_attention/linear_1", d, d)
            ln(s + "/ffn/layer_norm")
            linear(s + "/ffn/linear_0", ffn, d)
            linear(s + "/ffn/linear_1", d, ffn)
        }
        ln("encoder/layer_norm")
        tensor("decoder/embeddings/weight", [v, d])
        tensor("decoder/position_encodings/encodings", [textPositions, d])
        add(&w, "decoder/num_heads", [], [Float(heads)], dtype: .int16)
        for l in 0..<decoderLayers {
            let s = "decoder/layer_\(l)"
            ln(s + "/self_attention/layer_norm")
            linear(s + "/self_attention/linear_0", 3 * d, d)
            linear(s + "/self_attention/linear_1", d, d)
            ln(s + "/attention/layer_norm")
            linear(s + "/attention/linear_0", d, d)
            linear(s + "/attention/linear_1", 2 * d, d)
            linear(s + "/attention/linear_2", d, d)
            ln(s + "/ffn/layer_norm")
            linear(s + "/ffn/linear_0", ffn, d)
            linear(s + "/ffn/linear_1", d, ffn)
        }
        ln("decoder/layer_norm")
        w.aliases = [("decoder/projection/weight", "decoder/embeddings/weight")]
        mutate(&w)
        try w.write(to: dir.appendingPathComponent("model.bin"))
        let config: [String: Any] = [
            "suppress_ids": [1, 2], "suppress_ids_begin": [220 % v, 256],
            "lang_ids": [258, 259], "alignment_heads": [[0, 0]],
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        try (Self.vocabulary.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("vocabulary.txt"),
                                                                    atomically: true, encoding: .utf8)
        return dir
    }

    private func add(_ w: inout ModelFileWriter, _ name: String, _ shape: [Int], _ values: [Float], dtype: DType? = nil) {
        switch dtype ?? weightType {
        case .float32: w.add(name, shape: shape, float32: values)
        case .float16: w.add(name, shape: shape, dtype: .float16, payload: values.flatMap { le(halfBits($0)) })
        case .bfloat16: w.add(name, shape: shape, dtype: .bfloat16, payload: values.flatMap { le(UInt16($0.bitPattern >> 16)) })
        case .int16: w.add(name, shape: shape, dtype: .int16, payload: values.flatMap { le(Int16($0)) })
        case .int8, .int32: w.add(name, shape: shape, float32: values)
        }
    }
}

/// A small deterministic generator for test weights.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
