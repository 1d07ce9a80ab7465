/// The token embedding `[V, D]`, which is also the output projection (tied, spec §2.5).
///
/// It is half of tiny.en's weights. Where the file stores it as float16 it is kept that way (38
/// MiB instead of 76 for tiny.en) and widened a few rows at a time where it is used: the
/// widened values are exactly those a float32 copy would hold, so every product is unchanged,
/// and the logits, which read the whole table for each decoding step, read half the bytes.
public struct TokenEmbedding: Sendable {
    let weights: WeightRows
    public var rows: Int { weights.rows }
    public var cols: Int { weights.cols }

    /// Vocabulary rows per block, the unit the projection splits across cores.
    static let block = 512

    public init(rows: Int, cols: Int, values: [Float]) {
        weights = WeightRows(rows: rows, cols: cols, values: values)
    }

    public init(rows: Int, cols: Int, halves: [UInt16]) {
        weights = WeightRows(rows: rows, cols: cols, halves: halves)
    }

    init(_ weights: WeightRows) { self.weights = weights }

    /// Row `token` as floats: [D].
    public func row(_ token: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: cols) { out, initialized in
            weights.withRows(token..<(token + 1), scratch: out.baseAddress!) { src in
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
        let n = x.rows, v = rows
        var out = Matrix(zeros: n, v)
        let blocks = (v + Self.block - 1) / Self.block
        x.data.withUnsafeBufferPointer { xb in
            out.data.withUnsafeMutableBufferPointer { ob in
                let x = xb.baseAddress!, o = ob.baseAddress!
                Parallel.chunks(blocks, minimumPerChunk: 8) { chunk in
                    for b in chunk {
                        let range = (b * Self.block)..<min(v, (b + 1) * Self.block)
                        weights.dot(rows: range, x: x, n: n, y: o + range.lowerBound, ldy: v)
                    }
                }
            }
        }
        return out
    }
}
