import Analysis

/// The Sweep view's data: nothing yet, a sweep in progress, its result, or why it failed.
public enum SweepStatus: Sendable {
    case none
    case running(done: Int, total: Int, title: String)
    case done(Sweep)
    case failed(String)
}

extension SweepStatus {
    public var isRunning: Bool { if case .running = self { return true } else { return false } }
    /// The finished sweep, or nil.
    public var result: Sweep? { if case .done(let sweep) = self { return sweep } else { return nil } }
}
