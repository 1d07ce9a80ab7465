import Analysis
import Foundation
import Model
import Testing

/// The data-set experiments' building blocks on the real tiny.en: loop detection that may stop
/// decoding early, the repetition-hunt conditions, and the contextual-bias clips.
@Suite struct ExperimentTests {
    @Test func aLoopSeenInAPrefixIsALoopOfTheWholeTranscript() {
        #expect(Repetition.loopsAlready(" a little bit of a little bit of a little bit of a lit"))
        #expect(Repetition.isLoop(" a little bit of a little bit of a little bit of a little bit more"))
        // The last word may be cut mid-token, so it never counts: "of a lit" is not yet a third "of a little".
        #expect(!Repetition.loopsAlready(" bit of a little, bit of a little, bit of a lit"))
        #expect(!Repetition.loopsAlready(" He might even have been made amiable himself."))
    }

    @Test func stoppingAtALoopKeepsEveryLensLayersFlag() throws {
        // The sample clip under white noise at -10 dB, as `asrlens repetition` makes it: its lens loops.
        let clip = AnalysisSupport.clips[0]
        let seed = UInt64(try SHA256.hex(ofFile: URL(fileURLWithPath: clip)).prefix(16), radix: 16)!
        let noisy = RepetitionHunt.conditions(try AudioFile.load(clip), settings: .init(), seed: seed).first { $0.0 == "noisy -10dB" }!.1
        let engine = try Engine(model: AnalysisSupport.model("tiny.en"), samples: noisy)
        let full = EncoderLens(engine: engine), fast = EncoderLens(engine: engine, stopAtLoop: true)
        #expect(full.layers.map(\.repetition) == fast.layers.map(\.repetition))
        #expect(full.layers.contains { $0.repetition }, "the clip must loop somewhere for this test to mean anything")
        for (a, b) in zip(full.layers, fast.layers) {
            #expect(a.tokens.starts(with: b.tokens), "layer \(a.layer)")
            #expect(b.tokens.count == a.tokens.count || a.repetition, "layer \(a.layer) stopped early without a loop")
        }
        #expect(zip(full.layers, fast.layers).contains { $0.1.tokens.count < $0.0.tokens.count }, "no layer stopped early")
    }

    @Test func huntConditionsArePlainNoisyPerSNRAndTruncated() {
        var rng = Gaussian(seed: 7)
        let speech = (0..<16_000).map { _ in 0.01 * rng.next() }   // quiet enough that no mixture clips
        let settings = RepetitionHunt.Settings(snrDB: [0, -10], keep: 0.5)
        let conditions = RepetitionHunt.conditions(speech, settings: settings, seed: 42)
        #expect(conditions.map(\.0) == ["plain", "noisy 0dB", "noisy -10dB", "truncated"])
        #expect(conditions[0].1 == speech && conditions[3].1 == Array(speech.prefix(8_000)))
        func snr(_ mixed: [Float]) -> Double {
            let signal = speech.reduce(0) { $0 + Double($1 * $1) }
            let noise = zip(mixed, speech).reduce(0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
            return 10 * log10(signal / noise)
        }
        #expect(abs(snr(conditions[1].1) - 0) < 0.01 && abs(snr(conditions[2].1) + 10) < 0.01)
        #expect(RepetitionHunt.conditions(speech, settings: settings, seed: 42)[1].1 == conditions[1].1, "seeded")
    }

    @Test func contextBiasClipsPutTheWordAfterASilencedContext() throws {
        let item = ContextBias.items.first { $0.spoken == "deer" }!
        let clip = try ContextBias.synthesize(item)
        #expect(clip.samples.count == clip.reference.count)
        #expect(clip.contextFrames.upperBound < clip.wordFrames.lowerBound + 1 && clip.contextFrames.lowerBound == 0)
        let contextEnd = clip.contextFrames.upperBound * 320
        #expect(clip.reference[..<contextEnd].allSatisfy { $0 == 0 })
        #expect(clip.samples[contextEnd...] == clip.reference[contextEnd...], "the word is the same in both")
        #expect(clip.samples[..<contextEnd].contains { abs($0) > 0.05 }, "the context is spoken")

        #expect(ContextBias.outcome(" He drank a pint of cold beer.", item) == .context)
        #expect(ContextBias.outcome(" He drank a pint of cold deer.", item) == .sound)
        #expect(ContextBias.outcome(" He drank a pint of cold tea.", item) == .other)

        let model = try AnalysisSupport.model("tiny.en")
        let result = try ContextBias.measure(model: model, clip: clip)
        #expect(result.patched.count == 2 * model.hyper.encoderLayers + model.hyper.decoderLayers, "encoder patches and the decoder-side cross_out")
        #expect(result.patched.filter { $0.family.hasPrefix("dec ") }.count == model.hyper.decoderLayers)
        #expect(result.clean == ContextBias.outcome(result.text, item))
        #expect(result.text.lowercased().contains("pint of cold"), "\(result.text)")
    }
}
