import Analysis
import ArgumentParser
import Model

/// `asrlens merge PART...`: joins the JSONL parts of a sharded run into its result.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the parts of a sharded run (probe, sweep or repetition with --shard i/n) into the same result as one unsharded run.")

    @OptionGroup var output: OutputOptions
    @Argument(help: "The part files, one per shard, in any order.") var parts: [String]

    func validate() throws { guard !parts.isEmpty else { throw ValidationError("give the part files to merge") } }

    func run() throws {
        let set = try PartFile.readSet(parts)
        let seconds = set.map(\.seconds).reduce(0, +)
        switch set[0].kind {
        case "probe":
            let (experiment, rows) = try ProbeExperiment.merge(set)
            try experiment.trainAndShow(rows, seconds: seconds, json: try output.jsonElseText("a probe"))
        case "sweep":
            try output.show(SweepReport(parts: set))
        case "repetition":
            try output.show(RepetitionReport(parts: set))
        default:
            throw InputError(parts[0], "has parts of a '\(set[0].kind)' run, which merge does not know")
        }
    }
}
