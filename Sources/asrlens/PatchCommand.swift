import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens patch`: activation patching on one clip.
struct PatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch",
        abstract: "Patch activations and show how the transcript and the clean tokens' log-probs change.",
        discussion: """
        --patch SITE@POSITIONS=SOURCE, repeatable. SITE: enc.L.{resid_pre,attn_out,mlp_out,resid_post,head.H},
        enc.out, dec.L.{resid_pre,self_out,cross_out,mlp_out,resid_post,cross_head.H}. POSITIONS: all, A:B
        (half-open) or A; encoder frames are 20 ms, decoder positions are transcript token indices.
        SOURCE: zero, mean, noise:SCALE:SEED, silence, clip:PATH, scale:K.
        """
    )

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("patch"), help: "A patch, SITE@POSITIONS=SOURCE (repeatable).")
    var patches: [String] = []

    func validate() throws {
        guard !patches.isEmpty else { throw ValidationError("give at least one --patch SITE@POSITIONS=SOURCE") }
    }

    func run() throws {
        let engine = try clip.engine()
        let hyper = engine.model.hyper
        let set = PatchSet(try patches.map {
            try Patch.parse($0, hyper: hyper, frames: hyper.audioPositions, tokens: engine.tokenPositions)
        })
        for case .clip(let path) in set.patches.map(\.source) { _ = try AudioFile.load(path) }
        let run = try engine.run(set)
        let effect = PatchEffect(engine: engine, patched: run)
        let full = run.work.layersFull
        let table = LensReport.table(effect, tokenizer: engine.model.tokenizer)
        if output.resolved == .text {
            print("clean:    \(effect.clean.text.trimmingCharacters(in: .whitespaces))")
            print("patched:  \(effect.patched.text.trimmingCharacters(in: .whitespaces))")
            print(String(format: "wer %.3f  repetition %@  lens cells changed %d  layers evaluated %d of %d",
                         effect.wer, effect.repetition ? "yes" : "no", effect.changedCells.count, run.work.layersEvaluated, full))
            if let site = run.nonFinite {
                print("the patch blew the model up: activations are NaN or infinite from \(site) on, so the patched run has no transcript and no log-probs")
            }
            print("")
        }
        try output.emit(table, record: PatchEffectView(effect))
    }
}
