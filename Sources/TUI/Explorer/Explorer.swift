import Foundation

/// The explorer's main loop: read a key, update, redraw; compute runs in the background.
public enum Explorer {
    /// Runs until the user quits. The terminal is restored on every way out.
    public static func run(controller: ExplorerController, backend: CursesBackend) {
        defer { backend.shutdown() }
        var spinner = 0
        var dirty = true
        var wasComputing = false
        while true {
            if dirty {
                let (w, h) = backend.size
                controller.resize(width: w, height: h)
                backend.draw(controller.frame(spinner: spinner))
                dirty = false
            }
            let computing = controller.current.1
            guard let key = backend.readKey() else {
                // Redraw only for the spinner and when a computation lands.
                if computing { spinner += 1; dirty = true }
                if wasComputing && !computing { dirty = true }
                wasComputing = computing
                continue
            }
            wasComputing = computing
            dirty = true
            if key == .resize { backend.invalidate(); continue }
            if !controller.handle(key) { return }
        }
    }
}
