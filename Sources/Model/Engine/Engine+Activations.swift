import Foundation

extension Engine {
    /// The activations at `sites` in the run under `set` (the clean run when it is empty), as
    /// the lenses read them: encoder sites [frames, D] over the 30 s window (1,500 frames), decoder
    /// sites [prompt + clean tokens, D] from the teacher-forced pass, heads [rows, head width].
    /// A patched site holds the value after its patch. Computed from scratch with every patch
    /// applied where it sits, which the engine's incremental runs equal (EngineTests).
    public func activations(_ set: PatchSet, at sites: [Site]) throws -> [Site: Matrix] {
        let wanted = Set(sites)
        for p in set.patches { try prepare(p) }
        let applier = PatchApplier(headDim: model.hyper.headDim, tokenRow0: tokenRow0)
        let headDim = model.hyper.headDim
        var found: [Site: Matrix] = [:]
        /// Applies the set's patches at `site`, then keeps the value if it was asked for.
        func visit(_ site: Site, _ value: inout Matrix, firstRow: Int = 0) {
            for p in set.patches where p.site == site { applier.apply(p, to: &value, firstRow: firstRow, donor: donor(p)) }
            guard wanted.contains(site) else { return }
            // A head hook sees every head's context [rows, D]; a head site is its own columns.
            switch site.point {
            case .head(let h), .selfHead(let h), .crossHead(let h): found[site] = value.columns((h * headDim)..<((h + 1) * headDim))
            default: found[site] = value
            }
        }

        // Encoder: the embedding, then each block with its points visited in order.
        var x = model.encoder.embed(window)
        for (l, block) in model.encoder.blocks.enumerated() {
            visit(Site(.encoder, l, .residPre), &x)
            x = block(x, hook: { point, value in visit(Site(.encoder, l, point), &value) }, band: set.attentionWindow).residPost
        }
        var out = model.encoder.lnPost(x)
        visit(.encoderOut(layers: model.hyper.encoderLayers), &out)
        guard sites.contains(where: { $0.stack == .decoder }) else { return found }

        // Decoder: one teacher-forced pass over prompt + clean tokens, as `Run.decoder` holds.
        var cache = KVCache(layers: model.hyper.decoderLayers)
        _ = model.decoder(prompt + cleanTokens, cache: &cache, kv: model.decoder.crossKeysValues(out),
                          hook: { site, firstRow, value in visit(site, &value, firstRow: firstRow) })
        return found
    }
}
