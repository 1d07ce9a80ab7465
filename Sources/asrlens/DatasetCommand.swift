import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens dataset synth OUT/`: a reproducible labelled set from espeak-ng, Flite and Festival.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Make labelled data sets for probes.",
        subcommands: [Synth.self])

    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Speak a labelled set: sentences.tsv (gender, rate, clean/noisy) and words.tsv (category), with espeak-ng, Flite and Festival.",
            discussion: "sentences.tsv: 12 sentences in 18 voices (espeak-ng en-us+m1..m5, +f1..f5; Flite kal, kal16, awb, rms, slt; Festival kal_diphone, ked_diphone, cmu_us_slt_arctic_hts; 7 female), with gender, rate, noise (clean/noisy), noise_type and snr_db. words.tsv: 60 words (fruit, clothing, animal) in a male and a female voice of each synthesizer. Both name each clip's speaker, voice, synthesizer, synth_version and text; dataset.json records the command and versions. The same command and synthesizer versions always write the same files.")

        @Argument(help: "The folder to write (created if missing).") var out: String
        @Option(name: .long, help: ArgumentHelp("A synthesizer to speak with; repeat for several (default: all three).", valueName: "espeak-ng|flite|festival"))
        var synth: [Synthesizer] = []

        @Flag(name: .long, help: "Replace a data set (or TSV files) already in the folder that another command made; its old clips are deleted.") var force = false

        func run() throws {
            guard !out.isEmpty else { throw InputError(out, "an empty path names no folder") }
            let url = URL(fileURLWithPath: out)
            let progress = Progress("dataset synth")
            let chosen = synth.isEmpty ? Synthesizer.allCases : Synthesizer.allCases.filter(synth.contains)
            try SyntheticSet.generate(into: url, synthesizers: chosen, command: Invocation.current, replace: force) { progress.update($0, of: $1) }
            print("wrote \(url.appendingPathComponent("sentences.tsv").path) and \(url.appendingPathComponent("words.tsv").path)")
        }
    }
}

extension Synthesizer: ExpressibleByArgument {}
