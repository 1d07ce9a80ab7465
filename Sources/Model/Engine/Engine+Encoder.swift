import Foundation

extension Engine {
    /// A full encoder pass that keeps every activation.
    static func encodeFully(_ model: WhisperModel, _ window: Matrix, counters: inout WorkCounters) -> EncoderTrace {
        var x = model.encoder.embed(window)
        var trace = EncoderTrace(residPre: [], attnOut: [], mlpOut: [], residPost: [], out: x)
        for (l, block) in model.encoder.blocks.enumerated() {
            let out = block(x)
            counters.encoderBlocks[l] += 1
            trace.residPre.append(x)
            trace.attnOut.append(out.attnOut)
            trace.mlpOut.append(out.mlpOut)
            trace.residPost.append(out.residPost)
            x = out.residPost
        }
        trace.out = model.encoder.lnPost(x)
        return trace
    }

    /// The encoder output and cross K/V under the encoder patches of a set.
    ///
    /// Starts from the clean residual stream at the first patched layer. A block whose input is
    /// still clean and whose patches all sit after its attention is recomputed row by row, and
    /// when no attention runs after a patch only the dirty rows of ln_post and cross K/V are redone.
    func encode(_ set: PatchSet, incremental: Bool, counters: inout WorkCounters,
                isCancelled: () -> Bool) throws -> (Matrix, [Matrix]) {
        let patches = set.patches.filter { $0.site.stack == .encoder }
        let band = set.attentionWindow
        guard !patches.isEmpty || band != nil || !incremental else { return (cleanEncoder.out, cleanKV) }
        let n = model.hyper.encoderLayers
        let frames = cleanEncoder.out.rows
        // Localised attention changes every layer, so it starts from the embedding.
        let first = incremental && band == nil ? (patches.map(\.site.layer).min() ?? n) : 0
        var x = first < n ? cleanEncoder.residPre[first] : cleanEncoder.out
        if !incremental { x = model.encoder.embed(window) }
        var dirty = incremental ? RowSet.none(frames) : RowSet.all(frames)
        let applier = PatchApplier(headDim: model.hyper.headDim, tokenRow0: tokenRow0)

        for l in first..<n {
            if isCancelled() { throw CancellationError() }
            let here = patches.filter { $0.site.layer == l && $0.site.point != .out }
            for p in here where p.site.point == .residPre {
                dirty.insert(applier.apply(p, to: &x, firstRow: 0, donor: donor(p)))
            }
            let perRow = here.allSatisfy { [.attnOut, .mlpOut, .residPost].contains($0.site.point) }
            if incremental && band == nil && dirty.isEmpty && perRow && !here.isEmpty {
                x = try blockByRows(l, here, dirty: &dirty, applier: applier, counters: &counters)
            } else {
                let block = model.encoder.blocks[l]
                let hook: BlockHook? = here.isEmpty ? nil : { point, value in
                    for p in here where p.site.point == point {
                        applier.apply(p, to: &value, firstRow: 0, donor: self.donor(p))
                    }
                }
                x = block(x, hook: hook, band: band).residPost
                counters.encoderBlocks[l] += 1
                dirty = .all(frames)
            }
        }
        var out: Matrix
        if first == n {
            out = cleanEncoder.out
        } else if dirty.isAll {
            out = model.encoder.lnPost(x)
        } else {
            out = cleanEncoder.out
            let rows = dirty.rows
            out.scatter(model.encoder.lnPost(x.gather(rows)), to: rows)
        }
        for p in patches where p.site.point == .out {
            dirty.insert(applier.apply(p, to: &out, firstRow: 0, donor: donor(p)))
        }
        if dirty.isAll {
            counters.crossKVRows += frames
            return (out, model.decoder.crossKeysValues(out))
        }
        // Whole aligned row blocks, so each recomputed row is bit-identical to a full pass.
        let blocks = dirty.blocks
        counters.crossKVRows += blocks.reduce(0) { $0 + $1.count }
        // A layer's few blocks are one BLAS call on one core, so the layers go across cores.
        let decoderBlocks = model.decoder.blocks
        let kv = Parallel.map(decoderBlocks.count) { l -> Matrix in
            var kv = cleanKV[l]
            for b in blocks { kv.replaceRows(b, with: decoderBlocks[l].crossAttention.keysValues(out.rows(b))) }
            return kv
        }
        return (out, kv)
    }

    /// Block `l` with a clean input and patches only after its attention: the attention output is
    /// the clean one, so only the patched rows of the MLP and residual are recomputed.
    private func blockByRows(_ l: Int, _ here: [Patch], dirty: inout RowSet, applier: PatchApplier,
                             counters: inout WorkCounters) throws -> Matrix {
        let frames = cleanEncoder.out.rows
        var attnOut = cleanEncoder.attnOut[l]
        var changed = RowSet.none(frames)
        for p in here where p.site.point == .attnOut {
            changed.insert(applier.apply(p, to: &attnOut, firstRow: 0, donor: donor(p)))
        }
        var mlpOut = cleanEncoder.mlpOut[l]
        for b in changed.blocks {
            let mid = cleanEncoder.residPre[l].rows(b) + attnOut.rows(b)
            mlpOut.replaceRows(b, with: model.encoder.blocks[l].mlp(mid))
            counters.encoderPartialRows += b.count
        }
        for p in here where p.site.point == .mlpOut {
            changed.insert(applier.apply(p, to: &mlpOut, firstRow: 0, donor: donor(p)))
        }
        var residPost = cleanEncoder.residPost[l]
        let rowsM = changed.rows
        if !rowsM.isEmpty {
            residPost.scatter(cleanEncoder.residPre[l].gather(rowsM) + attnOut.gather(rowsM) + mlpOut.gather(rowsM), to: rowsM)
        }
        for p in here where p.site.point == .residPost {
            changed.insert(applier.apply(p, to: &residPost, firstRow: 0, donor: donor(p)))
        }
        dirty.formUnion(changed)
        return residPost
    }

    // MARK: - Sources

    /// Builds (once) the run a silence, clip or samples source copies from.
    func prepareReference(_ source: PatchSource, counters: inout WorkCounters) throws {
        guard let key = ReferenceRun(source), key != .clean else { return }
        lock.lock(); let have = references[key] != nil; lock.unlock()
        if have { return }
        let audio: ClipAudio
        switch source {
        case .silence:
            // Silence as long as the clip, up to one window: every frame of silence has the
            // same features, so more would change nothing but the memory it takes.
            let samples = [Float](repeating: 0, count: max(1, min(sampleCount, Transcriber.framesPerWindow * LogMel.hop)))
            audio = ClipAudio(samples: samples, nMels: model.hyper.nMels)
        case .clip(let path):
            audio = try ClipAudio.open(path, nMels: model.hyper.nMels)
        case .samples(let s):
            audio = ClipAudio(samples: s.samples, nMels: model.hyper.nMels, name: s.name)
        case .zero, .mean, .noise, .scale, .file:
            return
        }
        let encoder = Self.encodeFully(model, try audio.window(at: 0).features, counters: &counters)
        let kv = model.decoder.crossKeysValues(encoder.out)
        counters.crossKVRows += encoder.out.rows
        let (decoder, _) = teacherForced(kv: kv, hook: nil, counters: &counters)
        lock.lock()
        references[key] = Reference(encoder: encoder, kv: kv, decoder: decoder)
        lock.unlock()
    }

    /// The row source of a patch: the reference's value at the same site, the clean mean, or a file's tensor.
    func donor(_ p: Patch) -> ((Int) -> ArraySlice<Float>?)? {
        if case .file = p.source { return fileDonor(p) }
        guard let key = ReferenceRun(p.source), let value = referenceValue(key, p.site) else { return nil }
        if case .mean = p.source {
            let rows = p.site.stack == .encoder ? 0..<min(audioFrames, value.rows) : tokenRow0..<value.rows
            var mean = [Float](repeating: 0, count: value.cols)
            for r in rows { for c in 0..<value.cols { mean[c] += value[r, c] } }
            let scale = 1 / Float(max(rows.count, 1))
            let slice = ArraySlice(mean.map { $0 * scale })
            return { _ in slice }
        }
        return { row in row < value.rows ? value.data[(row * value.cols)..<((row + 1) * value.cols)] : nil }
    }

    /// A reference run's value at a site, computing per-head contexts on demand.
    func referenceValue(_ key: ReferenceRun, _ site: Site) -> Matrix? {
        lock.lock()
        guard let ref = references[key] else { lock.unlock(); return nil }
        lock.unlock()
        switch (site.stack, site.point) {
        case (.encoder, .head):
            return model.encoder.blocks[site.layer].attention.context(ref.encoder.residPre[site.layer])
        case (.decoder, .selfHead):
            var cache = KVCache.Layer()
            return model.decoder.blocks[site.layer].selfAttention.context(ref.decoder.residPre[site.layer], cache: &cache)
        case (.decoder, .crossHead):
            let afterSelf = ref.decoder.residPre[site.layer] + ref.decoder.selfOut[site.layer]
            return model.decoder.blocks[site.layer].crossAttention.context(afterSelf, kv: ref.kv[site.layer])
        case (.encoder, _):
            return ref.encoder.value(site)
        case (.decoder, _):
            return ref.decoder.value(site)
        }
    }
}
