import Model
import Testing

/// The token embedding kept in float16 gives the rows and logits of a float32 copy exactly, and a
/// residual's logits alone equal its row of a batch: the unembedding adds no rounding difference
/// between a decoding step and a batched verification of drafted tokens.
struct TokenEmbeddingTests {
    /// A table of half bit patterns spread over the float16 range (normals, subnormals, both signs).
    static func table(rows: Int, cols: Int) -> [UInt16] {
        (0..<(rows * cols)).map { i in
            var bits = UInt16(truncatingIfNeeded: (i &* 2_654_435_761) >> 9)
            if bits & 0x7C00 == 0x7C00 { bits &= 0xBFFF }   // no infinities or NaNs: weights are finite
            return bits.littleEndian
        }
    }

    static func inputs(_ n: Int, _ cols: Int) -> Matrix {
        Matrix(rows: n, cols: cols, data: (0..<(n * cols)).map { Float(($0 * 37) % 101) / 50 - 1 })
    }

    @Test func halfStorageProjectsBitForBitAsFloat32Storage() {
        // More rows than one block and not a multiple of it, so blocks split across cores; an odd
        // row count, and widths with and without a tail past the last 16 columns.
        for (rows, cols) in [(1_301, 48), (701, 40)] {
            let bits = Self.table(rows: rows, cols: cols)
            let half = TokenEmbedding(rows: rows, cols: cols, halves: bits)
            let float = TokenEmbedding(rows: rows, cols: cols, values: bits.map { floatFromHalf(UInt16(littleEndian: $0)) })
            for n in [1, 3, 17] {
                let x = Self.inputs(n, cols)
                let a = half.project(x), b = float.project(x)
                #expect(a.rows == n && a.cols == rows)
                let same = a.data.map(\.bitPattern) == b.data.map(\.bitPattern)
                #expect(same, "\(rows)×\(cols), n = \(n)")
            }
            for t in [0, 511, 512, rows - 1] {
                #expect(half.row(t) == float.row(t))
                #expect(half.row(t) == (0..<cols).map { floatFromHalf(UInt16(littleEndian: bits[t * cols + $0])) })
            }
        }
    }

    @Test func aRowAloneGivesItsLogitsInABatchBitForBit() {
        for (rows, cols) in [(1_301, 48), (701, 40)] {
            let bits = Self.table(rows: rows, cols: cols)
            let tables = [TokenEmbedding(rows: rows, cols: cols, halves: bits),
                          TokenEmbedding(rows: rows, cols: cols, values: bits.map { floatFromHalf(UInt16(littleEndian: $0)) })]
            for e in tables {
                let x = Self.inputs(5, cols), batch = e.project(x)
                for i in 0..<x.rows {
                    let alone = e.project(x.rows(i..<(i + 1)))
                    let same = alone.data.map(\.bitPattern) == Array(batch.data[(i * rows)..<((i + 1) * rows)]).map(\.bitPattern)
                    #expect(same, "\(rows)×\(cols), row \(i)")
                }
            }
        }
    }

    @Test func theProjectionIsTheMatrixProductWithEveryRow() {
        let rows = 700, cols = 8
        let bits = Self.table(rows: rows, cols: cols)
        let e = TokenEmbedding(rows: rows, cols: cols, halves: bits)
        let x = Matrix(rows: 2, cols: cols, data: (0..<16).map { Float($0) / 8 - 1 })
        let logits = e.project(x), first = e.project(x.rows(0..<1))
        for r in 0..<2 {
            for v in stride(from: 0, to: rows, by: 97) {
                let row = e.row(v)
                let expected = (0..<cols).reduce(Float(0)) { $0 + x[r, $1] * row[$1] }
                #expect(abs(logits[r, v] - expected) <= 1e-3 * max(1, abs(expected)), "row \(r), token \(v)")
                if r == 0 { #expect(abs(first[0, v] - expected) <= 1e-3 * max(1, abs(expected)), "one row, token \(v)") }
            }
        }
    }
}
