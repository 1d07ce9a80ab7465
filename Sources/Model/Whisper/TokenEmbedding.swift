/// The token embedding `[V, D]`, which is also the output projection (tied, spec §2.5).
///
/// It is half of tiny.en's weights. Where the file stores it as float16 it is kept that way (38
/// MiB instead of 76 for tiny.en) and widened a block of rows at a time where it is used: the
/// widened values are exactly those a float32 copy would hold, so every product is unchanged,
/// and the logits, which read the whole table for each decoding step, read half the bytes.
public struct TokenEmbedding: Sendable {
    enum Storage: Sendable {
        case float([Float])
        case half([UInt16])   // binary16 bit patterns, little-endian
    }

    let storage: Storage
    public let rows: Int, cols: Int

    /// Vocabulary rows per block: a widened block, [512, D] floats, stays in a core's L2 cache.
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
    /// across cores in whole blocks; each block is one matrix product (or matrix-vector product
    /// when n = 1), so a logit never depends on how the vocabulary was split. A decoding step
    /// (n = 1) on float16 rows reads them as they are stored, converting as it multiplies.
    public func project(_ x: Matrix) -> Matrix {
        precondition(x.cols == cols, "projection input has \(x.cols) columns, expected \(cols)")
        let n = x.rows, v = rows, k = cols
        var out = Matrix(zeros: n, v)
        let blocks = (v + Self.block - 1) / Self.block
        x.data.withUnsafeBufferPointer { xb in
            out.data.withUnsafeMutableBufferPointer { ob in
                let x = xb.baseAddress!, o = ob.baseAddress!
                Parallel.chunks(blocks, minimumPerChunk: 8) { chunk in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Self.block * k)
                    defer { scratch.deallocate() }
                    for b in chunk {
                        let range = (b * Self.block)..<min(v, (b + 1) * Self.block)
                        if n == 1, case .half(let bits) = storage {   // a decoding step: no widened copy
                            bits.withUnsafeBufferPointer { e in
                                FastMath.halfGemv(e.baseAddress! + range.lowerBound * k, rows: range.count, cols: k, x: x, y: o + range.lowerBound)
                            }
                            continue
                        }
                        withRows(range, scratch: scratch) { e in
                            if n == 1 {
                                BLAS.gemv(m: range.count, n: k, a: e, lda: k, x: x, y: o + range.lowerBound)
                            } else {
                                BLAS.gemmNT(m: n, n: range.count, k: k, a: x, lda: k, b: e, ldb: k,
                                            c: o + range.lowerBound, ldc: v)
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
