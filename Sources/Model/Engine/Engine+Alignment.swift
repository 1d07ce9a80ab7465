extension Engine {
    /// The clean transcript's text tokens, as faster-whisper aligns them to words: a special
    /// token decoded mid-text (a language token such as `<|de|>`) is left out, so it is no word
    /// and takes no share of the times.
    public var alignmentTokens: [Int] { cleanTokens.filter { $0 < model.specials.eot } }

    /// Cross-attention probabilities of `heads` in a teacher-forced pass over prompt + the clean
    /// transcript's text tokens (`alignmentTokens`) + EOT under `run`'s patches: per head
    /// `[prompt + T + 1, frames]`, row r the query at sequence position r. CTranslate2's `align`
    /// feeds this sequence, EOT included, and normalises word-alignment weights over all of its
    /// rows, so the EOT query's row, which a run's own trace lacks, is computed here. (A decoder
    /// patch keeps its positions in this sequence; they shift only after a special token left out.)
    public func alignmentAttention(_ run: Run, heads: [(layer: Int, head: Int)]) -> [Matrix] {
        let kv = run.encoderOut.data == cleanEncoder.out.data ? cleanKV : model.decoder.crossKeysValues(run.encoderOut)
        let tokens = prompt + alignmentTokens + [model.specials.eot]
        let layers = model.hyper.decoderLayers
        let collector = CrossWeightsCollector(layers: layers, heads: model.hyper.decoderHeads, rows: tokens.count, frames: kv[0].rows)
        var cache = KVCache(layers: layers)
        _ = model.decoder(tokens, cache: &cache, kv: kv, hook: decoderHook(run.patches), crossWeights: { collector.store($0, $1, $2) })
        return heads.map { collector.matrix($0.layer, $0.head) }
    }
}
