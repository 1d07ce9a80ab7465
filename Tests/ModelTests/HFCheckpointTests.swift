import Foundation
import Model
import Testing

/// Hugging Face transformers Whisper checkpoints, loaded as they are: small random-weight ones
/// (80 mels float32; 128 mels bfloat16, as Whisper-large-v3 has), against transformers' own
/// encoder output, logits and greedy tokens (`scripts/hf_golden.py`).
@Suite struct HFCheckpointTests {
    static func directory(_ mels: Int) -> URL { TestSupport.fixture("hf/tiny-random-\(mels)") }

    /// f[m, t] = 0.5 sin(0.013 (t + 1)(m + 1)), as the golden's script makes it.
    static func features(_ mels: Int) -> Matrix {
        var m = Matrix(zeros: mels, 3000)
        for r in 0..<mels { for t in 0..<3000 { m[r, t] = Float(0.5 * sin(0.013 * Double(t + 1) * Double(r + 1))) } }
        return m
    }

    /// Raw greedy decoding (argmax, no decoding rules) of `steps` tokens after `prompt`, one step at a time.
    static func rawGreedy(_ model: WhisperModel, kv: [Matrix], prompt: [Int], steps: Int = 8) -> [Int] {
        var tokens = prompt, cache = KVCache(layers: model.hyper.decoderLayers)
        var next = model.decoder.logits(model.decoder(tokens, cache: &cache, kv: kv))
        for _ in 0..<steps {
            let last = next.row(next.rows - 1)
            tokens.append(last.indices.max { last[$0] < last[$1] }!)
            next = model.decoder.logits(model.decoder([tokens.last!], cache: &cache, kv: kv))
        }
        return Array(tokens.dropFirst(prompt.count))
    }

    @Test(arguments: [80, 128])
    func encoderLogitsAndGreedyTokensMatchTransformers(mels: Int) throws {
        let model = try WhisperModel(directory: Self.directory(mels))
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.directory(mels).appendingPathComponent("golden.json"))) as! [String: Any]
        #expect(model.hyper.nMels == mels && model.hyper.vocabularySize == 272 && model.hyper.dModel == 32 && model.hyper.encoderLayers == 2)
        let encoded = model.encoder(Self.features(mels))
        let e = golden["encoder"] as! [String: Any]
        #expect(encoded.rows == 1500 && encoded.cols == 32)
        let first8 = (e["frame0_first8"] as! [Double]).map(Float.init)
        #expect(zip(encoded.row(0).prefix(8), first8).allSatisfy { abs($0 - $1) <= 1e-4 }, "\(encoded.row(0).prefix(8)) vs \(first8)")
        #expect(abs(encoded[1499, 31] - Float(e["last"] as! Double)) <= 1e-4)

        let forced = golden["forced"] as! [Int], want = golden["logits"] as! [[Double]]
        let kv = model.decoder.crossKeysValues(encoded)
        var cache = KVCache(layers: model.hyper.decoderLayers)
        let logits = model.decoder.logits(model.decoder(forced, cache: &cache, kv: kv))
        var worst: Float = 0
        for (r, row) in want.enumerated() { for (c, x) in row.enumerated() { worst = max(worst, abs(logits[r, c] - Float(x))) } }
        #expect(worst <= 1e-4, "logits differ from transformers' by up to \(worst)")

        #expect(Self.rawGreedy(model, kv: kv, prompt: Array(forced.prefix(4))) == golden["greedy"] as! [Int])
    }

    /// large-v3's shape: 128 mels and 51,866 tokens with its 100 languages, read from the model;
    /// the tokenizer stops at `<|notimestamps|>` and the timestamps follow it. Logits against
    /// transformers' (each row's top 5 and every 997th), raw greedy tokens, and a transcription
    /// through the whole pipeline (128-mel features, language detection, decoding rules).
    @Test func aLargeV3ShapedCheckpointReadsItsSizesFromTheModel() throws {
        let dir = TestSupport.fixture("hf/large-v3-shape")
        let model = try WhisperModel(directory: dir)
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("golden.json"))) as! [String: Any]
        #expect(model.hyper.nMels == 128 && model.hyper.vocabularySize == 51_866)
        #expect(model.specials.isMultilingual && model.specials.languages.count == 100 && model.specials.noTimestamps == 50_364)
        #expect(model.tokenizer.vocabulary.tokens[50_365] == "<|0.00|>" && model.tokenizer.vocabulary.tokens[51_865] == "<|30.00|>")
        let kv = model.decoder.crossKeysValues(model.encoder(Self.features(128)))
        let forced = golden["forced"] as! [Int]
        var cache = KVCache(layers: model.hyper.decoderLayers)
        let logits = model.decoder.logits(model.decoder(forced, cache: &cache, kv: kv))
        var worst: Float = 0
        for (r, top) in (golden["top5"] as! [[[Double]]]).enumerated() {
            for pair in top { worst = max(worst, abs(logits[r, Int(pair[0])] - Float(pair[1]))) }
            let row = logits.row(r)
            #expect(row.indices.max { row[$0] < row[$1] } == Int(top[0][0]), "row \(r)'s top token")
        }
        for (r, sample) in (golden["every997"] as! [[Double]]).enumerated() {
            for (k, x) in sample.enumerated() { worst = max(worst, abs(logits[r, k * 997] - Float(x))) }
        }
        #expect(worst <= 1e-4, "logits differ from transformers' by up to \(worst)")
        #expect(Self.rawGreedy(model, kv: kv, prompt: Array(forced.prefix(4))) == golden["greedy"] as! [Int])
        let transcript = try Transcriber(model: model).transcribe(samples: AudioFile.load(TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path),
                                                                   options: .init(timestamps: true))
        #expect(model.specials.languages.contains { $0.code == transcript.language } && transcript.tokens.allSatisfy { $0 < 51_866 })
    }

    /// The tokenizer, the decoding rules and the alignment heads come from the checkpoint's own files.
    @Test func tokensRulesAndHeadsComeFromTheCheckpointsFiles() throws {
        let model = try WhisperModel(directory: Self.directory(80))
        #expect(model.specials.eot == 256 && model.tokenizer.decode([72, 105]) == "Hi")
        #expect(model.config.suppressIDs == [264] && model.config.suppressIDsBegin == [256] && model.config.alignmentHeads == [[1, 0], [1, 1]])
        #expect(model.config.langIDs == [258, 259])
    }

    /// `models list DIR` tells the two kinds apart.
    @Test func theKindOfADirectoryIsItsFiles() throws {
        #expect(try ModelFormat.of(Self.directory(128)) == .transformers)
        #expect(try ModelFormat.of(ModelCatalog.directory(for: "tiny.en")) == .ctranslate2)
        #expect(throws: InputError.self) { try ModelFormat.of(TestSupport.fixture("hf")) }
    }

    /// A checkpoint missing its decoding rules, or with a tensor gone, names what is wrong.
    @Test func aBrokenCheckpointNamesTheProblem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-hf-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.directory(80), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(#"{"model": {"vocab": {}}}"#.utf8).write(to: dir.appendingPathComponent("tokenizer.json"))
        #expect(throws: InputError(dir.path, "the tokenizer holds no tokens")) { try WhisperModel(directory: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("generation_config.json"))
        #expect(throws: InputError(dir.appendingPathComponent("generation_config.json").path, "no such file")) { try WhisperModel(directory: dir) }
        try Data(#"{"model_type": "bert"}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        #expect(throws: InputError(dir.appendingPathComponent("config.json").path, "model_type is bert, not whisper")) { try WhisperModel(directory: dir) }
    }

    /// tiny.en and base converted to transformers format by `scripts/ct2_to_hf.py` (into
    /// `$ASRLENS_HOME/hf/NAME`, default `~/.cache/asrlens/hf/NAME`) transcribe every golden clip to
    /// faster-whisper's tokens. The conversion needs Python and transformers, so this runs where
    /// the converted folders exist (a development machine), not in CI.
    static let converted: [GoldenTranscriptTests.Case] = GoldenTranscriptTests.cases.filter { FileManager.default.fileExists(atPath: hfDirectory($0.model).path) }

    static func hfDirectory(_ model: String) -> URL {
        ModelCatalog.directory(for: model).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("hf/\(model)")
    }

    @Test(.enabled(if: !converted.isEmpty, "no converted checkpoints under ~/.cache/asrlens/hf (scripts/ct2_to_hf.py makes them)"), arguments: converted)
    func convertedRealModelsGiveFasterWhispersTokens(_ c: GoldenTranscriptTests.Case) throws {
        let model = try Self.cache.model(Self.hfDirectory(c.model))
        let t = try Transcriber(model: model).transcribe(samples: try AudioFile.load(TestSupport.resolve(c.file)), options: .init())
        #expect(t.tokens == c.tokens && t.text == c.text && t.language == c.language)
    }

    /// The converted models, loaded once.
    static let cache = HFModels()
    final class HFModels: @unchecked Sendable {
        private var models: [URL: WhisperModel] = [:]
        private let lock = NSLock()
        func model(_ dir: URL) throws -> WhisperModel {
            lock.lock(); defer { lock.unlock() }
            if let m = models[dir] { return m }
            let m = try WhisperModel(directory: dir)
            models[dir] = m
            return m
        }
    }
}
