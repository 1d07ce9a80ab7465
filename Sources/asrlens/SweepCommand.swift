import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens sweep FILE --component C --window N --source S`, or `--heads`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Patch one component at every layer and time window, or ablate every decoder head; show the effect per cell.",
        discussion: """
            Encoder components (resid_post, attn_out, mlp_out, resid_pre) sweep windows of encoder frames (20 ms); \
            decoder components (self_out, cross_out) sweep windows of transcript tokens. --heads instead patches every \
            decoder cross-attention and self-attention head alone over all tokens (source zero by default) and ranks them. \
            Every cell equals `asrlens patch --patch` with the cell's patch; the sweep computes the clean run and the \
            reference once and starts each patched run at its layer, and reports the blocks it evaluated against running \
            each cell separately. With --shard i/n it runs cells i, i+n, … and writes a JSONL part for `asrlens merge`. \
            --attention-window K adds to every cell encoder self-attention restricted to ±K frames, and states what \
            that alone does to the transcript.
            """)

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, help: "resid_post, attn_out, mlp_out, resid_pre (encoder) or self_out, cross_out (decoder); default resid_post.") var component: String?

    @Option(name: .long, parsing: .unconditional, help: "Window width: encoder frames, or tokens for decoder components; default 50.") var window: Int?
    @Flag(name: .long, help: "Ablate every decoder cross- and self-attention head, one at a time, and rank them.") var heads = false
    @Option(name: .long, help: "Patch source: zero, mean, noise:SCALE:SEED, silence, clip:PATH, scale:K, file:PATH:NAME (default: silence; zero with --heads).") var source: String?

    @Option(name: .long, help: "transcript (decode each patched run: WER, loops, text) or logprob (mean |Δ log-prob| only, no decoding).") var metric: Sweep.Metric = .transcript
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var attention: AttentionWindowOption

    func validate() throws {
        // A head sweep patches whole heads over all tokens: a component or a window would be ignored.
        if heads, let component { throw InputError("--component \(component)", "--heads ablates whole heads; drop --component") }
        if heads, let window { throw InputError("--window \(window)", "--heads patches all tokens; drop --window") }
        if let window { try require("--window", window, atLeast: 1) }
        _ = try point()
        try sharding.refuse(format: output.resolved)
    }

    /// The `--component` as a site point.
    func point() throws -> Site.Point {
        let name = component ?? "resid_post"
        guard let p = Sweep.component(named: name) else {
            let names = Sweep.components.map(\.name)
            throw InputError("--component \(name)", "unknown component\(Suggestion.didYouMean(name, among: names)) (allowed: \(names.joined(separator: ", ")))")
        }
        return p
    }

    func run() throws {
        let source = try PatchSource.parse(self.source ?? (heads ? "zero" : "silence"))
        if case .clip(let path) = source { _ = try AudioFile.load(path) }
        let part = try sharding.part
        let engine = try clip.engine()
        let kind: Sweep.Kind = heads ? .heads : .component(try point(), window: window ?? 50)
        if let window, case let span = Sweep.span(kind, engine: engine), !heads, window >= span, span > 1 {
            // Not refused (one cell a layer is a fair question), but seldom what was meant.
            Warnings.report("--window \(window)", "covers all \(span) \(Sweep.isDecoderSide(kind) ? "token positions" : "encoder frames that hold audio"): one cell a layer")
        }
        let progress = Progress(heads ? "sweep heads" : "sweep \(component ?? "resid_post")")
        let started = Date()
        let sweep = try Sweep(engine: engine, kind: kind, source: source, metric: metric, attentionWindow: attention.attentionWindow, owns: { part?.owns($0) ?? true }) { progress.update($0, of: $1) }
        let report = SweepReport(sweep: sweep, model: engine.model.name, clip: clip.file, windowSHA256: SweepReport.digest(of: engine), windowStart: engine.windowStart,
                                 seconds: Date().timeIntervalSince(started))
        if let part {
            try PartFile.write(kind: "sweep", shard: part, header: report.header, records: sweep.cells.map(SweepReport.Record.init),
                               seconds: report.seconds, model: engine.model, to: sharding.out)
            return
        }
        try output.show(report)
    }
}

extension Sweep.Metric: ExpressibleByArgument {}
