import Foundation

/// The explorer's main loop: read a key, update, redraw; compute runs in the background.
public enum Explorer {
    /// Runs until the user quits. The terminal is restored on every way out.
    /// `keyLatency`, when given, receives the milliseconds from each key read to its frame
    /// written to the terminal (for `scripts/bench-explorer.sh`).
    public static func run(controller: ExplorerController, backend: CursesBackend, keyLatency: ((Double) -> Void)? = nil) {
        defer {
            backend.shutdown()
            controller.stop()
        }
        var spinner = 0
        var dirty = true
        var wasComputing = false
        var keyTime: UInt64?
        while true {
            if dirty {
                let (w, h) = backend.size
                controller.resize(width: w, height: h)
                backend.draw(controller.frame(spinner: spinner))
                dirty = false
                if let t0 = keyTime {
                    keyLatency?(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    keyTime = nil
                }
            }
            let computing = controller.isWorking
            guard let key = backend.readKey() else {
                // Redraw only for the spinner and progress, and when a computation lands.
                if computing { spinner += 1; dirty = true }
                if wasComputing && !computing { dirty = true }
                wasComputing = computing
                continue
            }
            wasComputing = computing
            dirty = true
            keyTime = DispatchTime.now().uptimeNanoseconds
            if key == .resize { backend.invalidate(); continue }
            if !controller.handle(key) { return }
        }
    }
}
