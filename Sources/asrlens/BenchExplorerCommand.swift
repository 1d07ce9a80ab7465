import Analysis
import ArgumentParser
import Foundation
import Model
import TUI

/// `asrlens bench-explorer`: how long the explorer takes to render a frame, and a keypress to
/// its redrawn frame, with no compute involved (a benchmark, not a test).
struct BenchExplorerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-explorer",
        abstract: "Benchmark the explorer: frame render time per view and keypress-to-frame time, headless.")

    @OptionGroup var clip: ClipOptions
    @Option(name: .long, parsing: .unconditional, help: "Terminal width to render.") var width: Int = 200
    @Option(name: .long, parsing: .unconditional, help: "Terminal height to render.") var height: Int = 60
    @Option(name: .long, parsing: .unconditional, help: "Frames per figure.") var frames: Int = 50

    func validate() throws {
        for (option, value) in [("--width", width), ("--height", height), ("--frames", frames)] { try require(option, value, atLeast: 1) }
    }

    func run() throws {
        let model = try clip.modelOptions.load()
        let loader = try ClipLoader(model: model, path: clip.file, language: clip.language, offset: clip.offset)
        let controller = ExplorerController(loader: loader, theme: Theme(color: true, unicode: true))
        controller.resize(width: width, height: height)
        controller.waitUntilIdle()
        guard let engine = controller.state.engine else { throw InputError(clip.file, controller.state.fatal ?? "could not be loaded") }
        print("model \(engine.model.name), clip \(clip.file), \(width)x\(height), \(frames) frames per figure; milliseconds")
        for line in ExplorerBenchmark(controller: controller, repeats: frames).lines { print(line) }
        print(String(format: "resident memory %.0f MiB", ProcessStats.residentMB()))
        // The keys timed last start background work (a lens for the next head); exiting under
        // it tore OpenBLAS's buffers from a running product (a segfault at exit, 2 runs in 3).
        controller.stop()
    }
}
