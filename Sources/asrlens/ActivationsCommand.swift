import Analysis
import Foundation
import ArgumentParser
import Model

/// `asrlens activations CLIP --site SPEC… --out FILE`: activations for notebooks.
struct ActivationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activations",
        abstract: "Write the activations at named sites, clean or patched, as .safetensors or .npz for NumPy and PyTorch.",
        discussion: """
            --site takes the site grammar (enc.3.resid_post, enc.out, dec.1.cross_head.2) or a pattern with * \
            (enc.*.resid_post, dec.*); repeatable. Encoder tensors are [1500 frames, D] over the 30 s window, decoder \
            tensors [prompt + clean tokens, D] from the teacher-forced pass, heads [rows, head width]: the values the \
            lenses read. The file also holds `tokens` and `prompt`, and metadata (model, frames, transcripts, patches). \
            The format follows --out's extension (.npz, else safetensors) unless --format says.
            """)

    @OptionGroup var clip: ClipOptions
    @Option(name: .customLong("site"), help: "A site or a pattern with * (repeatable).") var sites: [String] = []
    @Option(name: .customLong("patch"), help: "A patch, SITE@POSITIONS=SOURCE (repeatable).") var patches: [String] = []
    @OptionGroup var window: AttentionWindowOption
    @Option(help: "safetensors or npz (default: from --out's extension).") var format: ActivationExport.Format?
    @Option(help: ArgumentHelp("The file to write.", valueName: "FILE")) var out: String

    func validate() throws { guard !sites.isEmpty else { throw ValidationError("give at least one --site (enc.3.resid_post, enc.*.resid_post, …)") } }

    func run() throws {
        try AtomicFile.checkWritable(out)   // before any work
        // A name whose extension says the other format is written as asked, with a word.
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        if let format, let named = ActivationExport.Format(rawValue: ext), named != format {
            Warnings.report(out, "written as \(format.rawValue) (--format), though its name says \(named.rawValue)")
        }
        let engine = try clip.engine()
        let export = try ActivationExport(engine: engine, set: try engine.patchSet(patches, attentionWindow: window.attentionWindow), patterns: sites)
        let size = try export.write(to: out, format: format)
        let names = export.tensors.dropLast(2).map(\.name)
        guard AtomicFile.descriptor(out) != 2 else { return }   // the archive is on stderr: a line there would corrupt it
        StandardError.write("asrlens: wrote \(names.count) site\(names.count == 1 ? "" : "s") (\(names.prefix(4).joined(separator: ", "))\(names.count > 4 ? ", …" : "")) "
                            + "to \(out), \(size / 1024) KiB\n")
    }
}

extension ActivationExport.Format: ExpressibleByArgument {}
