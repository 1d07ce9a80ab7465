import Model
import Testing

/// The decoder's product kernel (`FastMath.rowsDot`) computes every output in its documented
/// order on every CPU variant and for every tile shape it picks, so the bits never depend on the
/// machine, the batch size, or where a row falls in a tile.
struct RowsDotTests {
    /// The documented order, written out plainly: sixteen lanes of fused multiply-adds over the
    /// columns in blocks of 16, the lanes added 0…15 onto zero, then the columns past the last block.
    static func reference(_ e: [Float], rows: Int, cols: Int, _ x: [Float], n: Int) -> [Float] {
        var y = [Float](repeating: 0, count: n * rows)
        for i in 0..<n {
            for r in 0..<rows {
                var lanes = [Float](repeating: 0, count: 16)
                var c = 0
                while c + 16 <= cols {
                    for l in 0..<16 { lanes[l] = lanes[l].addingProduct(e[r * cols + c + l], x[i * cols + c + l]) }
                    c += 16
                }
                var sum: Float = 0
                for l in 0..<16 { sum += lanes[l] }
                for k in c..<cols { sum = sum.addingProduct(e[r * cols + k], x[i * cols + k]) }
                y[i * rows + r] = sum
            }
        }
        return y
    }

    /// Float16 bit patterns over the whole finite range, both signs, subnormals included.
    static func halves(_ count: Int) -> [UInt16] {
        (0..<count).map { i in
            var bits = UInt16(truncatingIfNeeded: (i &* 2_654_435_761) >> 9)
            if bits & 0x7C00 == 0x7C00 { bits &= 0xBFFF }
            return bits
        }
    }

    @Test(arguments: [false, true])
    func everyVariantGivesTheDocumentedSumsBitForBit(half: Bool) {
        var ran = Set<FastMath.RowsDotVariant>()
        // Row counts around the 16-, 8- and 4-row tiles; widths with and without a column tail;
        // input counts for each tile shape (1, 2, 4) and remainders padded to a full tile.
        for rows in [1, 5, 16, 17, 33, 301] {
            for cols in [8, 16, 40, 48, 384] {
                let bits = Self.halves(rows * cols)
                let e = half ? bits.map { floatFromHalf($0) } : bits.map { floatFromHalf($0) / 7 }
                for n in [1, 2, 3, 4, 5, 9, 27] {
                    let x = (0..<(n * cols)).map { Float(($0 * 37) % 101) / 50 - 1 }
                    let expected = Self.reference(e, rows: rows, cols: cols, x, n: n).map(\.bitPattern)
                    for variant in FastMath.RowsDotVariant.allCases {
                        var y = [Float](repeating: .nan, count: n * rows)
                        let done = y.withUnsafeMutableBufferPointer { out in
                            x.withUnsafeBufferPointer { xs in
                                half ? bits.withUnsafeBytes { FastMath.rowsDot(variant, $0.baseAddress!, half: true, rows: rows, cols: cols, x: xs.baseAddress!, n: n, y: out.baseAddress!, ldy: rows) }
                                     : e.withUnsafeBytes { FastMath.rowsDot(variant, $0.baseAddress!, half: false, rows: rows, cols: cols, x: xs.baseAddress!, n: n, y: out.baseAddress!, ldy: rows) }
                            }
                        }
                        guard done else { continue }
                        ran.insert(variant)
                        let same = y.map(\.bitPattern) == expected
                        #expect(same, "\(variant), \(rows) rows × \(cols) columns, \(n) inputs")
                    }
                }
            }
        }
        #expect(ran.contains(.portable))
    }
}
