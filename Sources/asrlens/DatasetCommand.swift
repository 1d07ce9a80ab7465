import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens dataset synth OUT/`: a reproducible labelled set from espeak-ng.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Make labelled data sets for probes.",
        subcommands: [Synth.self])

    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "synth",
            abstract: "Speak a labelled set with espeak-ng: sentences.tsv (gender, rate, clean/noisy) and words.tsv (category).",
            discussion: """
                sentences.tsv: 12 sentences x 10 voices (en-us+m1..m5, +f1..f5); columns gender, rate (slow/normal/fast), \
                noise (clean/noisy), noise_type (white/babble), snr_db (0/5/10). words.tsv: 60 words (fruit, clothing, animal) \
                x 2 voices; columns category, word, gender. The same command always writes the same files.
                """)

        @Argument(help: "The folder to write (created if missing).") var out: String

        func run() throws {
            let url = URL(fileURLWithPath: out)
            let progress = Progress("dataset synth")
            try SyntheticSet.generate(into: url) { progress.update($0, of: $1) }
            print("wrote \(url.appendingPathComponent("sentences.tsv").path) and \(url.appendingPathComponent("words.tsv").path)")
        }
    }
}
