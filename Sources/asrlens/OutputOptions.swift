import Analysis
import ArgumentParser
import Model

// Where results go and in what form: the output format, and sharded parts.

/// `--json` and `--format`, shared by every table-shaped command.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Machine-readable JSON (same as --format json).") var json = false
    @Option(name: .long, help: "Output format: text, tsv, json or md (default: text).") var format: Table.Format?

    var resolved: Table.Format { json ? .json : format ?? .text }

    func validate() throws {
        if json, let format, format != .json {
            throw ValidationError("--json and --format \(format.rawValue) are two output forms; give one")
        }
    }

    /// A view in the chosen form: as text, the table alone, for reading; as a file form (tsv,
    /// md, json), what `:export` writes of the same view: the run named, then `notes`, then the
    /// table, or the record with the window and model it describes.
    func emit(_ table: Table, record: any ViewRecord, notes: [String] = [], run: String = "clean", of engine: Engine) throws {
        if resolved == .text { print(table.text, terminator: ""); return }
        print(try ViewData.render(table, record: record, notes: notes, run: run, resolved, engine: engine), terminator: "")
    }

    /// A sweep's or a repetition hunt's report in the chosen form.
    func show(_ report: some FormattedReport) throws {
        print(try report.render(resolved), terminator: "")
    }

    /// For results printed only as text or JSON: whether JSON was asked for; tsv or md is
    /// refused rather than answered with text.
    func jsonElseText(_ what: String) throws -> Bool {
        guard resolved == .json || resolved == .text else {
            throw InputError("--format \(resolved.rawValue)", "\(what) prints text or JSON (--json)")
        }
        return resolved == .json
    }
}

extension Table.Format: ExpressibleByArgument {}

/// `--shard i/n` and `--out PATH`, shared by the commands that can run as shards.
struct ShardOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Run only rows (or cells) i, i+n, i+2n, … and write them as a JSONL part for `asrlens merge`.", valueName: "i/n"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("Where a --shard part goes (default: standard output).", valueName: "PATH")) var out: String?

    func validate() throws {
        _ = try part
        // An unsharded run prints its result; an --out it would ignore is refused, not dropped.
        guard shard != nil || out == nil else { throw ValidationError("--out names where a --shard part goes; give --shard i/n, or redirect standard output") }
        // A part that cannot be written fails now, not after the shard's work.
        if let out, out != "-" { try AtomicFile.checkWritable(out) }
    }

    /// This worker's share, or nil for an unsharded run.
    var part: Shard? { get throws { try shard.map(Shard.init) } }

    /// Refuses an output format beside `--shard`, which writes its part as JSONL whatever is
    /// asked: the form is chosen when the parts are merged.
    func refuse(format: Table.Format) throws {
        guard shard != nil, format != .text else { return }
        throw InputError(format == .json ? "--json" : "--format \(format.rawValue)",
                         "a --shard run writes its part as JSONL; give the output form to asrlens merge")
    }
}

extension PartFile {
    /// Writes a part to `path` (atomically), or to standard output.
    static func write(kind: String, shard: Shard, header: some Encodable, records: [some Encodable], seconds: Double, model: WhisperModel,
                      to path: String?) throws {
        let text = try text(kind: kind, shard: shard, header: header, records: records, seconds: seconds, modelSHA256: try model.weightsSHA256())
        if let path { try AtomicFile.write(text, to: path) } else { print(text, terminator: "") }
    }
}

extension ProbeExperiment {
    /// Trains on the rows with a progress line, and prints the result as JSON or text.
    func trainAndShow(_ rows: [Row], seconds: Double, json: Bool) throws {
        let training = Progress("probe: training (\(folds) folds)")
        let result = try train(rows, featureSeconds: seconds) { training.update($0, of: $1) }
        if json { print(try JSONText.encode(result)) } else { for line in result.lines { print(line) } }
    }
}
