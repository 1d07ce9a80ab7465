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

    /// `body(row)` for each row of `indices` in order, with progress under `label`. A row whose
    /// input fails (an `InputError`: unreadable audio, say) becomes `skipped(row, error)` and is
    /// told to `skipped`; the other rows go on.
    public func eachRow<Record>(_ indices: [Int], _ label: String, _ body: (Int) throws -> Record,
                                skipped make: (Int, InputError) -> Record) rethrows -> [Record] {
        var records: [Record] = []
        for (n, i) in indices.enumerated() {
            do { records.append(try body(i)) } catch let error as InputError {
                records.append(make(i, error))
                skipped(error)
            }
            progress(label, n + 1, indices.count)
        }
        return records
    }
}
