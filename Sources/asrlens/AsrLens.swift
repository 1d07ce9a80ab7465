import ArgumentParser
import Foundation
import Model

/// The `asrlens` command: argument parsing and dispatch only.
struct AsrLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asrlens",
        abstract: "Look inside Whisper: transcribe, lens, attend and patch, from the terminal.",
        version: "0.1.0",
        subcommands: [ExploreCommand.self, TranscribeCommand.self, LensCommand.self, EncoderLensCommand.self, AttentionCommand.self,
                      HeadsCommand.self, WordsCommand.self, PatchCommand.self, RunCommand.self, ModelsCommand.self, BenchEngineCommand.self, BenchExplorerCommand.self, SoakCommand.self,
                      DatasetCommand.self, ProbeCommand.self, SweepCommand.self, RepetitionCommand.self, ReportCommand.self, MergeCommand.self]
    )
}

@main
enum Main {
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        HeapPolicy.applyForLongSessions()
        do {
            // A bare `asrlens [FILE]` opens the explorer.
            var arguments = Array(CommandLine.arguments.dropFirst())
            let names = AsrLens.configuration.subcommands.compactMap { $0.configuration.commandName }
            if arguments.first.map({ !names.contains($0) && !["-h", "--help", "--version", "help"].contains($0) }) ?? true {
                arguments.insert("explore", at: 0)
            }
            var command = try AsrLens.parseAsRoot(arguments)
            try command.run()
        } catch let error as InputError {
            fail(error.description)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = AsrLens.exitCode(for: error)
            if code == .success {
                AsrLens.exit(withError: error)
            }
            // Usage errors: one line, status 2, like every other bad input.
            let message = AsrLens.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message.replacingOccurrences(of: "Error: ", with: ""))
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("asrlens: \(message)\n".utf8))
        exit(2)
    }
}
