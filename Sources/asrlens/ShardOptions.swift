import Analysis
import ArgumentParser
import Foundation
import Model

/// `--shard i/n` and `--out PATH`, shared by the commands that can run as shards.
struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Run only rows (or cells) i, i+n, i+2n, … and write them as a JSONL part for `asrlens merge`.", valueName: "i/n"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("Where a --shard part goes (default: standard output).", valueName: "PATH"))
    var out: String?

    func validate() throws { _ = try part }

    /// This worker's share, or nil for an unsharded run.
    var part: Shard? { get throws { try shard.map(Shard.init) } }
}


extension PartFile {
    /// Writes a part to `path` (atomically), or to standard output.
    static func write(kind: String, shard: Shard, header: some Encodable, records: [some Encodable], seconds: Double, to path: String?) throws {
        let text = try text(kind: kind, shard: shard, header: header, records: records, seconds: seconds)
        if let path { try AtomicFile.write(text, to: path) } else { print(text, terminator: "") }
    }
}
