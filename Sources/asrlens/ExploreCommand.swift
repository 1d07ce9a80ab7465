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
        discussion: "Keys: 1-6 views (6 is the sweep heatmap), Tab, hjkl/arrows, ? help, / search, : commands, Ctrl-S export, q quit.")

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: "Language code; detected on multilingual models when omitted.")
    var language: String?

    @Option(name: .long, help: "Start of the 30 s window to explore, in seconds.")
    var offset: Double = 0

    @Option(name: .long, help: ArgumentHelp("A clip whose activations a patch can take (the source `clip:PATH`; repeatable).", valueName: "CLIP"))
    var reference: [String] = []

    @Argument(help: "The audio file (default: the bundled sample).")
    var file: String?

    static func bundledSample() -> String {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("assets/sense-and-sensibility-0870.wav")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return "assets/sense-and-sensibility-0870.wav"
    }

    func run() throws {
        let path = file ?? Self.bundledSample()
        if let reason = CursesBackend.unusableTerminalReason() { throw InputError("explore", reason) }
        let model = try modelOptions.load()
        let samples = try AudioFile.load(path)
        for r in reference { _ = try AudioFile.load(r) }   // a bad reference fails now, not mid-session
        var notice: String?
        if Double(samples.count) / 16_000 > offset + 30 {
            notice = "the clip is longer than 30 s: showing the window from \(offset) s (choose another with --offset)"
        }
        // The screen opens first (a bad TERM fails here, before the slow part) and says what it loads.
        let backend = try CursesBackend()
        let controller: ExplorerController
        do {
            let (w, h) = backend.size
            var loading = Canvas(width: w, height: h)
            loading.put("asrlens: loading \(path) on \(model.name) (encoder, decoder, lenses)…", x: 1, y: 1)
            backend.draw(loading)
            let engine = try Engine(model: model, samples: samples, language: language, offset: offset)
            let clip = ClipData(engine: engine, clipName: URL(fileURLWithPath: path).lastPathComponent, notice: notice)
            controller = try ExplorerController(clip: clip, theme: backend.theme, references: reference)
        } catch {
            backend.shutdown()
            throw error
        }
        // ASRLENS_KEY_LATENCY_LOG=FILE appends one key-to-frame time (ms) per line: the benchmark's hook.
        var latencyLog: FileHandle?
        if let path = ProcessInfo.processInfo.environment["ASRLENS_KEY_LATENCY_LOG"] {
            FileManager.default.createFile(atPath: path, contents: nil)
            latencyLog = FileHandle(forWritingAtPath: path)
        }
        Explorer.run(controller: controller, backend: backend,
                     keyLatency: latencyLog.map { log in { ms in log.write(Data(String(format: "%.3f\n", ms).utf8)) } })
    }
}
