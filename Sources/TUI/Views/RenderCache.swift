import Foundation

/// Memoises expensive, pure inputs of a view (an encoder self-attention layer costs ~100 ms),
/// so redraws and cursor moves reuse them. Thread-safe; keeps the `capacity` most recent.
public final class RenderCache: @unchecked Sendable {
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [(key: String, value: Any)] = []

    public init(capacity: Int = 4) { self.capacity = capacity }

    /// The value stored under `key`, computing and storing it on a miss.
    public func value<T>(_ key: String, compute: () -> T) -> T {
        lock.lock()
        if let i = entries.firstIndex(where: { $0.key == key }), let v = entries[i].value as? T {
            let e = entries.remove(at: i)
            entries.append(e)
            lock.unlock()
            return v
        }
        lock.unlock()
        let v = compute()
        lock.lock()
        entries.removeAll { $0.key == key }
        entries.append((key, v))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        lock.unlock()
        return v
    }
}
