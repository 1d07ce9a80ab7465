/// Bytes held by a set of matrices, each storage buffer counted once.
///
/// A copied `Matrix` shares its buffer until one copy is written, so a patched run shares every
/// activation its patch left alone with the clean run. Counting buffers rather than matrices
/// makes a memory budget match what the process really holds.
public struct Footprint {
    private var seen = Set<UnsafeRawPointer>()
    /// Bytes of the distinct buffers added so far (their capacity, not just their count).
    public private(set) var bytes = 0

    public init() {}

    /// Adds the buffers of `matrices` not added before.
    public mutating func add<S: Sequence>(_ matrices: S) where S.Element == Matrix {
        for m in matrices {
            guard let base = m.data.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) }) else { continue }
            if seen.insert(base).inserted { bytes += m.data.capacity * MemoryLayout<Float>.stride }
        }
    }
}
