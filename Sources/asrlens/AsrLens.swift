import ArgumentParser
import Foundation
import Model

/// The `asrlens` command: argument parsing and dispatch only.
struct AsrLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asrlens",
        abstract: "Look inside Whisper: transcribe, lens, attend and patch, from the terminal.",
        version: "0.1.0",
        subcommands: [TranscribeCommand.self, LensCommand.self, EncoderLensCommand.self, AttentionCommand.self,
                      HeadsCommand.self, WordsCommand.self, PatchCommand.self, RunCommand.self, ModelsCommand.self, BenchEngineCommand.self]
    )
}

@main
enum Main {
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try AsrLens.parseAsRoot()
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
