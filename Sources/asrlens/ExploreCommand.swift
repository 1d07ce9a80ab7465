import Analysis
import ArgumentParser
import Foundation
import Model
import TUI

/// `asrlens explore` (or a bare `asrlens [FILE]`): the full-screen explorer.
struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the full-screen explorer on a clip (default: the bundled sample).",
        discussion: "Keys: 1-6 views (6 is the sweep heatmap), Tab, hjkl/arrows, ( ) 30-second windows, ? help, / search, : commands, Ctrl-S export, q quit.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .long, help: "Language code; detected on multilingual models when omitted.") var language: String?
    @Option(name: .long, parsing: .unconditional, help: "Start of the 30 s window to explore, in seconds.") var offset: Double = 0
    @Option(name: .long, help: ArgumentHelp("A clip whose activations a patch can take (the source `clip:PATH`; repeatable).", valueName: "CLIP"))
    var reference: [String] = []
    @Option(name: .long, help: ArgumentHelp("A script of `:` lines to apply once the clip is loaded: a session saved with `:save-session`, or an `asrlens run` script.", valueName: "FILE"))
    var script: String?
    @Flag(name: .long, help: "Leave the mouse to the terminal (to select and copy text); keys do everything the mouse does.") var noMouse = false

    @Argument(help: "The audio file (default: the bundled sample).") var file: String?

    func validate() throws {
        try Engine.checkOffset(offset)
    }

    func run() throws {
        let path = file ?? BundledSample.path
        let replay = try script.map(ScriptRunner.read)     // a script that cannot be read fails first
        if let replay, let script { try Session.checkReplayable(replay, name: script) }
        if let reason = CursesBackend.unusableTerminalReason() { throw InputError("explore", reason) }
        // Inputs are checked before the screen opens; the slow part (the first window's
        // engine) runs behind a screen that says what it is doing.
        // Warnings go to the status line: stderr is under the screen once it opens.
        var early: [String] = []
        Warnings.setHandler { subject, problem in early.append("\(subject): \(problem)") }
        let model = try modelOptions.load()
        let loader = try ClipLoader(model: model, path: path, language: language, offset: offset)
        for r in reference { _ = try AudioFile.load(r) }   // a bad reference fails now, not mid-session
        let backend = try CursesBackend(mouse: !noMouse)
        let controller = ExplorerController(loader: loader, theme: backend.theme, references: reference, mouse: !noMouse)
        for w in early { controller.post(.warned(w)) }
        if let replay, let script { controller.replay(replay, name: script) }
        Warnings.setHandler { subject, problem in controller.post(.warned("\(subject): \(problem)")) }
        if let fatal = Explorer.run(controller: controller, backend: backend, logs: .fromEnvironment()) { throw InputError(path, fatal) }
    }
}
