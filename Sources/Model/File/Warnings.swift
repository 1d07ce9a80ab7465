import Foundation

/// One-line notices about an input that do not stop the work, such as audio clipped when it
/// was decoded. Model code reports them here; the command line prints each on stderr as
/// `asrlens: warning: SUBJECT: PROBLEM`. Without a handler they are dropped (library use, tests).
public enum Warnings {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handler: (String, String) -> Void = { _, _ in }

    /// Where warnings go from now on: `(subject, problem)`.
    public static func setHandler(_ h: @escaping (String, String) -> Void) {
        lock.lock(); handler = h; lock.unlock()
    }

    /// Reports `problem` about `subject` (a path, an option).
    public static func report(_ subject: String, _ problem: String) {
        lock.lock(); let h = handler; lock.unlock()
        h(subject, problem)
    }
}
