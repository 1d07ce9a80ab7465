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

    /// A patched run's transcript carries each token's own log-prob where greedy chose it (not
    /// the clean token's at that index): for encoder patches that leave the clean transcript,
    /// loops included, the tokens and log-probs of step-by-step greedy decoding on the patched
    /// encoder output, bit for bit; for the clean run, the clean tokens' teacher-forced log-probs.
    @Test func aRunsTokenLogprobsAreThoseOfItsOwnTokens() throws {
        let model = try TestSupport.model("tiny.en")
        let samples = try AudioFile.load(TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0870.wav").path)
        let engine = try Engine(model: model, samples: samples)
        let greedy = GreedyDecoder(decoder: model.decoder, specials: model.specials, config: model.config)
        #expect(engine.clean.tokenLogprobs == Array(engine.clean.cleanTokenLogprobs.prefix(engine.cleanTokens.count)))
        var diverged = 0
        for (l, source) in [(3, PatchSource.zero), (1, .scale(3)), (0, .noise(scale: 2, seed: 1)), (2, .scale(-1))] {
            let frames = l == 3 ? 100..<150 : 0..<engine.audioFrames
            let run = try engine.run(PatchSet([Patch(site: Site(.encoder, l, .residPost), positions: .range(frames), source: source)]), useMemo: false)
            let kv = model.decoder.blocks.map { $0.crossAttention.keysValues(run.encoderOut) }
            let reference = greedy.decode(prompt: engine.prompt, kv: kv, timestamps: false)
            #expect(run.tokens == reference.tokens, "enc.\(l) \(source): \(run.text)")
            let same = run.tokenLogprobs.map(\.bitPattern) == reference.logprobs.map(\.bitPattern)
            #expect(same, "enc.\(l) \(source): log-probs \(run.tokenLogprobs.prefix(8)) against \(reference.logprobs.prefix(8))")
            if run.tokens != engine.cleanTokens { diverged += 1 }
        }
        #expect(diverged >= 3, "the patches must change the transcript")
    }

    /// Every layer's activations and the logits of a token fed alone (a decoding step) are the
    /// bits of its row when the same tokens go through as one batch, on real audio, for tiny.en
    /// and base: verifying drafts in a batch cannot choose another token than a step would.
    @Test(arguments: ["tiny.en", "base"])
    func aDecodingStepGivesTheBitsOfItsRowInABatch(name: String) throws {
        let model = try TestSupport.model(name)
        let samples = try AudioFile.load(TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0870.wav").path)
        let engine = try Engine(model: model, samples: samples)
        let kv = engine.cleanKV
        let tokens = engine.prompt + engine.cleanTokens
        typealias Rows = [[UInt32]]
        func run(_ feeds: [[Int]]) -> (layers: [Rows], logits: Rows) {
            var cache = KVCache(layers: model.hyper.decoderLayers)
            var layers = [Rows](repeating: [], count: model.hyper.decoderLayers), logits: Rows = []
            for feed in feeds {
                let out = model.decoder(feed, cache: &cache, kv: kv, record: { l, _, o in
                    layers[l] += (0..<o.residPost.rows).map { o.residPost.rows($0..<($0 + 1)).data.map(\.bitPattern) }
                })
                let l = model.decoder.logits(out)
                logits += (0..<l.rows).map { l.rows($0..<($0 + 1)).data.map(\.bitPattern) }
            }
            return (layers, logits)
        }
        let batch = run([tokens]), steps = run(tokens.map { [$0] })
        let split = tokens.count / 3   // a prefix step by step, then the rest as one draft batch
        let mixed = run(tokens.prefix(split).map { [$0] } + [Array(tokens[split...])])
        // Compared as booleans: a failure names the first differing row, not every bit pattern.
        func firstDifference(_ a: Rows, _ b: Rows) -> Int? {
            (0..<max(a.count, b.count)).first { $0 >= a.count || $0 >= b.count || a[$0] != b[$0] }
        }
        for l in 0..<model.hyper.decoderLayers {
            let step = firstDifference(steps.layers[l], batch.layers[l]), draft = firstDifference(mixed.layers[l], batch.layers[l])
            #expect(step == nil, "decoder layer \(l): the step for token \(step ?? 0) differs from its batch row")
            #expect(draft == nil, "decoder layer \(l): row \(draft ?? 0) of a batch after steps differs")
        }
        let stepLogits = firstDifference(steps.logits, batch.logits), draftLogits = firstDifference(mixed.logits, batch.logits)
        #expect(stepLogits == nil && draftLogits == nil, "logits differ from row \(stepLogits ?? draftLogits ?? 0)")
        #expect(batch.logits.count == tokens.count && tokens.count > 20)
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
