import Foundation

/// The explorer's one compute scheduler: loading, patched runs, sweeps, lenses, attention maps
/// and exports run off the UI thread, and their results come back as actions through
/// `deliver`. Jobs of one lane cancel each other: a newer request takes the lane, and the
/// older job's result is dropped (engine work polls `isCancelled` and stops early). A request
/// equal to the one running is not started again.
final class Scheduler: @unchecked Sendable {
    private let queue = DispatchQueue(label: "asrlens.compute", qos: .userInitiated, attributes: .concurrent)
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var generation: [String: Int] = [:]
    private var running: [String: String] = [:]
    private let deliver: @Sendable (Action) -> Void

    init(deliver: @escaping @Sendable (Action) -> Void) { self.deliver = deliver }

    /// Runs `work` on lane `lane` unless a job with the same `key` is running there already.
    /// `work` gets a cancellation check and a way to send progress; it returns the result.
    func submit(lane: String, key: String, _ work: @escaping @Sendable (_ isCancelled: @escaping () -> Bool, _ send: @escaping (Action) -> Void) -> Action?) {
        lock.lock()
        if running[lane] == key { lock.unlock(); return }
        let g = (generation[lane] ?? 0) + 1
        generation[lane] = g
        running[lane] = key
        lock.unlock()
        let current: @Sendable () -> Bool = { [self] in lock.lock(); defer { lock.unlock() }; return generation[lane] == g }
        queue.async(group: group) { [self] in
            let result = work({ !current() }) { action in if current() { self.deliver(action) } }
            lock.lock()
            let mine = generation[lane] == g
            if mine { running[lane] = nil }
            lock.unlock()
            if mine, let result { deliver(result) }
        }
    }

    /// Drops every running job's result and waits for the jobs to stop.
    func cancelAll() {
        lock.lock()
        for lane in generation.keys { generation[lane]! += 1 }
        running.removeAll()
        lock.unlock()
        group.wait()
    }

    /// Waits until no job is running.
    func wait() { group.wait() }
}
