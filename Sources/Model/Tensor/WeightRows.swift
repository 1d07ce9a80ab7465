/// A weight matrix `[rows, cols]` multiplied one dot product per output (`FastMath.rowsDot`):
/// the decoder's dense layers and the token embedding.
///
/// Where the file stores it as float16 it stays so, and `rowsDot` widens the rows in registers
/// as it multiplies. Widening is exact, so every product equals that of a float32 copy bit for
/// bit, while a decoding step, which reads every weight for one token, reads half the bytes.
public struct WeightRows: Sendable {
    enum Storage: Sendable {
        case float([Float])
        case half([UInt16])   // binary16 bit patterns, little-endian
    }

    let storage: Storage
    public let rows: Int, cols: Int

    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "weights do not fill [\(rows), \(cols)]")
        self.rows = rows; self.cols = cols
        storage = .float(values)
    }

    public init(rows: Int, cols: Int, halves: [UInt16]) {
        precondition(halves.count == rows * cols, "weights do not fill [\(rows), \(cols)]")
        self.rows = rows; self.cols = cols
        storage = .half(halves)
    }

    /// Bytes the weights occupy.
    public var bytes: Int {
        switch storage {
        case .float(let v): return v.count * 4
        case .half(let v): return v.count * 2
        }
    }

    /// `y[i·ldy + (r − range.lowerBound)] = row r · x[i]` for rows r in `range` and n inputs
    /// x [n, cols]: every output summed in `rowsDot`'s one order, whatever the storage.
    func dot(rows range: Range<Int>, x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>, ldy: Int) {
        guard !range.isEmpty else { return }
        switch storage {
        case .float(let values):
            values.withUnsafeBufferPointer { e in
                FastMath.rowsDot(e.baseAddress! + range.lowerBound * cols, half: false, rows: range.count, cols: cols, x: x, n: n, y: y, ldy: ldy)
            }
        case .half(let bits):
            #if _endian(little)
            bits.withUnsafeBufferPointer { e in
                FastMath.rowsDot(e.baseAddress! + range.lowerBound * cols, half: true, rows: range.count, cols: cols, x: x, n: n, y: y, ldy: ldy)
            }
            #else
            let widened = UnsafeMutablePointer<Float>.allocate(capacity: range.count * cols)
            defer { widened.deallocate() }
            withRows(range, scratch: widened) { e in
                FastMath.rowsDot(e, half: false, rows: range.count, cols: cols, x: x, n: n, y: y, ldy: ldy)
            }
            #endif
        }
    }

    /// Calls `body` with rows `range` as contiguous floats (the stored ones, or a widened copy in
    /// `scratch`, which must hold `range.count · cols` floats).
    func withRows<R>(_ range: Range<Int>, scratch: UnsafeMutablePointer<Float>, _ body: (UnsafePointer<Float>) -> R) -> R {
        switch storage {
        case .float(let values):
            return values.withUnsafeBufferPointer { body($0.baseAddress! + range.lowerBound * cols) }
        case .half(let bits):
            bits.withUnsafeBufferPointer { FastMath.widen(halves: $0.baseAddress! + range.lowerBound * cols, count: range.count * cols, into: scratch) }
            return body(scratch)
        }
    }
}
