import Analysis
import ArgumentParser
import Foundation
import Model

/// A model, a clip and its window: what every analysis command starts from.
struct ClipOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: "Language code; detected on multilingual models when omitted.")
    var language: String?

    @Option(name: .long, help: "Start of the 30 s window to analyse, in seconds.")
    var offset: Double = 0

    @Argument(help: "The audio file.")
    var file: String

    func validate() throws {
        guard offset >= 0, offset.isFinite else { throw ValidationError("--offset must be a non-negative number of seconds") }
    }

    /// Loads the model and the clip and builds the clean run.
    func engine() throws -> Engine {
        let model = try modelOptions.load()
        // Streamed when it can be: only the window's features are kept, however long the file.
        let audio = try ClipAudio.open(file, nMels: model.hyper.nMels)
        if audio.seconds > offset + 30 {
            StandardError.write("asrlens: \(file): longer than 30 s; analysing the window from \(offset) s (choose another with --offset)\n")
        }
        return try Engine(model: model, audio: audio, language: language, offset: offset)
    }
}

/// `--json` and `--format`, shared by every table-shaped command.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Machine-readable JSON (same as --format json).")
    var json = false

    @Option(name: .long, help: "Output format: text, tsv, json or md.")
    var format: Table.Format = .text

    var resolved: Table.Format { json ? .json : format }

    /// Prints a table in the chosen form, or the record as JSON.
    func emit(_ table: Table, record: @autoclosure () -> any Encodable) throws {
        if resolved == .json { print(try JSONText.encode(record())) } else { emit(table) }
    }

    private func emit(_ table: Table) {
        switch resolved {
        case .text: print(table.text, terminator: "")
        case .tsv: print(table.tsv, terminator: "")
        case .md: print(table.markdown, terminator: "")
        case .json: break
        }
    }

    /// A repetition hunt's report: JSON, or the text tables.
    func show(_ report: RepetitionReport) throws {
        if resolved == .json { print(try JSONText.encode(report)) } else { for line in report.lines { print(line) } }
    }

    /// A sweep's report in the chosen form.
    func show(_ report: SweepReport) throws {
        if resolved == .text { for line in report.text { print(line) } } else { try emit(report.table, record: report) }
    }
}

extension Table.Format: ExpressibleByArgument {}
