import Foundation
import Testing
import Model

/// Encoder output against CTranslate2's `Whisper.encode` (fixtures from scripts/ct2_encoder_dump.py).
@Suite struct EncoderTests {
    @Test(arguments: ["tiny.en", "base"])
    func encoderMatchesCTranslate2Within1e3(model name: String) throws {
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: TestSupport.fixture("encoder/\(name)-cards-001.json"))) as! [String: Any]
        let frames = meta["frames"] as! [Int]
        let reference: [Float] = try Data(contentsOf: TestSupport.fixture("encoder/\(name)-cards-001.f32")).withUnsafeBytes {
            Array($0.bindMemory(to: Float.self))
        }
        let model = try TestSupport.model(name)
        let d = model.hyper.dModel
        #expect(reference.count == frames.count * d)
        let features = LogMel(nMels: model.hyper.nMels)(try AudioFile.load(meta["file"] as! String))
        // The dump script pads every feature frame (the extra last one included), as fw_reference.py does.
        let window = Transcriber.window(features, from: 0, count: features.cols)
        let out = model.encoder(window)
        #expect([out.rows, out.cols] == meta["shape"] as! [Int])
        var worst: Float = 0
        for (i, f) in frames.enumerated() {
            for c in 0..<d { worst = max(worst, abs(out[f, c] - reference[i * d + c])) }
        }
        #expect(worst <= 1e-3, "max |ours − CTranslate2| = \(worst)")
        let mean = out.data.reduce(0.0) { $0 + Double($1) } / Double(out.data.count)
        #expect(abs(mean - (meta["mean"] as! Double)) < 1e-5)
    }

    @Test func syntheticInputMatchesSpecStatistics() throws {
        let model = try TestSupport.model("tiny.en")
        let features = LogMel(nMels: 80)(LogMelTests.synthetic)
        // The spec's figures encode the content frames only (as transcribe does), zero-padded.
        let out = model.encoder(Transcriber.window(features, from: 0, count: features.cols - 1))
        let n = Double(out.data.count)
        let mean = out.data.reduce(0.0) { $0 + Double($1) } / n
        let std = (out.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
        #expect(abs(mean - -0.026984) < 1e-5)
        #expect(abs(std - 1.103836) < 1e-5)
        for (i, want) in [Float(-0.0746447), 0.1226242, 0.8275818].enumerated() {
            #expect(abs(out[0, i] - want) < 1e-3)
        }
        #expect(abs(out[1499, 383] - 0.17731121) < 1e-3)
    }
}
