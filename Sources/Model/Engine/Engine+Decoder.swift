import Foundation

extension Engine {
    /// Collects cross-attention probabilities from concurrent heads. Each (layer, head) owns a
    /// raw buffer, so concurrent writers never touch shared Swift arrays.
    final class CrossWeightsCollector: @unchecked Sendable {
        let rows: Int, frames: Int, heads: Int
        private let buffers: [UnsafeMutableBufferPointer<Float>]

        init(layers: Int, heads: Int, rows: Int, frames: Int) {
            self.rows = rows
            self.frames = frames
            self.heads = heads
            buffers = (0..<(layers * heads)).map { _ in
                let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: rows * frames)
                b.initialize(repeating: 0)
                return b
            }
        }

        deinit { buffers.forEach { $0.deallocate() } }

        func store(_ layer: Int, _ head: Int, _ probs: UnsafeBufferPointer<Float>) {
            let dst = buffers[layer * heads + head]
            _ = UnsafeMutableBufferPointer(rebasing: dst[0..<min(dst.count, probs.count)]).initialize(from: probs)
        }

        /// One layer and head: [rows, frames].
        func matrix(_ layer: Int, _ head: Int) -> Matrix {
            Matrix(rows: rows, cols: frames, data: Array(buffers[layer * heads + head]))
        }

        /// Per layer, per head: [rows, frames].
        var weights: [[Matrix]] {
            (0..<(buffers.count / heads)).map { l in (0..<heads).map { matrix(l, $0) } }
        }
    }

    /// One batched decoder pass over prompt + clean tokens, keeping every activation.
    func teacherForced(kv: [Matrix], hook: Decoder.Hook?, counters: inout WorkCounters) -> (DecoderTrace, KVCache) {
        let tokens = prompt + cleanTokens
        let layers = model.hyper.decoderLayers
        let collector = CrossWeightsCollector(layers: layers, heads: model.hyper.decoderHeads, rows: tokens.count, frames: kv[0].rows)
        var trace = DecoderTrace(residPre: [], selfOut: [], crossOut: [], mlpOut: [], residPost: [], crossWeights: [])
        var cache = KVCache(layers: layers)
        _ = model.decoder(tokens, cache: &cache, kv: kv, hook: hook,
                          crossWeights: { collector.store($0, $1, $2) },
                          record: { _, residPre, out in
                              trace.residPre.append(residPre)
                              trace.selfOut.append(out.selfOut)
                              trace.crossOut.append(out.crossOut)
                              trace.mlpOut.append(out.mlpOut)
                              trace.residPost.append(out.residPost)
                          })
        counters.decoderBlocks += layers
        trace.crossWeights = collector.weights
        return (trace, cache)
    }

    /// The teacher-forced pass for a set of decoder patches only. Layers below the first patched
    /// layer are those of the clean pass, so only the blocks from that layer on run. They run on
    /// every row, exactly as a full pass would, so the result is bit-identical to one; rows before
    /// the first patched row are unchanged (the decoder is causal), which `finish` exploits.
    /// Returns the trace, the cache, and the first patched row.
    func teacherForcedFromFirstPatch(_ set: PatchSet, hook: Decoder.Hook?, counters: inout WorkCounters)
        -> (DecoderTrace, KVCache, Int) {
        let patches = set.patches
        let firstLayer = patches.map(\.site.layer).min() ?? 0
        let applier = PatchApplier(headDim: model.hyper.headDim, tokenRow0: tokenRow0)
        let rows = prompt.count + cleanTokens.count
        let firstRow = patches.map { p -> Int in
            let r = applier.rows(p, valueRows: rows, firstRow: 0)
            return r.isEmpty ? rows : r.lowerBound
        }.min() ?? rows
        var trace = clean.decoder
        var cache = cleanCache
        guard firstRow < rows else { return (trace, cache, rows) }
        let span = 0..<rows
        for l in firstLayer..<model.hyper.decoderLayers { cache.layers[l].truncate(to: 0) }
        let heads = model.hyper.decoderHeads
        let collector = CrossWeightsCollector(layers: model.hyper.decoderLayers, heads: heads, rows: span.count, frames: cleanKV[0].rows)
        var x = trace.residPre[firstLayer].rows(span)
        for l in firstLayer..<model.hyper.decoderLayers {
            hook?(Site(.decoder, l, .residPre), 0, &x)
            let blockHook: BlockHook? = hook.map { h in { point, value in h(Site(.decoder, l, point), 0, &value) } }
            let out = model.decoder.blocks[l](x, cache: &cache.layers[l], kv: cleanKV[l],
                                              crossWeights: { collector.store(l, $0, $1) }, hook: blockHook)
            trace.residPre[l].replaceRows(span, with: x)
            trace.selfOut[l].replaceRows(span, with: out.selfOut)
            trace.crossOut[l].replaceRows(span, with: out.crossOut)
            trace.mlpOut[l].replaceRows(span, with: out.mlpOut)
            trace.residPost[l].replaceRows(span, with: out.residPost)
            for h in 0..<heads { trace.crossWeights[l][h].replaceRows(span, with: collector.matrix(l, h)) }
            x = out.residPost
            counters.decoderBlocks += 1
        }
        return (trace, cache, firstRow)
    }

    /// Applies the decoder patches of a set wherever their rows pass through (batch or step).
    func decoderHook(_ set: PatchSet) -> Decoder.Hook? {
        let patches = set.patches.filter { $0.site.stack == .decoder }
        guard !patches.isEmpty else { return nil }
        let applier = PatchApplier(headDim: model.hyper.headDim, tokenRow0: tokenRow0)
        let donors = patches.map { donor($0) }
        return { site, firstRow, value in
            for (p, d) in zip(patches, donors) where p.site == site {
                applier.apply(p, to: &value, firstRow: firstRow, donor: d)
            }
        }
    }

    /// The decoding rules applied to one teacher-forced step's logits.
    public func filteredLogprobs(_ logits: [Float], step: Int) -> [Float] {
        var l = logits
        let filter = LogitFilter(specials: model.specials, suppress: model.config.suppressIDs,
                                 suppressAtBegin: model.config.suppressIDsBegin, timestamps: false,
                                 maxInitialTimestampIndex: 50)
        filter.apply(&l, generated: Array(cleanTokens.prefix(step)), sampleBegin: 0)
        return FastMath.logSoftmax(l)
    }

    /// Turns a teacher-forced pass into a run: log-probs of the clean tokens, and the free-running
    /// transcript, which follows the clean tokens up to the first step whose greedy choice differs
    /// and is decoded step by step (patches still applied) from there.
    /// Rows before `firstRow` are unchanged from `previous`, whose log-probs are reused.
    func finish(_ set: PatchSet, encoderOut: Matrix, kv: [Matrix], trace: DecoderTrace, cache: KVCache, firstRow: Int,
                previous: Run?, hook: Decoder.Hook?, work: WorkCounters, isCancelled: () -> Bool,
                until: (([Int]) -> Bool)? = nil) throws -> Run {
        var work = work
        let t = cleanTokens.count
        let eot = model.specials.eot
        if let site = Self.firstNonFinite(encoderOut: encoderOut, trace: trace) {
            return Run(patches: set, tokens: [], tokenLogprobs: [], text: "", decoder: trace,
                       cleanTokenLogprobs: [Float](repeating: .nan, count: t + 1), teacherForcedArgmax: [Int](repeating: eot, count: t + 1),
                       encoderOut: encoderOut, work: work, nonFinite: site)
        }
        let firstStep = previous == nil ? 0 : min(t + 1, max(0, firstRow - tokenRow0))
        var logprobs = Array(previous?.cleanTokenLogprobs.prefix(firstStep) ?? [])
        var argmax = Array(previous?.teacherForcedArgmax.prefix(firstStep) ?? [])
        var argmaxLogprob: [Int: Float] = [:]   // greedy's choice at each recomputed step
        if firstStep <= t {
            // Only the steps from the first changed one: a row's logits are the same bits whichever
            // other rows are computed with it (`rows_dot`), so skipping unchanged rows stays exact.
            let residual = trace.residPost[trace.residPost.count - 1]
            let logits = model.decoder.logits(residual.rows((tokenRow0 + firstStep)..<(tokenRow0 + t + 1)))
            // Each step's log-softmax is its own row's, so the steps are scored across cores.
            let scored = Parallel.map(t + 1 - firstStep, minimumPerChunk: 2) { i -> (clean: Float, best: Int, bestLogprob: Float) in
                let s = firstStep + i
                let lp = filteredLogprobs(Array(logits.data[(i * logits.cols)..<((i + 1) * logits.cols)]), step: s)
                let best = GreedyDecoder.argmax(lp)
                return (lp[s < t ? cleanTokens[s] : eot], best, lp[best])
            }
            for (i, step) in scored.enumerated() {
                logprobs.append(step.clean)
                argmax.append(step.best)
                argmaxLogprob[firstStep + i] = step.bestLogprob
            }
        }
        var tokens = cleanTokens, tokenLogprobs = Array(logprobs.prefix(t))
        // A clean transcript that stopped at the length cap never predicted EOT: the step after
        // its last token is not a choice greedy decoding made, so it is not compared.
        let compared = t < tokenLimit ? t : t - 1
        if compared >= 0, let d = (0...compared).first(where: { argmax[$0] != (($0 < t) ? cleanTokens[$0] : eot) }) {
            // A divergence is always at a recomputed step: the steps before `firstStep` are the
            // clean run's, where greedy chose the clean tokens.
            tokens = Array(cleanTokens.prefix(d))
            tokenLogprobs = Array(logprobs.prefix(d))
            if argmax[d] != eot {
                tokens.append(argmax[d])
                tokenLogprobs.append(argmaxLogprob[d] ?? .nan)
                if let until, until(tokens) {
                    return Run(patches: set, tokens: tokens, tokenLogprobs: tokenLogprobs, text: model.tokenizer.decode(tokens), decoder: trace,
                               cleanTokenLogprobs: logprobs, teacherForcedArgmax: argmax, encoderOut: encoderOut, work: work)
                }
                var resume = cache
                resume.truncate(to: tokenRow0 + d + 1)
                let more = try continueDecoding(after: tokens, cache: resume, kv: kv, hook: hook, work: &work, isCancelled: isCancelled, until: until)
                tokens += more.tokens
                tokenLogprobs += more.logprobs
            }
        }
        return Run(patches: set, tokens: tokens, tokenLogprobs: tokenLogprobs, text: model.tokenizer.decode(tokens), decoder: trace,
                   cleanTokenLogprobs: logprobs, teacherForcedArgmax: argmax, encoderOut: encoderOut, work: work)
    }

    /// The first place a run's activations are not finite: the encoder output (which every
    /// encoder patch reaches), else the first decoder layer whose residual stream is not.
    static func firstNonFinite(encoderOut: Matrix, trace: DecoderTrace) -> String? {
        if !encoderOut.isFinite { return "the encoder output" }
        return trace.residPost.firstIndex { !$0.isFinite }.map { Site(.decoder, $0, .residPost).description }
    }

    /// Greedy decoding after a divergence, from the teacher-forced cache of the shared prefix.
    /// Each pass feeds the last token and a draft of the next ones (`DraftTokens`), and keeps the
    /// longest prefix of the draft that greedy decoding chooses, plus greedy's own next token: the
    /// tokens are those of one step at a time, in fewer passes when the draft is right (loops).
    private func continueDecoding(after generated: [Int], cache: KVCache, kv: [Matrix], hook: Decoder.Hook?,
                                  work: inout WorkCounters, isCancelled: () -> Bool, until: (([Int]) -> Bool)?) throws -> (tokens: [Int], logprobs: [Float]) {
        let layers = model.hyper.decoderLayers, vocabulary = model.decoder.vocabularySize
        let limit = tokenLimit
        var cache = cache
        var input = generated.last!
        var out: [Int] = [], outLogprobs: [Float] = []
        var all = generated
        let filter = LogitFilter(specials: model.specials, suppress: model.config.suppressIDs,
                                 suppressAtBegin: model.config.suppressIDsBegin, timestamps: false, maxInitialTimestampIndex: 50)
        decoding: while all.count < limit {
            if isCancelled() { throw CancellationError() }
            let draft = DraftTokens.propose(after: all, clean: cleanTokens, count: min(draftLength, limit - all.count - 1))
            let fed = cache.count
            let logits = model.decoder.logits(model.decoder([input] + draft, cache: &cache, kv: kv, hook: hook))
            work.decoderBlocks += layers
            work.decoderSteps += 1
            for j in 0...draft.count {
                var row = Array(logits.data[(j * vocabulary)..<((j + 1) * vocabulary)])
                filter.apply(&row, generated: all, sampleBegin: 0)
                let lp = FastMath.logSoftmax(row)
                let next = GreedyDecoder.argmax(lp)
                if next == model.specials.eot { break decoding }
                out.append(next)
                outLogprobs.append(lp[next])
                all.append(next)
                if let until, until(all) { break decoding }
                if all.count >= limit { break decoding }
                if j < draft.count && next == draft[j] { continue }
                // Rows after the first wrong guess saw tokens greedy did not choose.
                cache.truncate(to: fed + 1 + j)
                input = next
                break
            }
        }
        return (out, outLogprobs)
    }
}
