import Foundation

/// The explorer's main loop: wait for a key or a result, reduce it, redraw.
public enum Explorer {
    /// Runs until the user quits; returns why the explorer had to end, if it did. The terminal
    /// is restored on every way out. `keyLatency`, when given, receives the milliseconds from
    /// each key read to the first frame written after it that no longer waits for the patch
    /// set it asked for, and the seconds the snapshot then shown took to compute (0 when it was
    /// ready: a set computed before, or no patch) (for `scripts/bench-explorer.sh`).
    @discardableResult
    public static func run(controller: ExplorerController, backend: CursesBackend, logs: ExplorerLogs = ExplorerLogs()) -> String? {
        let (keyLatency, keyLog) = (logs.keyLatency, logs.keyLog)
        defer {
            backend.shutdown()
            controller.stop()
        }
        var spinner = 0
        var dirty = true
        var keyTime: UInt64?
        while !controller.state.quit {
            if dirty {
                let (w, h) = backend.size
                controller.resize(width: w, height: h)
                backend.draw(controller.frame(spinner: spinner))
                dirty = false
                if let t0 = keyTime, !controller.state.computing {
                    keyLatency?(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6, controller.lastRunSeconds)
                    keyTime = nil
                }
            }
            // Sleep until a key or a result arrives; tick for the spinner while work runs.
            let key = backend.readKey(wake: controller.wakeDescriptor, timeoutMilliseconds: controller.isWorking ? 100 : 1000)
            if controller.drain() { dirty = true }
            guard let key else {
                if controller.isWorking { spinner += 1; dirty = true }
                continue
            }
            dirty = true
            keyLog?(key)
            keyTime = DispatchTime.now().uptimeNanoseconds
            if key == .resize { backend.invalidate(); continue }
            controller.lastRunSeconds = 0
            controller.handle(key)
        }
        return controller.state.fatal
    }
}
