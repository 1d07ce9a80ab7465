import Analysis
import Foundation
import Model

extension ExperimentEvents {
    /// How the command line shows a long experiment: a progress line per label on a terminal,
    /// one stderr line per skipped row and per cache problem.
    static func onStandardError() -> ExperimentEvents {
        let lines = ProgressLines()
        return ExperimentEvents(progress: { lines.update($0, $1, of: $2) },
                                skipped: { StandardError.write("asrlens: \($0.description) (row skipped)\n") },
                                cacheProblem: { StandardError.write("asrlens: warning: \($0.description) (features are not cached; the probe goes on)\n") })
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
