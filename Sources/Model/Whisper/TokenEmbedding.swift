/// The token embedding `[V, D]`, which is also the output projection (tied, spec §2.5).
///
/// It is half of tiny.en's weights. Where the file stores it as float16 it is kept that way (38
/// MiB instead of 76 for tiny.en) and widened a few rows at a time where it is used: the
/// widened values are exactly those a float32 copy would hold, so every product is unchanged,
/// and the logits, which read the whole table for each decoding step, read half the bytes.
public struct TokenEmbedding: Sendable {
    enum Storage: Sendable {
        case float([Float])
        case half([UInt16])   // binary16 bit patterns, little-endian
    }

    let storage: Storage
    public let rows: Int, cols: Int

    /// Vocabulary rows per block, the unit the projection splits across cores.
    static let block = 512

    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols)
        self.rows = rows; self.cols = cols
        storage = .float(values)
    }

    public init(rows: Int, cols: Int, halves: [UInt16]) {
        precondition(halves.count == rows * cols)
        self.rows = rows; self.cols = cols
        storage = .half(halves)
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

    /// Row `token` as floats: [D].
    public func row(_ token: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: cols) { out, initialized in
            withRows(token..<(token + 1), scratch: out.baseAddress!) { src in
                if src != UnsafePointer(out.baseAddress!) { out.baseAddress!.update(from: src, count: cols) }
            }
            initialized = cols
        }
    }

    /// The product with every token's row: x [n, D] → x · Eᵀ [n, V]. The vocabulary is split
    /// across cores in whole blocks. Every logit is summed in one order whatever n and the split
    /// (`FastMath.rowsDot`): a residual projected alone gives that row of a batched projection
    /// bit for bit; float16 rows are widened in registers as they are multiplied, and a
    /// step reads half the bytes a float32 table would need.
    public func project(_ x: Matrix) -> Matrix {
        precondition(x.cols == cols, "projection input has \(x.cols) columns, expected \(cols)")
        let n = x.rows, v = rows, k = cols
        var out = Matrix(zeros: n, v)
        let blocks = (v + Self.block - 1) / Self.block
        x.data.withUnsafeBufferPointer { xb in
            out.data.withUnsafeMutableBufferPointer { ob in
                let x = xb.baseAddress!, o = ob.baseAddress!
                Parallel.chunks(blocks, minimumPerChunk: 8) { chunk in
                    for b in chunk {
                        let range = (b * Self.block)..<min(v, (b + 1) * Self.block)
                        let y = o + range.lowerBound
                        switch storage {
                        case .float(let values):
                            values.withUnsafeBufferPointer { e in
                                FastMath.rowsDot(e.baseAddress! + range.lowerBound * k, half: false, rows: range.count, cols: k, x: x, n: n, y: y, ldy: v)
                            }
                        case .half(let bits):
                            #if _endian(little)
                            bits.withUnsafeBufferPointer { e in
                                FastMath.rowsDot(e.baseAddress! + range.lowerBound * k, half: true, rows: range.count, cols: k, x: x, n: n, y: y, ldy: v)
                            }
                            #else
                            let widened = UnsafeMutablePointer<Float>.allocate(capacity: range.count * k)
                            defer { widened.deallocate() }
                            withRows(range, scratch: widened) { e in
                                FastMath.rowsDot(e, half: false, rows: range.count, cols: k, x: x, n: n, y: y, ldy: v)
                            }
                            #endif
                        }
                    }
                }
            }
        }
        return out
    }
}
