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

    @Option(name: .long, help: "Terminal width to render.")
    var width: Int = 200

    @Option(name: .long, help: "Terminal height to render.")
    var height: Int = 60

    @Option(name: .long, help: "Frames per figure.")
    var frames: Int = 50

    func run() throws {
        let model = try clip.modelOptions.load()
        let loader = try ClipLoader(model: model, audio: try ClipAudio.open(clip.file, nMels: model.hyper.nMels), name: URL(fileURLWithPath: clip.file).lastPathComponent,
                                    language: clip.language, offset: clip.offset)
        let controller = ExplorerController(loader: loader, theme: Theme(color: true, unicode: true))
        controller.resize(width: width, height: height)
        controller.waitUntilIdle()
        guard let engine = controller.state.engine else { throw InputError(clip.file, controller.state.fatal ?? "could not be loaded") }
        print("model \(engine.model.name), clip \(clip.file), \(width)x\(height), \(frames) frames per figure; milliseconds")
        print("frame                                   median      p95      max   (target <= 10 ms)")
        func report(_ label: String, _ times: [Double]) {
            let s = times.sorted()
            print("  " + label.padding(toLength: 34, withPad: " ", startingAt: 0)
                  + String(format: " %8.2f %8.2f %8.2f", s[s.count / 2], s[min(s.count - 1, s.count * 95 / 100)], s.last!))
        }
        func time(_ body: () -> Void) -> Double {
            let t0 = DispatchTime.now()
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6
        }
        func frameTimes(_ keys: [Key]) -> [Double] {
            for k in keys { controller.handle(k) }
            controller.waitUntilIdle()
            _ = controller.frame()   // warm any per-view cache, as the first draw after a switch does
            return (0..<frames).map { _ in time { _ = controller.frame() } }
        }
        let views: [(String, [Key])] = [
            ("1 transcript", [.char("1")]), ("2 logit lens", [.char("2")]), ("3 encoder lens", [.char("3")]),
            ("4 cross-attention", [.char("4")]), ("4 alignment-head mean", [.char("a")]), ("4 one cross head", [.char("a")]),
            ("4 decoder self-attention", [.char("t")]), ("4 encoder self-attention", [.char("t")]), ("5 patch (no patch)", [.char("t"), .char("5")]),
        ]
        for (label, keys) in views { report(label, frameTimes(keys)) }
        // A patch on: the patch view shows its effect, the lens the patched run.
        controller.handle(.char("w"))
        controller.handle(.char(" "))
        report("5 patch (1 patch on)", frameTimes([]))
        report("2 logit lens (patched run)", frameTimes([.char("2")]))

        // Keypress to frame: handle the key, render, and diff against the previous frame (what
        // the backend writes). Keys that need no compute: cursor moves and view switches.
        print("keypress -> frame (no compute)          median      p95      max   (target <= 20 ms)")
        let sequences: [(String, [Key], Key)] = [
            ("lens cursor (l/h)", [.char("2")], .char("l")), ("patch frame cursor (l/h)", [.char("5")], .char("l")),
            ("attention head (>/<)", [.char("4")], .char(">")), ("view switch (Tab)", [.char("1")], .tab),
        ]
        for (label, setup, key) in sequences {
            for k in setup { controller.handle(k) }
            var previous = controller.frame()
            var times: [Double] = []
            for i in 0..<frames {
                let k: Key = key == .char("l") && i % 2 == 1 ? .char("h") : key == .char(">") && i % 2 == 1 ? .char("<") : key
                times.append(time {
                    controller.handle(k)
                    let next = controller.frame()
                    _ = next.changes(since: previous)
                    previous = next
                })
            }
            report(label, times)
        }
        print(String(format: "resident memory %.0f MiB", ProcessStats.residentMB()))
    }
}
