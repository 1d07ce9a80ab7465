import Analysis
import ArgumentParser
import Model

/// `asrlens patch`: activation patching on one clip.
struct PatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch",
        abstract: "Patch activations and show how the transcript and the clean tokens' log-probs change.",
        discussion: """
        --patch SITE@POSITIONS=SOURCE, repeatable. SITE: enc.L.{resid_pre,attn_out,mlp_out,resid_post,head.H}, \
        enc.out, dec.L.{resid_pre,self_out,cross_out,mlp_out,resid_post,self_head.H,cross_head.H}. POSITIONS: all, A:B \
        (half-open) or A; encoder frames are 20 ms, decoder positions are transcript token indices.

        SOURCE: zero, mean, noise:SCALE:SEED, silence, clip:PATH, scale:K, file:PATH:NAME (a tensor of an .npz or .safetensors file). --attention-window K alone or with patches: \
        every encoder layer's self-attention sees only the frames within ±K (20 ms each) of each frame.
        """
    )

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("patch"), help: "A patch, SITE@POSITIONS=SOURCE (repeatable).") var patches: [String] = []
    @OptionGroup var window: AttentionWindowOption

    func validate() throws { guard !patches.isEmpty || window.attentionWindow != nil else { throw ValidationError("give at least one --patch SITE@POSITIONS=SOURCE or an --attention-window") } }

    func run() throws {
        let engine = try clip.engine()
        let set = try engine.patchSet(patches, attentionWindow: window.attentionWindow)
        let run = try engine.run(set)
        let effect = PatchEffect(engine: engine, patched: run)
        // Every form carries the summary, and the file forms name the run, so a saved table says what it holds.
        let summary = LensReport.summary(effect).filter { !$0.isEmpty }
        if output.resolved == .text { for line in summary + [""] { print(line) } }
        try output.emit(LensReport.table(effect, tokenizer: engine.model.tokenizer), record: PatchEffectJSON(effect, language: engine.language, windowStart: engine.windowStart),
                        notes: summary, run: ViewData.label(against: set), of: engine)
    }
}

/// `--attention-window K` (`patch`, `sweep`): encoder self-attention restricted to ±K frames.
struct AttentionWindowOption: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Restrict encoder self-attention to ±K frames of each frame.", valueName: "K")) var attentionWindow: Int?
    func validate() throws {
        guard attentionWindow.map(PatchSet.attentionWindowRange.contains) ?? true else { throw InputError("--attention-window \(attentionWindow!)", "must be 0 to 1500 frames") }
    }
}

extension Engine {
    /// The patch set that `--patch` specs and `--attention-window` name on this clip; `clip:` and
    /// `file:` sources are read and checked now, so a bad one fails before any other work.
    func patchSet(_ specs: [String], attentionWindow: Int?) throws -> PatchSet {
        let hyper = model.hyper
        let set = PatchSet(try specs.map { try Patch.parse($0, hyper: hyper, frames: hyper.audioPositions, tokens: tokenPositions) }, attentionWindow: attentionWindow)
        for p in set.patches { try prepare(p) }
        return set
    }
}
