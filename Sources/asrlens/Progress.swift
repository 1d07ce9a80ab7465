import Analysis
import Foundation

/// A progress line with an ETA on stderr, redrawn in place; silent when stderr is not a
/// terminal, so logs and pipes stay clean.
struct Progress {
    let label: String
    private let start = Date()
    private let live = isatty(STDERR_FILENO) == 1

    init(_ label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        guard live, total > 0 else { return }
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let line = String(format: "\r%@ %d/%d (%.0f%%)  elapsed %@  ETA %@\u{1B}[K", label, done, total,
                          100 * Double(done) / Double(total), Self.clock(elapsed), done > 0 ? Self.clock(eta) : "?")
        StandardError.write(line)
        if done == total { StandardError.write("\n") }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

extension ExperimentEvents {
    /// How the command line shows a long experiment: a progress line per label on a terminal,
    /// one stderr line per skipped row and per cache problem.
    static func onStandardError() -> ExperimentEvents {
        let lines = ProgressLines()
        return ExperimentEvents(progress: { lines.update($0, $1, of: $2) },
                                skipped: { StandardError.line("\($0.description) (row skipped)") },
                                cacheProblem: { StandardError.line("warning: \($0.description) (features are not cached; the probe goes on)") })
    }
}

/// A `Progress` line that starts again when the label changes.
final class ProgressLines {
    private var current: Progress?

    func update(_ label: String, _ done: Int, of total: Int) {
        if current?.label != label { current = Progress(label) }
        current?.update(done, of: total)
    }
}
