import Analysis
import ArgumentParser

/// `asrlens lens`: the decoder logit-lens grid.
struct LensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lens",
        abstract: "Logit lens: every decoder layer's top-1 token and the final token's probability, per transcript token.",
        discussion: """
        Rows are the embedding layer, then each decoder block. Cell t predicts transcript token t, read at \
        the position before it; the last column predicts EOT. A * marks the saturation layer. The decoding \
        rules are applied at every layer, as greedy decoding applies them (the model's suppressed tokens, and at the \
        first position the blank and EOT), so the last row equals the greedy transcript; --raw reads the raw logit \
        lens instead, the softmax over every token (decoding_rules false in --json). When the transcript \
        stops at the 224-token cap, greedy never chose EOT: the last column then predicts the token greedy would \
        have chosen next, marked "(past the cap)" (in --json, capped is true).

        In --json, layers are numbered as rows from the embedding: layer 0 is the embedding and layer k is decoder \
        block k - 1 (dec.(k-1), row k - 1 of the text table); each layer's name gives the text table's row label, \
        and saturation holds these row numbers.

        --format tsv writes one row per cell, for data tools: layer (emb, 0, 1, …: decoder blocks, as in the text \
        table), position, target_id and target (the token the column predicts), top1_id and top1, target_prob, \
        target_rank (0 = top-1), saturation_layer (yes at the * cell) and past_cap (yes for the column past the cap).
        """
    )

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "The raw logit lens: a softmax over every token, without the decoding rules that make the last row the transcript.")
    var raw = false

    func run() throws {
        let engine = try clip.engine()
        let lens = LogitLens(engine: engine, run: engine.clean, decodingRules: !raw)
        let tok = engine.model.tokenizer
        let notes = raw ? ["raw logit lens: no decoding rules, so the last row need not be the transcript"] : []
        try output.emit(LensReport.table(lens, tokenizer: tok), record: LensJSON(lens, tokenizer: tok, language: engine.language), notes: notes, of: engine)
    }
}

/// `asrlens encoder-lens`: one greedy transcript per encoder layer.
struct EncoderLensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encoder-lens",
        abstract: "Encoder lens: the transcript the unchanged decoder reads from each encoder layer's output.")

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Skip the encoder's final LayerNorm (ln_post).") var noLnPost = false

    func run() throws {
        let engine = try clip.engine()
        let lens = EncoderLens(engine: engine, lnPost: !noLnPost)
        // Text is read on a terminal: a loop's 224 tokens fold as the explorer folds them.
        try output.emit(LensReport.table(lens, tokenizer: engine.model.tokenizer, foldLoops: output.resolved == .text), record: EncoderLensJSON(lens, language: engine.language), of: engine)
    }
}
