import ArgumentParser
import Analysis
import Foundation
import Model

/// The `asrlens` command: argument parsing and dispatch only.
struct AsrLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asrlens",
        abstract: "Look inside Whisper: transcribe, lens, attend and patch, from the terminal.",
        version: "\(SourceRevision.version) (OpenBLAS \(BLASCore.current) kernels)",
        subcommands: [ExploreCommand.self, TranscribeCommand.self, LensCommand.self, EncoderLensCommand.self, AttentionCommand.self,
                      HeadsCommand.self, WordsCommand.self, PatchCommand.self, RunCommand.self, ModelsCommand.self, BenchEngineCommand.self, BenchExplorerCommand.self, SoakCommand.self,
                      DatasetCommand.self, ProbeCommand.self, SweepCommand.self, RepetitionCommand.self, ReportCommand.self, MergeCommand.self,
                      ActivationsCommand.self])
}

@main
enum Main {
    static func main() {
        BLASCore.restartWithBetterKernels()
        setvbuf(stdout, nil, _IOLBF, 0)
        HeapPolicy.apply()
        ScratchPaths.unblockInterrupts()
        Warnings.setHandler { subject, problem in StandardError.line("warning: \(subject): \(problem)") }
        do {
            // A bare `asrlens [FILE]` opens the explorer.
            var arguments = Array(CommandLine.arguments.dropFirst())
            let names = AsrLens.configuration.subcommands.compactMap { $0.configuration.commandName }
            if arguments.first.map({ !names.contains($0) && !["-h", "--help", "--version", "help"].contains($0) }) ?? true {
                if let word = arguments.first { try checkNotAMistypedCommand(word, commands: names) }
                arguments.insert("explore", at: 0)
            }
            if arguments.first == "help", let topic = arguments.dropFirst().first, !names.contains(topic) {
                throw InputError(topic, "unknown command\(Suggestion.didYouMean(topic, among: names)) (commands: \(names.joined(separator: ", ")))")
            }
            try checkDashFiles(arguments)
            try checkSubcommand(&arguments)
            var command = try AsrLens.parseAsRoot(standardStreams(arguments))
            try command.run()
            if let problem = StandardOutput.finish() { fail(problem) }
        } catch let error as InputError {
            fail(error.description)
        } catch let error as ExitCode {
            if let problem = StandardOutput.finish() { fail(problem) }
            exit(error.rawValue)
        } catch {
            let code = AsrLens.exitCode(for: error)
            if code == .success {
                AsrLens.exit(withError: error)
            }
            // Usage errors: one line, status 2, like every other bad input.
            let message = AsrLens.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(plainValueMessage(message.replacingOccurrences(of: "Error: ", with: "")))
        }
    }

    /// ArgumentParser's "The value 'nan' is invalid for '--folds <folds>'" in this tool's form,
    /// naming what was wrong: `--folds nan: not a whole number`, `--kind foo: not one of cross,
    /// self, …; did you mean …?`. Other messages pass unchanged.
    static func plainValueMessage(_ message: String) -> String {
        let pattern = #/^The value '(?<value>.*)' is invalid for '(?<option>-[^ ']+)[^']*'(?<rest>.*)$/#
        guard let m = message.wholeMatch(of: pattern) else { return message }
        let value = String(m.value), option = String(m.option)
        let choices = m.rest.matches(of: #/'([^']*)'/#).map { String($0.1) }
        if !choices.isEmpty {
            return "\(option) \(value): not one of \(choices.joined(separator: ", "))\(Suggestion.didYouMean(value, among: choices))"
        }
        // Digits the option refused are too many for its integer; a value Double reads but the
        // option refused is a fraction (or NaN) where whole numbers are taken.
        if value.wholeMatch(of: #/[-+]?[0-9]+/#) != nil { return "\(option) \(value): out of range" }
        return "\(option) \(value): " + (Double(value) != nil ? "not a whole number" : "not a number")
    }

    /// `asrlens trasncribe x.wav` would open the explorer on a file named `trasncribe`: a first
    /// word that is no file, has no '.' or '/' and so names no audio file either, is refused as
    /// an unknown command.
    static func checkNotAMistypedCommand(_ word: String, commands: [String]) throws {
        guard !word.isEmpty, !word.hasPrefix("-"), !word.contains("."), !word.contains("/"), !FileManager.default.fileExists(atPath: word) else { return }
        throw InputError(word, "unknown command\(Suggestion.didYouMean(word, among: commands)) (commands: \(commands.joined(separator: ", ")); a bare FILE opens the explorer)")
    }

    /// `asrlens dataset snth` got ArgumentParser's "Unexpected argument 'snth'": the first word
    /// after a command that only groups subcommands is named as a subcommand, with the one it
    /// likely meant; `dataset help` is `help dataset`.
    static func checkSubcommand(_ arguments: inout [String]) throws {
        guard arguments.count > 1, !arguments[1].hasPrefix("-"),
              let group = AsrLens.configuration.subcommands.first(where: { $0._commandName == arguments[0] }),
              group.configuration.defaultSubcommand == nil, !group.configuration.subcommands.isEmpty else { return }
        let names = group.configuration.subcommands.map { $0._commandName }
        if arguments[1] == "help" { arguments.swapAt(0, 1); return }
        if !names.contains(arguments[1]) { throw unknownSubcommand(arguments[1], of: arguments[0], among: names) }
    }

    /// The one line for a word that is not one of a command's subcommands.
    static func unknownSubcommand(_ word: String, of group: String, among names: [String]) -> InputError {
        InputError(word, "unknown \(group) subcommand\(Suggestion.didYouMean(word, among: names)) (subcommands: \(names.joined(separator: ", ")))")
    }

    /// A file whose name starts with '-' (`-take2.wav`) would be read as options: `-h` inside it
    /// even printed the help and exited 0. Such a name, when the file exists and comes before any
    /// `--`, gets one line that says how to pass it.
    static func checkDashFiles(_ arguments: [String]) throws {
        for a in arguments.prefix(while: { $0 != "--" }) where a.hasPrefix("-") && a.count > 1 && !a.hasPrefix("--") {
            if FileManager.default.fileExists(atPath: a) {
                throw InputError(a, "is read as options because it starts with '-'; put -- before file names like it (asrlens \(arguments[0]) -- \(a))")
            }
        }
    }

    /// `-` is standard output after `--out`, and standard input wherever else a file is read,
    /// as in other Unix tools (it was taken for a file named `-`).
    static func standardStreams(_ arguments: [String]) -> [String] {
        var out: [String] = [], options = true
        for a in arguments {
            if a == "--" { options = false }
            guard options, a == "-" || a == "--out=-" else { out.append(a); continue }
            if a == "--out=-" { out.append("--out=/dev/stdout"); continue }
            out.append(out.last == "--out" ? "/dev/stdout" : "/dev/stdin")
        }
        return out
    }

    static func fail(_ message: String) -> Never {
        let problem = StandardOutput.finish()
        StandardError.line(message)
        if let problem, problem != message { StandardError.line(problem) }
        // `_exit`, not `exit`: under a tight memory limit OpenBLAS's exit handler waits forever
        // for threads it could not start. Standard output was flushed by `finish` above.
        _exit(2)
    }
}
