import Foundation
import Model
import Testing

/// The incremental engine: exactness against from-scratch runs, and counters that prove skipped work.
@Suite(.serialized) struct EngineTests {
    static let clip = TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path

    static let shared: Result<Engine, Error> = Result {
        try Engine(model: TestSupport.model("tiny.en"), samples: AudioFile.load(clip))
    }

    func engine() throws -> Engine { try Self.shared.get() }

    func patch(_ text: String, _ e: Engine) throws -> Patch {
        try Patch.parse(text, hyper: e.model.hyper, frames: e.model.hyper.audioPositions, tokens: e.tokenPositions)
    }

    @Test func cleanRunReproducesTheGreedyTranscript() throws {
        let e = try engine()
        #expect(e.clean.tokens == e.cleanTokens)
        #expect(e.clean.text == " He might even have been made amiable himself.")
        #expect(e.clean.teacherForcedArgmax == e.cleanTokens + [e.model.specials.eot])
    }

    @Test(arguments: ["enc.3.resid_post@0:60=zero", "enc.1.mlp_out@100:150=noise:1:3", "enc.0.resid_pre@all=scale:0.5",
                      "enc.2.head.3@0:100=zero", "enc.out@20:80=mean", "enc.3.attn_out@10:40=silence",
                      "dec.1.cross_out@2:4=zero", "dec.0.self_out@0:3=scale:2", "dec.2.cross_head.1@all=zero",
                      "dec.3.mlp_out@5=silence", "dec.2.resid_pre@1:6=noise:2:9",
                      "dec.1.self_head.3@all=zero", "dec.0.self_head.0@2:5=silence", "dec.3.self_head.5@0:4=mean"])
    func incrementalRunEqualsFromScratch(patchText: String) throws {
        let e = try engine()
        let set = PatchSet([try patch(patchText, e)])
        let fast = try e.run(set, useMemo: false, incremental: true)
        let slow = try e.run(set, useMemo: false, incremental: false)
        #expect(fast.tokens == slow.tokens)
        var worst: Float = 0
        for (a, b) in zip(fast.decoder.residPost, slow.decoder.residPost) { worst = max(worst, a.maxAbsDifference(b)) }
        let last = e.model.hyper.decoderLayers - 1
        let la = e.model.decoder.logits(fast.decoder.residPost[last]), lb = e.model.decoder.logits(slow.decoder.residPost[last])
        #expect(la.maxAbsDifference(lb) <= 1e-5, "logits differ by \(la.maxAbsDifference(lb))")
        #expect(fast.encoderOut.maxAbsDifference(slow.encoderOut) <= 1e-5)
    }

    /// Localised encoder attention: a window as wide as the audio is the model itself, bit for
    /// bit; a window of ±0 frames leaves each frame only its own value; narrowing the window
    /// runs every encoder block, and ±10 frames (0.2 s) is not the clean transcript.
    @Test func anAttentionWindowMasksEncoderSelfAttentionToItsBand() throws {
        let e = try engine()
        let wide = try e.run(PatchSet(attentionWindow: 1500), useMemo: false)
        #expect(wide.encoderOut.maxAbsDifference(e.clean.encoderOut) == 0 && wide.tokens == e.clean.tokens)
        #expect(wide.work.encoderBlocks == [Int](repeating: 1, count: e.model.hyper.encoderLayers), "every layer is recomputed")
        let narrow = try e.run(PatchSet(attentionWindow: 10), useMemo: false)
        #expect(narrow.text != e.clean.text, "\(narrow.text)")
        #expect(PatchSet(attentionWindow: 10) != PatchSet(attentionWindow: 20) && PatchSet(attentionWindow: 10).description == "attention-window=10")
        #expect(!PatchSet(attentionWindow: 0).isEmpty && PatchSet(attentionWindow: 0).touchesEncoder)

        // ±0: each query sees only its own key, so the context is V itself.
        let n = 5, d = 4
        let q = (0..<(n * d)).map { Float($0 % 7) - 3 }, v = (0..<(n * d)).map { Float($0) * 0.25 }
        var out = [Float](repeating: .nan, count: n * d)
        q.withUnsafeBufferPointer { qb in
            v.withUnsafeBufferPointer { vb in
                out.withUnsafeMutableBufferPointer { ob in
                    ScaledDotProduct.attend(q: qb.baseAddress!, qStride: d, k: qb.baseAddress!, kStride: d, v: vb.baseAddress!, vStride: d,
                                            n: n, m: n, heads: 1, headDim: d, band: 0, out: ob.baseAddress!, outStride: d)
                }
            }
        }
        #expect(out == v)
    }

    @Test func patchAtEncoderLayer3SkipsEarlierBlocks() throws {
        let e = try engine()
        for text in ["enc.3.resid_pre@0:50=zero", "enc.3.attn_out@0:50=zero", "enc.3.mlp_out@all=zero", "enc.3.head.2@0:50=zero"] {
            let run = try e.run(PatchSet([try patch(text, e)]), useMemo: false)
            #expect(run.work.encoderBlocks[0..<3].allSatisfy { $0 == 0 }, "\(text): \(run.work.encoderBlocks)")
        }
    }

    @Test func latePatchRecomputesOnlyItsRowsOfCrossKV() throws {
        let e = try engine()
        // 50 rows across the boundary of the first two aligned row blocks: both blocks are redone.
        let b = Linear.rowBlock
        let run = try e.run(PatchSet([try patch("enc.3.resid_post@\(b - 25):\(b + 25)=zero", e)]), useMemo: false)
        #expect(run.work.encoderBlocks == [0, 0, 0, 0])
        #expect(run.work.crossKVRows == 2 * b)
        // 50 rows inside the second block: that block alone.
        let out = try e.run(PatchSet([try patch("enc.out@\(b + 10):\(b + 60)=zero", e)]), useMemo: false)
        #expect(out.work.encoderBlocks == [0, 0, 0, 0] && out.work.crossKVRows == b)
    }

    @Test func decoderPatchEvaluatesNoEncoderBlock() throws {
        let e = try engine()
        let run = try e.run(PatchSet([try patch("dec.2.cross_out@0:3=zero", e)]), useMemo: false)
        #expect(run.work.encoderBlocks.allSatisfy { $0 == 0 })
        #expect(run.work.crossKVRows == 0)
        #expect(run.work.decoderBlocks > 0)
    }

    @Test func togglingBackIsFreeAndBitExact() throws {
        let e = try engine()
        let set = PatchSet([try patch("enc.2.resid_post@0:80=noise:1:1", e)])
        let first = try e.run(set)
        let again = try e.run(set)
        #expect(again.work.layersEvaluated == 0 && again.work.crossKVRows == 0)
        #expect(again.tokens == first.tokens && again.cleanTokenLogprobs == first.cleanTokenLogprobs)
        let off = try e.run(PatchSet())
        #expect(off.work.layersEvaluated == 0)
        #expect(off.tokens == e.cleanTokens)
        #expect(off.cleanTokenLogprobs == e.clean.cleanTokenLogprobs)
        #expect(off.decoder.residPost == e.clean.decoder.residPost)
    }

    @Test func cleanPatchesChangeNothing() throws {
        let e = try engine()
        let run = try e.run(PatchSet([try patch("enc.2.resid_post@all=scale:1", e)]), useMemo: false)
        #expect(run.tokens == e.cleanTokens)
        #expect(run.encoderOut == e.clean.encoderOut)
    }

    @Test func aNewerRequestCancelsTheRunningOne() throws {
        let e = try engine()
        let set = PatchSet([try patch("enc.0.resid_pre@0:40=noise:1:77", e)])
        #expect(throws: CancellationError.self) { try e.run(set, useMemo: false, isCancelled: { true }) }
        #expect(try e.run(set, useMemo: false).tokens.count > 0)
    }

    @Test func theMemoBudgetCountsActivationsSharedWithTheCleanRunOnce() throws {
        let e = try Engine(model: TestSupport.model("tiny.en"), samples: AudioFile.load(Self.clip))
        let decoderOnly = try e.run(PatchSet([try patch("dec.3.mlp_out@2:4=zero", e)]))
        // The decoder-only run attends to the clean encoder output and keeps layers 0–2 of the
        // clean trace, so the memo holds far less than the run's matrices add up to.
        var alone = Footprint()
        alone.add(decoderOnly.matrices)
        #expect(e.memoBytes > 0)
        #expect(e.memoBytes <= alone.bytes - decoderOnly.encoderOut.data.count * 4)

        e.memoBudget = 3 * alone.bytes
        for start in stride(from: 0, to: 500, by: 100) {
            _ = try e.run(PatchSet([try patch("enc.2.resid_post@\(start):\(start + 50)=zero", e)]))
            #expect(e.memoBytes <= e.memoBudget)
        }
        #expect(e.memoCount >= 1 && e.memoCount < 6)
    }
}
