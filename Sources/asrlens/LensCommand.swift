import Analysis
import ArgumentParser

/// `asrlens lens`: the decoder logit-lens grid.
struct LensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lens",
        abstract: "Logit lens: every decoder layer's top-1 token and the final token's probability, per transcript token.",
        discussion: """
        Rows are the embedding layer, then each decoder block. Cell t predicts transcript token t, read at
        the position before it; the last column predicts EOT. A * marks the saturation layer. The decoding
        rules (suppressed tokens) are applied, so the last row equals the greedy transcript.
        """
    )

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let engine = try clip.engine()
        let lens = LogitLens(engine: engine, run: engine.clean)
        let tok = engine.model.tokenizer
        try output.emit(LensReport.table(lens, tokenizer: tok), record: LensJSON(lens, tokenizer: tok, language: engine.language))
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
        try output.emit(LensReport.table(lens), record: EncoderLensJSON(lens, language: engine.language))
    }
}
