import Dispatch
import Foundation
import Model

/// How long the explorer takes to render each view's frame, and a keypress to its redrawn
/// frame, with no compute involved (`asrlens bench-explorer`; a benchmark, not a test).
public struct ExplorerBenchmark: Sendable {
    /// One figure: milliseconds over `frames` repetitions.
    public struct Figure: Codable, Sendable {
        public let label: String
        public let median: Double, p95: Double, max: Double

        init(_ label: String, _ times: [Double]) {
            let s = times.sorted()
            self.label = label
            median = s[s.count / 2]; p95 = s[Swift.min(s.count - 1, s.count * 95 / 100)]; max = s.last!
        }

        var line: String {
            "  " + label.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: " %8.2f %8.2f %8.2f", median, p95, max)
        }
    }

    public let frames: [Figure]
    public let keys: [Figure]

    /// Renders every view (and a patched one) `repeats` times at the controller's size, then
    /// times keys that need no compute: handling, rendering and diffing against the last frame.
    public init(controller: ExplorerController, repeats: Int) {
        func time(_ body: () -> Void) -> Double {
            let t0 = DispatchTime.now()
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6
        }
        func frameTimes(_ keys: [Key]) -> [Double] {
            for k in keys { controller.handle(k) }
            controller.waitUntilIdle()
            _ = controller.frame()   // warm any per-view cache, as the first draw after a switch does
            return (0..<repeats).map { _ in time { _ = controller.frame() } }
        }
        let views: [(String, [Key])] = [
            ("1 transcript", [.char("1")]), ("2 logit lens", [.char("2")]), ("3 encoder lens", [.char("3")]),
            ("4 cross-attention", [.char("4")]), ("4 alignment-head mean", [.char("a")]), ("4 one cross head", [.char("a")]),
            ("4 decoder self-attention", [.char("t")]), ("4 encoder self-attention", [.char("t")]), ("5 patch (no patch)", [.char("t"), .char("5")]),
        ]
        var frames = views.map { Figure($0.0, frameTimes($0.1)) }
        // A patch on: the patch view shows its effect, the lens the patched run.
        controller.handle(.char("w"))
        controller.handle(.char(" "))
        frames.append(Figure("5 patch (1 patch on)", frameTimes([])))
        frames.append(Figure("2 logit lens (patched run)", frameTimes([.char("2")])))
        self.frames = frames

        let sequences: [(String, [Key], Key, Key)] = [
            ("lens cursor (l/h)", [.char("2")], .char("l"), .char("h")), ("patch frame cursor (l/h)", [.char("5")], .char("l"), .char("h")),
            ("attention head (>/<)", [.char("4")], .char(">"), .char("<")), ("view switch (Tab)", [.char("1")], .tab, .tab),
        ]
        keys = sequences.map { label, setup, forth, back in
            for k in setup { controller.handle(k) }
            var previous = controller.frame()
            let times = (0..<repeats).map { i in
                time {
                    controller.handle(i % 2 == 0 ? forth : back)
                    let next = controller.frame()
                    _ = next.changes(since: previous)
                    previous = next
                }
            }
            return Figure(label, times)
        }
    }

    /// The figures as the command prints them, with their targets.
    public var lines: [String] {
        ["frame                                   median      p95      max   (target <= 10 ms)"] + frames.map(\.line)
            + ["keypress -> frame (no compute)          median      p95      max   (target <= 20 ms)"] + keys.map(\.line)
    }
}
