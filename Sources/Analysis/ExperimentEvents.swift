import Model

/// What a long experiment tells its caller as it goes: progress per item under a label, rows it
/// had to skip, and a cache it could not write. The command line shows them on stderr.
public struct ExperimentEvents {
    public var progress: (_ label: String, _ done: Int, _ total: Int) -> Void
    public var skipped: (InputError) -> Void
    public var cacheProblem: (InputError) -> Void

    public init(progress: @escaping (String, Int, Int) -> Void = { _, _, _ in }, skipped: @escaping (InputError) -> Void = { _ in },
                cacheProblem: @escaping (InputError) -> Void = { _ in }) {
        self.progress = progress; self.skipped = skipped; self.cacheProblem = cacheProblem
    }

    /// Ignores everything.
    public static let silent = ExperimentEvents()
}
