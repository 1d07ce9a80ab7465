import Analysis
import Foundation
import Model
import Testing

/// The identity checks of paper-methods §1–2 on every sample clip, for tiny.en and base.
@Suite struct LensIdentityTests {
    static let cases: [(String, String)] = ["tiny.en", "base"].flatMap { m in AnalysisSupport.clips.map { (m, $0) } }

    @Test(arguments: cases)
    func lastLayersReproduceTheTranscript(model: String, clip: String) throws {
        let engine = try AnalysisSupport.engine(model, clip)
        let transcript = try Transcriber(model: engine.model).transcribe(samples: AudioFile.load(clip), options: .init())
        #expect(engine.cleanTokens == transcript.tokens)

        let lens = LogitLens(engine: engine, run: engine.clean)
        #expect(lens.cells.count == engine.model.hyper.decoderLayers + 1)
        #expect(lens.cells.last!.map(\.top1) == engine.cleanTokens + [engine.model.specials.eot])
        #expect(lens.cells.last!.allSatisfy { $0.finalRank == 0 })
        #expect(lens.saturation.allSatisfy { $0 != nil })

        let encoderLens = EncoderLens(engine: engine)
        #expect(encoderLens.layers.count == engine.model.hyper.encoderLayers)
        #expect(encoderLens.layers.last!.tokens == engine.cleanTokens)
    }

    @Test func lensCellsAreProbabilityDistributions() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2])
        let lens = LogitLens(engine: engine, run: engine.clean)
        for row in lens.cells {
            for cell in row {
                #expect(cell.top.count == 5)
                #expect(zip(cell.top, cell.top.dropFirst()).allSatisfy { $0.prob >= $1.prob })
                #expect(cell.top.reduce(0) { $0 + $1.prob } <= 1.0001)
                #expect(cell.finalRank > 0 || cell.finalProb == cell.top[0].prob)
            }
        }
    }
}

/// WER and loop detection, the metrics of a patched run.
@Suite struct MetricTests {
    @Test func werCountsSubstitutionsInsertionsAndDeletions() {
        #expect(WordErrorRate.of(reference: "the cat sat", hypothesis: "the cat sat") == 0)
        #expect(WordErrorRate.of(reference: "the cat sat", hypothesis: "The cat, sat.") == 0)
        #expect(WordErrorRate.of(reference: "the cat sat", hypothesis: "the dog sat") == 1.0 / 3)
        #expect(WordErrorRate.of(reference: "the cat sat", hypothesis: "the sat") == 1.0 / 3)
        #expect(WordErrorRate.of(reference: "the cat sat", hypothesis: "the cat sat down") == 1.0 / 3)
        #expect(WordErrorRate.of(reference: "", hypothesis: "") == 0)
    }

    @Test func loopsAreFlagged() {
        #expect(Repetition.isLoop(" I'm going to go. I'm going to go. I'm going to go. I'm going to go."))
        #expect(Repetition.isLoop(" the the the"))
        // Found by a new-user trial: punctuation hid this loop from the n-gram rule ("cut," ≠ "cut.").
        #expect(Repetition.isLoop(" Look at the cut, look at the cut, look at the cut."))
        #expect(!Repetition.isLoop(" Wait... what? No, no. It is fine, really."))
        #expect(!Repetition.isLoop(" He might even have been made amiable himself."))
    }
}

/// The effect of a patch, computed end to end on tiny.en.
@Suite struct PatchEffectTests {
    @Test func silencingTheWholeEncoderOutputRemovesTheSpeech() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2])
        let p = try Patch.parse("enc.out@all=silence", hyper: engine.model.hyper, frames: 1500, tokens: engine.tokenPositions)
        let effect = PatchEffect(engine: engine, patched: try engine.run(PatchSet([p])))
        #expect(effect.wer >= 0.8, "patched: \(effect.patched.text)")
        #expect(effect.deltaLogprob.count == engine.cleanTokens.count + 1)
        #expect(effect.deltaLogprob.prefix(engine.cleanTokens.count).reduce(0, +) < -5)
        #expect(!effect.changedCells.isEmpty)
    }

    @Test func identityPatchChangesNothing() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2])
        let p = try Patch.parse("dec.1.mlp_out@all=scale:1", hyper: engine.model.hyper, frames: 1500, tokens: engine.tokenPositions)
        let effect = PatchEffect(engine: engine, patched: try engine.run(PatchSet([p])))
        #expect(effect.wer == 0 && effect.changedCells.isEmpty && effect.deltaLogprob.allSatisfy { abs($0) < 1e-4 })
    }
}
