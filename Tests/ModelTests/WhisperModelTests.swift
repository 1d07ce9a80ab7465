import Foundation
import Testing
import Model

/// Loading whole model directories: a synthetic one written here, and its broken variants.
@Suite struct WhisperModelTests {
    @Test func syntheticModelLoadsWithHyperparametersReadFromTheFile() throws {
        let dir = try SyntheticWhisper().write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try WhisperModel(directory: dir)
        #expect(m.hyper.dModel == 8)
        #expect(m.hyper.encoderHeads == 2)
        #expect(m.hyper.encoderLayers == 2)
        #expect(m.hyper.decoderLayers == 1)
        #expect(m.hyper.ffnWidth == 16)
        #expect(m.hyper.nMels == 80)
        #expect(m.hyper.vocabularySize == SyntheticWhisper.vocabulary.count)
        #expect(m.specials.eot == 256)
        #expect(m.specials.noTimestamps == 265)
        #expect(m.specials.timestampBegin == 266)
        #expect(!m.specials.isMultilingual)
    }

    @Test func syntheticModelRunsEndToEndWithValidShapes() throws {
        let dir = try SyntheticWhisper().write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try WhisperModel(directory: dir)
        let features = Matrix(zeros: 80, 3000)
        let enc = m.encoder(features)
        #expect(enc.rows == 1500 && enc.cols == 8)
        #expect(enc.data.allSatisfy { $0.isFinite })
        let samples = (0..<16000).map { Float(sin(Double($0) * 0.05)) * 0.3 }
        let t = try Transcriber(model: m).transcribe(samples: samples, options: .init())
        #expect(t.tokens.allSatisfy { $0 >= 0 && $0 < m.specials.eot })
        #expect(t.tokens.count <= 224)
    }

    @Test(arguments: [DType.float32, .bfloat16])
    func otherWeightTypesGiveTheSameShapes(type: DType) throws {
        var s = SyntheticWhisper()
        s.weightType = type
        let dir = try s.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = try WhisperModel(directory: dir)
        #expect(m.encoder(Matrix(zeros: 80, 3000)).rows == 1500)
    }

    @Test func contradictingShapesAreReportedWithTheVariable() throws {
        let dir = try SyntheticWhisper().write { w in
            let i = w.variables.firstIndex { $0.name == "encoder/layer_1/ffn/linear_1/weight" }!
            w.variables[i].shape = [8, 15]
            w.variables[i].payload = [UInt8](repeating: 0, count: 8 * 15 * 2)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: InputError.self) { try WhisperModel(directory: dir) }
        #expect(error?.problem.contains("shapes contradict: encoder/layer_1/ffn/linear_1/weight") == true)
    }

    /// The float16 embedding is kept as stored, so it gets its own check for damage.
    @Test func aNonFiniteFloat16EmbeddingIsRefusedByName() throws {
        for bits: UInt16 in [0x7C00, 0xFE00] {   // +infinity, a NaN
            let dir = try SyntheticWhisper().write { w in
                let i = w.variables.firstIndex { $0.name == "decoder/embeddings/weight" }!
                #expect(w.variables[i].dtype == .float16)
                w.variables[i].payload.replaceSubrange(10..<12, with: le(bits))
            }
            defer { try? FileManager.default.removeItem(at: dir) }
            let error = #expect(throws: InputError.self) { try WhisperModel(directory: dir) }
            #expect(error?.problem == "decoder/embeddings/weight holds NaN or infinite values (the file is damaged)", "\(String(describing: error))")
        }
    }

    @Test func wrongSpecNameIsRejected() throws {
        let dir = try SyntheticWhisper().write { $0.specName = "TransformerSpec" }
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = #expect(throws: InputError.self) { try WhisperModel(directory: dir) }
        #expect(error?.problem.contains("not a Whisper model") == true)
    }

    @Test(arguments: ["config.json", "vocabulary.txt", "model.bin"])
    func missingFileIsNamed(file: String) throws {
        let dir = try SyntheticWhisper().write()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent(file))
        let error = #expect(throws: InputError.self) { try WhisperModel(directory: dir) }
        #expect(error?.problem.contains(file.hasPrefix("vocab") ? "vocabulary" : file) == true)
    }

    @Test func vocabularyJSONIsPreferredOverText() throws {
        let dir = try SyntheticWhisper().write()
        defer { try? FileManager.default.removeItem(at: dir) }
        try JSONSerialization.data(withJSONObject: SyntheticWhisper.vocabulary)
            .write(to: dir.appendingPathComponent("vocabulary.json"))
        try "broken\n".write(to: dir.appendingPathComponent("vocabulary.txt"), atomically: true, encoding: .utf8)
        #expect(try WhisperModel(directory: dir).hyper.vocabularySize == SyntheticWhisper.vocabulary.count)
    }
}
