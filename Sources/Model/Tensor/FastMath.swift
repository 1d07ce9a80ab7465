import CKernels

/// The element-wise kernels: exp (Cephes expf) and erf (Abramowitz–Stegun 7.1.26), accurate to
/// about 1e-7 relative as CTranslate2's CPU kernels are, inside softmax, GELU and log-softmax;
/// and float16 widening. They live in the C target CKernels, whose functions are compiled both
/// for AVX-512 and for AVX2 and pick one as the program loads: the Swift targets are compiled
/// for AVX2 (Package.swift), half the width of AVX-512 where the CPU has it.
public enum FastMath {
    /// GELU with the erf form, in place: x · ½(1 + erf(x/√2)).
    public static func gelu(_ buf: UnsafeMutableBufferPointer<Float>) {
        guard let p = buf.baseAddress else { return }
        asrlens_gelu(p, buf.count)
    }

    /// IEEE binary16 bit patterns (little-endian) → Float, exactly as `floatFromHalf` does
    /// one at a time; on x86 by the F16C instruction.
    public static func widen(halves src: UnsafePointer<UInt16>, count n: Int, into dst: UnsafeMutablePointer<Float>) {
        #if _endian(little)
        asrlens_widen_halves(src, n, dst)
        #else
        for i in 0..<n { dst[i] = floatFromHalf(UInt16(littleEndian: src[i])) }
        #endif
    }

    /// `y[i, r] = e[r, ·] · x[i, ·]` for vocabulary rows e [rows, cols], stored as float16 bit
    /// patterns (little-endian) or as floats, against inputs x [n, cols]; y has row stride `ldy`.
    /// Each element is summed in one fixed order, so one input row alone gives exactly what it
    /// gives in a batch of any size, on every CPU variant.
    public static func rowsDot(_ e: UnsafeRawPointer, half: Bool, rows: Int, cols: Int,
                               x: UnsafePointer<Float>, n: Int, y: UnsafeMutablePointer<Float>, ldy: Int) {
        asrlens_rows_dot(e, half ? 1 : 0, rows, cols, x, n, y, ldy)
    }

    /// `rowsDot` on rows of e `lde` elements apart and inputs `ldx` apart (one head's slice of
    /// attention's K and Q), in the same order of summation.
    public static func rowsDot(_ e: UnsafePointer<Float>, rows: Int, cols: Int, lde: Int,
                               x: UnsafePointer<Float>, ldx: Int, n: Int, y: UnsafeMutablePointer<Float>, ldy: Int) {
        asrlens_rows_dot_strided(e, 0, rows, cols, lde, x, ldx, n, y, ldy)
    }

    /// The CPU variants of `rowsDot`, which must all give the same bits.
    public enum RowsDotVariant: Int32, CaseIterable, Sendable { case portable = 0, avx2 = 1, avx512 = 2 }

    /// `rowsDot` on one variant, for tests that compare them; false when this CPU lacks it.
    public static func rowsDot(_ variant: RowsDotVariant, _ e: UnsafeRawPointer, half: Bool, rows: Int, cols: Int, lde: Int,
                               x: UnsafePointer<Float>, ldx: Int, n: Int, y: UnsafeMutablePointer<Float>, ldy: Int) -> Bool {
        asrlens_rows_dot_variant(variant.rawValue, e, half ? 1 : 0, rows, cols, lde, x, ldx, n, y, ldy) == 0
    }

    /// `out[i, c] = Σ_j p[i, j] · v[j, c]` for `n` queries (probabilities `ldp` apart, outputs
    /// `ldo` apart) over `count` rows of v (`stride` apart) and `cols` columns, each output one
    /// chain of fused multiply-adds in row order: attention's weighted sum of values, the same
    /// bits for a query whatever else is computed beside it.
    public static func weightedSums(_ p: UnsafePointer<Float>, ldp: Int, n: Int, count: Int, values v: UnsafePointer<Float>,
                                    stride: Int, cols: Int, into out: UnsafeMutablePointer<Float>, ldo: Int) {
        asrlens_weighted_sums(p, ldp, n, count, v, stride, cols, out, ldo)
    }

    /// Softmax of one row in place: subtract the max, exponentiate, scale by 1/sum.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count n: Int) {
        asrlens_softmax(row, n)
    }

    /// log-softmax of a vector: x − max − log Σ e^(x − max), the sum in double so that a
    /// vocabulary's tail of tiny terms is not lost.
    public static func logSoftmax(_ x: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: x.count) { out, initialized in
            x.withUnsafeBufferPointer { asrlens_log_softmax($0.baseAddress!, x.count, out.baseAddress!) }
            initialized = x.count
        }
    }
}
