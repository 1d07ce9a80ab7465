import Foundation
import Model
import Testing

/// log-softmax over a whole vocabulary against the same sum taken in float64: the probabilities
/// the lens, the patch table and the no-speech test report.
@Suite struct LogSoftmaxTests {
    /// log-softmax in float64 of float32 inputs: the value each output should round to.
    static func exact(_ x: [Float]) -> [Double] {
        let m = Double(x.max()!)
        let lse = m + log(x.reduce(0.0) { $0 + exp(Double($1) - m) })
        return x.map { Double($0) - lse }
    }

    @Test func aLongTailOfTinyTermsStillCounts() {
        // One token at 0 and 51,863 at −17: each tail term (4.1e-8) is below half an ulp of a
        // float32 running sum near 1, so a float32 sum in order lost all of them (2.1e-3).
        var x = [Float](repeating: -17, count: 51_864)
        x[0] = 0
        let lp = FastMath.logSoftmax(x)
        let want = Self.exact(x)
        #expect(abs(Double(lp[0]) - want[0]) < 1e-6, "\(lp[0]) vs \(want[0])")
        #expect(abs(Double(lp[1]) - want[1]) < 2e-6, "\(lp[1]) vs \(want[1])")
    }

    @Test func tinyEnsFinalLogitsMatchFloat64() throws {
        let model = try TestSupport.model("tiny.en")
        let clip = TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path
        let engine = try Engine(model: model, samples: AudioFile.load(clip))
        let last = engine.clean.decoder.residPost[model.hyper.decoderLayers - 1]
        let logits = model.decoder.logits(last)
        var worst = 0.0
        for row in 0..<logits.rows {
            let x = Array(logits.data[(row * logits.cols)..<((row + 1) * logits.cols)])
            let lp = FastMath.logSoftmax(x), want = Self.exact(x)
            // Each output is one float32 rounding of x − lse (|x − lse| < 64 here: 4e-6 per ulp).
            for i in stride(from: 0, to: x.count, by: 97) { worst = max(worst, abs(Double(lp[i]) - want[i]) / max(1, abs(want[i]))) }
            let top = x.indices.max { x[$0] < x[$1] }!
            worst = max(worst, abs(Double(lp[top]) - want[top]))
        }
        #expect(worst < 1e-6, "largest difference from float64: \(worst)")
    }
}
