import Foundation
import Testing
import Model

/// Free-running decoding after a patch verifies drafted tokens in batches; the tokens must be
/// exactly those of one greedy step at a time.
@Suite struct DraftDecodingTests {
    /// Every cell of a decoder `cross_out` sweep and whole-clip encoder patches that loop to the
    /// token cap, run with drafts and step by step on two engines: the same tokens, in fewer passes.
    @Test func batchedVerificationReturnsTheStepByStepGreedyTokens() throws {
        let model = try TestSupport.model("tiny.en")
        let samples = try AudioFile.load(TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0870.wav").path)
        let batched = try Engine(model: model, samples: samples)
        let stepwise = try Engine(model: model, samples: samples)
        stepwise.draftLength = 0
        let hyper = model.hyper, frames = batched.audioFrames
        var patches: [Patch] = []
        for l in 0..<hyper.decoderLayers {
            for start in stride(from: 0, to: batched.tokenPositions, by: 4) {
                patches.append(Patch(site: Site(.decoder, l, .crossOut), positions: .range(start..<min(start + 4, batched.tokenPositions)), source: .zero))
            }
        }
        for l in 0..<hyper.encoderLayers {
            for source: PatchSource in [.scale(3), .scale(-1), .noise(scale: 2, seed: 1)] {
                patches.append(Patch(site: Site(.encoder, l, .residPost), positions: .range(0..<frames), source: source))
            }
        }
        var capped = 0, diverged = 0, passesSaved = 0
        for patch in patches {
            let set = PatchSet([patch])
            let fast = try batched.run(set, useMemo: false), slow = try stepwise.run(set, useMemo: false)
            #expect(fast.tokens == slow.tokens, "\(patch): \(fast.text) ≠ \(slow.text)")
            if fast.tokens.count >= batched.tokenLimit { capped += 1 }
            if slow.work.decoderSteps > 0 { diverged += 1 }
            passesSaved += slow.work.decoderSteps - fast.work.decoderSteps
        }
        #expect(capped >= 2, "the patches must include runs that loop to the \(batched.tokenLimit)-token cap")
        #expect(diverged >= 20 && passesSaved > 0, "\(diverged) runs decoded freely; \(passesSaved) passes saved")
    }

    @Test func draftsFollowACycleOrRejoinTheCleanTranscript() {
        let clean = [10, 11, 12, 13, 14, 15]
        // A loop: the last tokens were seen one cycle ago, and the cycle continues.
        #expect(DraftTokens.propose(after: [1, 7, 8, 9, 7, 8, 9, 7, 8], clean: clean, count: 5) == [9, 7, 8, 9, 7])
        // A patched run that changed one word and rejoined the clean text.
        #expect(DraftTokens.propose(after: [10, 99, 12, 13], clean: clean, count: 3) == [14, 15])
        #expect(DraftTokens.propose(after: [10, 99, 98], clean: clean, count: 3) == [], "never seen: no draft")
        #expect(DraftTokens.propose(after: [7, 8, 7, 8], clean: clean, count: 0) == [])
    }
}
