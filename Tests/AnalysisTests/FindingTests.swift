import Analysis
import Foundation
import Model
import Testing

/// A result from the literature reproduced as a test (paper-methods §5, "Replacing encoder output").
@Suite struct FindingTests {
    /// On tiny.en, replacing `enc.out` over one word's frames with the silent run's removes that
    /// word, while the words outside the span stay.
    @Test func silencingOneWordsFramesRemovesJustThatWord() throws {
        let clip = AnalysisSupport.clips[0]   // "And Mr. John Dashwood had then leisure to consider …"
        let engine = try AnalysisSupport.engine("tiny.en", clip)
        let words = WordAlignment(engine: engine).words
        #expect(words.count >= 10)
        let target = try #require(words.first { $0.text.trimmingCharacters(in: .whitespaces).lowercased() == "leisure" })
        let patch = try Patch.parse("enc.out@\(target.frames.lowerBound):\(target.frames.upperBound)=silence",
                                    hyper: engine.model.hyper, frames: 1500, tokens: engine.tokenPositions)
        let run = try engine.run(PatchSet([patch]))
        let before = WordErrorRate.words(engine.clean.text), after = WordErrorRate.words(run.text)
        #expect(before.contains("leisure"))
        #expect(!after.contains("leisure"), "patched: \(run.text)")
        let outside = before.filter { $0 != "leisure" }
        let kept = outside.filter { after.contains($0) }.count
        #expect(Double(kept) / Double(outside.count) >= 0.9, "clean: \(engine.clean.text) patched: \(run.text)")
    }

    @Test func wordTimingsAreOrderedAndInsideTheAudio() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[0])
        let words = WordAlignment(engine: engine).words
        #expect(words.map(\.tokens).flatMap { $0 } == engine.cleanTokens)
        #expect(zip(words, words.dropFirst()).allSatisfy { $0.start <= $1.start && $0.end <= $1.end + 1e-9 })
        #expect(words.allSatisfy { $0.start <= $0.end && $0.end <= Double(engine.audioFrames) / 50 + 0.02 })
    }

    @Test func rankingCoversEveryHeadBestFirst() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[0])
        let ranking = HeadRanking(engine: engine)
        #expect(ranking.entries.count == 24)
        #expect(zip(ranking.entries, ranking.entries.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(ranking.entries.filter(\.isAlignmentHead).count == 8)
    }

    /// On base, half of the model's alignment heads rank among the top eight of 48.
    @Test func alignmentHeadsRankHighOnBase() throws {
        let engine = try AnalysisSupport.engine("base", AnalysisSupport.clips[0])
        let top8 = HeadRanking(engine: engine).entries.prefix(8).filter(\.isAlignmentHead).count
        #expect(top8 >= 3, "alignment heads among the top 8: \(top8)")
    }
}

/// The patched logit lens reads only the rows a patch can change; the rest are the clean lens's.
@Suite struct PatchedLensTests {
    @Test(arguments: ["enc.2.resid_post@20:80=silence", "dec.1.cross_out@all=zero", "dec.0.resid_pre@3:6=zero", "dec.2.mlp_out@5=mean"])
    func aPartialPatchedLensEqualsAFullOne(spec: String) throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2])
        let hyper = engine.model.hyper
        try expectPartialLensEqualsFull(PatchSet([try Patch.parse(spec, hyper: hyper, frames: hyper.audioPositions, tokens: engine.tokenPositions)]), engine)
    }

    /// A localised encoder attention window changes the encoder output, so the lens from row 1
    /// on, alone or beside a decoder patch, and the effect counts the cells it changed.
    @Test(arguments: [nil, "dec.3.cross_out@2:4=zero"])
    func anAttentionWindowChangesTheLensFromRowOne(spec: String?) throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2])
        let hyper = engine.model.hyper
        let patches = try spec.map { [try Patch.parse($0, hyper: hyper, frames: hyper.audioPositions, tokens: engine.tokenPositions)] } ?? []
        let set = PatchSet(patches, attentionWindow: 0)
        #expect(LogitLens.firstChangedRow(set) == 1)
        try expectPartialLensEqualsFull(set, engine)
        let snap = try RunSnapshot(engine: engine, patches: set, cleanLens: LogitLens(engine: engine, run: engine.clean))
        let changedBelowTheDecoderPatch = snap.effect?.changedCells.filter { $0.layer < 4 }.count ?? 0
        #expect(changedBelowTheDecoderPatch > 0, "a window of ±0 frames must change lens cells below layer 4")
    }

    private func expectPartialLensEqualsFull(_ set: PatchSet, _ engine: Engine) throws {
        let hyper = engine.model.hyper
        let spec = set.description
        let clean = LogitLens(engine: engine, run: engine.clean)
        let run = try engine.run(set)
        let full = LogitLens(engine: engine, run: run)
        let first = LogitLens.firstChangedRow(set)
        #expect(first >= 0 && first <= hyper.decoderLayers)
        let partial = LogitLens(engine: engine, run: run, reusing: clean, from: first)
        #expect(partial.cells == full.cells, "\(spec): rows below \(first) must be unchanged by the patch")
        #expect(partial.saturation == full.saturation)
        let snap = try RunSnapshot(engine: engine, patches: set, cleanLens: clean)
        #expect(snap.lens.cells == full.cells && snap.effect != nil)
    }

    @Test func loopsFoldForDisplay() {
        let words = ["I", "said"] + Array(repeating: "you", count: 212) + ["and", "then"] + Array(repeating: ["go", "on"], count: 5).flatMap { $0 }
        #expect(LoopFold.fold(words) == ["I", "said", "(you) ×212", "and", "then", "(go on) ×5"])
        #expect(LoopFold.fold(["a", "b", "a", "b"]) == ["a", "b", "a", "b"])
    }
}
