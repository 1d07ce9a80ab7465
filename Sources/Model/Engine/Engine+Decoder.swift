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

        /// Per layer, per head: [rows, frames].
        var weights: [[Matrix]] {
            stride(from: 0, to: buffers.count, by: heads).map { start in
                (0..<heads).map { Matrix(rows: rows, cols: frames, data: Array(buffers[start + $0])) }
            }
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
    func finish(_ set: PatchSet, encoderOut: Matrix, kv: [Matrix], trace: DecoderTrace, hook: Decoder.Hook?,
                work: WorkCounters, isCancelled: () -> Bool) throws -> Run {
        var work = work
        let t = cleanTokens.count
        let eot = model.specials.eot
        let logits = model.decoder.logits(trace.residPost[trace.residPost.count - 1].rows(tokenRow0..<(tokenRow0 + t + 1)))
        var logprobs: [Float] = [], argmax: [Int] = []
        for s in 0...t {
            let lp = filteredLogprobs(Array(logits.data[(s * logits.cols)..<((s + 1) * logits.cols)]), step: s)
            logprobs.append(lp[s < t ? cleanTokens[s] : eot])
            argmax.append(GreedyDecoder.argmax(lp))
        }
        var tokens = cleanTokens
        if let d = (0...t).first(where: { argmax[$0] != (($0 < t) ? cleanTokens[$0] : eot) }) {
            tokens = Array(cleanTokens.prefix(d))
            if argmax[d] != eot {
                tokens.append(argmax[d])
                tokens += try continueDecoding(after: tokens, kv: kv, hook: hook, work: &work, isCancelled: isCancelled)
            }
        }
        return Run(patches: set, tokens: tokens, text: model.tokenizer.decode(tokens), decoder: trace,
                   cleanTokenLogprobs: logprobs, teacherForcedArgmax: argmax, encoderOut: encoderOut, work: work)
    }

    /// Greedy steps after a divergence. The shared prefix is re-run in one batch to fill the cache.
    private func continueDecoding(after generated: [Int], kv: [Matrix], hook: Decoder.Hook?, work: inout WorkCounters,
                                  isCancelled: () -> Bool) throws -> [Int] {
        let layers = model.hyper.decoderLayers
        let limit = min(GreedyDecoder.maxLength / 2, GreedyDecoder.maxLength - tokenRow0)
        var cache = KVCache(layers: layers)
        let prefix = prompt + generated.dropLast()
        _ = model.decoder(Array(prefix), cache: &cache, kv: kv, hook: hook)
        work.decoderBlocks += layers
        var input = generated.last!
        var out: [Int] = []
        var all = generated
        let filter = LogitFilter(specials: model.specials, suppress: model.config.suppressIDs,
                                 suppressAtBegin: model.config.suppressIDsBegin, timestamps: false, maxInitialTimestampIndex: 50)
        while all.count < limit {
            if isCancelled() { throw CancellationError() }
            var logits = model.decoder.logits(model.decoder([input], cache: &cache, kv: kv, hook: hook)).data
            work.decoderBlocks += layers
            work.decoderSteps += 1
            filter.apply(&logits, generated: all, sampleBegin: 0)
            let next = GreedyDecoder.argmax(FastMath.logSoftmax(logits))
            if next == model.specials.eot { break }
            out.append(next)
            all.append(next)
            input = next
        }
        return out
    }
}
