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
                                half ? bits.withUnsafeBytes { FastMath.rowsDot(variant, $0.baseAddress!, half: true, rows: rows, cols: cols, lde: cols, x: xs.baseAddress!, ldx: cols, n: n, y: out.baseAddress!, ldy: rows) }
                                     : e.withUnsafeBytes { FastMath.rowsDot(variant, $0.baseAddress!, half: false, rows: rows, cols: cols, lde: cols, x: xs.baseAddress!, ldx: cols, n: n, y: out.baseAddress!, ldy: rows) }
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

    /// Rows and inputs taken from wider matrices (one attention head's columns of K and Q) give
    /// the sums of the same rows copied out, on every variant.
    @Test func stridedRowsGiveTheSumsOfTheRowsCopiedOut() {
        let rows = 37, cols = 64, lde = 3 * 384, ldx = 384, offset = 128
        let k = (0..<(rows * lde)).map { Float(($0 * 7_919) % 2_003) / 1_000 - 1 }
        let q = (0..<(27 * ldx)).map { Float(($0 * 37) % 101) / 50 - 1 }
        for n in [1, 2, 3, 27] {
            let kHead = (0..<rows).flatMap { r in k[(r * lde + offset)..<(r * lde + offset + cols)] }
            let qHead = (0..<n).flatMap { i in q[(i * ldx + offset)..<(i * ldx + offset + cols)] }
            let expected = Self.reference(kHead, rows: rows, cols: cols, qHead, n: n).map(\.bitPattern)
            for variant in FastMath.RowsDotVariant.allCases {
                var y = [Float](repeating: .nan, count: n * rows)
                let done = k.withUnsafeBufferPointer { kb in
                    q.withUnsafeBufferPointer { qb in
                        y.withUnsafeMutableBufferPointer {
                            FastMath.rowsDot(variant, kb.baseAddress! + offset, half: false, rows: rows, cols: cols, lde: lde,
                                             x: qb.baseAddress! + offset, ldx: ldx, n: n, y: $0.baseAddress!, ldy: rows)
                        }
                    }
                }
                guard done else { continue }
                #expect(y.map(\.bitPattern) == expected, "\(variant), \(n) inputs")
            }
        }
    }

    /// Attention's weighted sum of values: each output column is one chain of fused
    /// multiply-adds in row order, for head widths with and without a tail past 16 and 64, and
    /// the same for a query alone as among 1 to 6 others.
    @Test func aWeightedSumIsOneFusedChainPerColumnInRowOrderForAnyNumberOfQueries() {
        for (m, cols, ldv) in [(1, 64, 64), (5, 64, 768), (1_500, 64, 768), (7, 80, 100), (3, 9, 9)] {
            let n = 6
            let p = (0..<(n * m)).map { Float(($0 * 13) % 17) / 17 }
            let v = (0..<(m * ldv)).map { Float(($0 * 7_919) % 2_003) / 1_000 - 1 }
            var expected = [UInt32]()
            for i in 0..<n {
                for c in 0..<cols {
                    var sum: Float = 0
                    for j in 0..<m { sum = sum.addingProduct(p[i * m + j], v[j * ldv + c]) }
                    expected.append(sum.bitPattern)
                }
            }
            for queries in [1, 4, 5, 6] {
                var out = [Float](repeating: .nan, count: n * cols)
                p.withUnsafeBufferPointer { pb in
                    v.withUnsafeBufferPointer { vb in
                        out.withUnsafeMutableBufferPointer { o in
                            for first in stride(from: 0, to: n, by: queries) {
                                FastMath.weightedSums(pb.baseAddress! + first * m, ldp: m, n: min(queries, n - first), count: m, values: vb.baseAddress!,
                                                      stride: ldv, cols: cols, into: o.baseAddress! + first * cols, ldo: cols)
                            }
                        }
                    }
                }
                #expect(out.map(\.bitPattern) == expected, "\(m) rows × \(cols) columns, \(queries) queries at a time")
            }
        }
    }
}
