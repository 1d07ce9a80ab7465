import Analysis
import ArgumentParser
import Foundation
import Model
import TUI

/// `asrlens run`: a script of `:` commands, the explorer's command language.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run",
        abstract: "Run a script of ':' commands on a clip (the explorer's command language).",
        discussion: "Commands: \(ScriptCommand.usages.joined(separator: "; ")). :export views: \(ExportView.allCases.map(\.rawValue).joined(separator: ", ")); formats: text, tsv, json, md. :view takes the explorer's views (\(ScriptCommand.viewNames.joined(separator: ", ")), or 1 to \(ScriptCommand.viewNames.count)). A file that is already there is kept: :export!, :save-activations! and :save-session! replace it (a file the script wrote itself is written again without !). Blank lines and # comments are ignored; every export names the run it holds (clean or patched). A session saved with :save-session is such a script: `asrlens explore --script FILE` replays it.")
    @OptionGroup var clip: ClipOptions
    @Argument(help: "The script file.") var script: String

    func run() throws {
        // One stream cannot be read as both; the script would take the clip's bytes.
        let stdin: Set = ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]
        if stdin.contains(clip.file) && stdin.contains(script) {
            throw InputError(script, "standard input holds either the clip or the script, not both; give the other as a file")
        }
        let text: String
        do { text = try ScriptRunner.read(script) } catch let error as InputError {   // refused before the model loads
            // `asrlens run SCRIPT CLIP`: the clip's place holds the script.
            let scriptLike = ["script", "session", "txt"].contains(URL(fileURLWithPath: clip.file).pathExtension.lowercased())
            guard scriptLike || (try? ScriptRunner.read(clip.file)).map({ ScriptCommand.commands($0).first?.line.hasPrefix(":") == true }) == true else { throw error }
            throw InputError(error.subject, error.problem + "; \(clip.file) looks like a script, so the two may be swapped (asrlens run CLIP SCRIPT)")
        }
        try ScriptRunner(engine: try clip.engine(), clipName: URL(fileURLWithPath: clip.file).lastPathComponent).run(text, name: script)
    }
}
