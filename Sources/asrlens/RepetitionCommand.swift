import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens repetition DATA.tsv`: find loops and the patches that resolve them.
struct RepetitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repetition",
        abstract: "Find where the model loops (plain, noisy, truncated, encoder lens) and which decoder patches resolve each loop.",
        discussion: """
            Each clip's first 30 s window is transcribed as it is, with white noise at --snr dB, and cut to --keep of its \
            length; the encoder lens of each is read too. For every looping transcript, each decoder component per layer \
            (self_out, cross_out, mlp_out) and each cross-attention head is patched over all tokens with its value from a \
            reference run (--reference silence or noise), and the loop counts as resolved when the patched transcript no \
            longer loops. The table gives the fraction of loops each patch resolves. Rows whose audio cannot be read are \
            skipped and counted. With --shard i/n it examines rows i, i+n, … (of those --rows picks) and writes a JSONL \
            part for `asrlens merge` or `report --repetition-part`.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var hunt: RepetitionOptions
    @OptionGroup var sharding: ShardOptions
    @Argument(help: "A TSV with a 'path' column, and optionally a 'text' column (the words spoken: loops then count as improved only when their WER falls); other columns are ignored.") var data: String
    @Option(parsing: .unconditional, help: "Examine only this many rows, drawn by a fixed seed: those of `report --repetition-rows N` (default: every row).") var rows: Int?

    func validate() throws { try sharding.refuse(format: output.resolved) }

    func run() throws {
        if let rows { try require("--rows", rows, atLeast: 1) }
        let set = try LabelledSet(tsv: data)
        guard !set.rows.isEmpty else { throw InputError(data, "has no rows") }
        let part = try sharding.part, examined = set.sampled(rows ?? set.rows.count)
        if let rows, rows > set.rows.count {
            StandardError.line("\(data): --rows \(rows), but the set has \(set.rows.count) row\(set.rows.count == 1 ? "" : "s"); examining every one")
        }
        let model = try modelOptions.load(), settings = hunt.settings
        let started = Date()
        let records = try RepetitionHunt.run(set, indices: examined.enumerated().filter { part?.owns($0.offset) ?? true }.map(\.element), model: model, settings: settings,
                                             events: .onStandardError())
        let report = RepetitionReport(model: model, data: data, rows: set.rows.count, examined: rows, dataSHA256: set.digest(rows: examined),
                                      settings: settings, records: records,
                                      seconds: Date().timeIntervalSince(started))
        if let part {
            try PartFile.write(kind: "repetition", shard: part, header: report.header, records: records, seconds: report.seconds, model: model, to: sharding.out)
            return
        }
        // Unreadable files are no negative result: "no transcript loops" over nothing is refused.
        if !records.isEmpty, records.allSatisfy({ $0.skipped != nil }) {
            throw InputError(data, "none of the \(records.count) examined rows could be read (each is named above); there is nothing to report")
        }
        try output.show(report)
    }
}

extension RepetitionHunt.Reference: ExpressibleByArgument {}

/// The conditions and the reference of a repetition hunt (`repetition` and `report`).
struct RepetitionOptions: ParsableArguments {
    @Option(name: .long, help: "silence or noise: the run the patched activations come from.") var reference: RepetitionHunt.Reference = .silence
    @Option(name: .long, parsing: .unconditionalSingleValue, help: "SNR in dB of white noise for a noisy condition; repeat for several.")
    var snr: [Double] = [0, -5, -10]

    @Option(name: .long, parsing: .unconditional, help: "Fraction of each clip kept for the truncated condition (at least one 10 ms frame).") var keep: Double = 0.6

    func validate() throws {
        guard keep > 0 && keep < 1 else { throw InputError(String(format: "--keep %g", keep), "must be between 0 and 1 (exclusive)") }
        try RepetitionHunt.Settings.checkSNR(snr)
    }

    var settings: RepetitionHunt.Settings { RepetitionHunt.Settings(snrDB: snr, keep: keep, reference: reference) }
}
