import Model
import Testing

/// The two ways a dense layer multiplies agree, and the decoder's (`rowByRow`) gives a row the
/// same bits whether it is computed alone (a decoding step) or in a batch of any size.
struct LinearTests {
    /// Weights [out, in] and inputs spread over both signs; `in` with a tail past 16 columns.
    static func layer(out: Int, in k: Int, product: Linear.Product) -> Linear {
        let w = Matrix(rows: out, cols: k, data: (0..<(out * k)).map { Float(($0 * 7_919) % 2_003) / 1_000 - 1 })
        return Linear(weight: w, bias: (0..<out).map { Float($0 % 13) / 7 - 0.9 }, product: product)
    }

    static func inputs(_ n: Int, _ k: Int) -> Matrix {
        Matrix(rows: n, cols: k, data: (0..<(n * k)).map { Float(($0 * 37) % 101) / 50 - 1 })
    }

    @Test func rowByRowGivesARowTheSameBitsAloneAsInAnyBatch() {
        // 1,100 outputs: enough work per row block for the split across cores to happen.
        let fc = Self.layer(out: 1_100, in: 200, product: .rowByRow)
        for n in [2, 5, 27, 130] {
            let x = Self.inputs(n, 200), batch = fc(x)
            for i in Set([0, 1, n / 2, n - 1]) {
                let alone = fc(x.rows(i..<(i + 1)))
                let same = alone.data.map(\.bitPattern) == Array(batch.data[(i * 1_100)..<((i + 1) * 1_100)]).map(\.bitPattern)
                #expect(same, "row \(i) of \(n)")
            }
        }
    }

    @Test func float16WeightsGiveTheBitsOfTheirFloat32Widening() {
        // The decoder keeps a file's float16 weights; widening is exact, so nothing may change.
        let (out, k) = (1_100, 200)
        let bits = TokenEmbeddingTests.table(rows: out, cols: k)
        let bias = (0..<out).map { Float($0 % 13) / 7 - 0.9 }
        let half = Linear(rows: WeightRows(rows: out, cols: k, halves: bits), bias: bias)
        let widened = Matrix(rows: out, cols: k, data: bits.map { floatFromHalf(UInt16(littleEndian: $0)) })
        let float = Linear(weight: widened, bias: bias, product: .rowByRow)
        #expect(half.product == .rowByRow && half.inFeatures == k && half.outFeatures == out)
        for n in [1, 2, 9, 27] {
            let x = Self.inputs(n, k)
            let same = half(x).data.map(\.bitPattern) == float(x).data.map(\.bitPattern)
            #expect(same, "n = \(n)")
        }
    }

    @Test func rowByRowAndRowBlocksComputeTheSameProduct() {
        let a = Self.layer(out: 300, in: 200, product: .rowByRow), b = Self.layer(out: 300, in: 200, product: .rowBlocks)
        for n in [1, 9, 200] {
            let x = Self.inputs(n, 200), ya = a(x), yb = b(x)
            let worst = zip(ya.data, yb.data).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
            #expect(worst <= 1e-5, "n = \(n): largest relative difference \(worst)")
        }
    }
}
