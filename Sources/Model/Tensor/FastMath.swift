import CHalf
import Foundation

/// Vectorisable exp and erf, accurate to about 1e-7 relative, as CTranslate2's CPU kernels are.
/// A libm call per element would dominate the encoder's softmax and GELU time, so every kernel
/// here is a plain loop over scalar code without calls or branches, which LLVM vectorises.
public enum FastMath {
    /// e^x (Cephes expf: range reduction by ln 2, degree-6 polynomial). Rounding and the
    /// float→int step use the 1.5·2²³ trick so no rounding instruction or call is needed.
    @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let x = min(max(x, -87.3), 88.3)
        let magic: Float = 12_582_912   // 1.5 · 2^23
        let shifted = x * 1.44269504088896341 + magic
        let n = shifted - magic          // round-to-nearest(x / ln 2)
        var r = x - n * 0.693359375
        r = r + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        // The low mantissa bits of `shifted` hold n; move n + 127 into the exponent field.
        let e = (shifted.bitPattern &- (0x4B40_0000 - 127)) &<< 23
        return p * Float(bitPattern: e)
    }

    /// erf(x) by Abramowitz–Stegun 7.1.26 (max error 1.5e-7), the approximation CTranslate2 uses.
    @inline(__always)
    public static func erf(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let t = 1 / (1 + 0.3275911 * a)
        var y: Float = 1.061405429
        y = y * t - 1.453152027
        y = y * t + 1.421413741
        y = y * t - 0.284496736
        y = y * t + 0.254829592
        let r = 1 - y * t * exp(-(a * a))
        return Float(bitPattern: r.bitPattern | (x.bitPattern & 0x8000_0000))
    }

    /// GELU with the erf form, in place: x · ½(1 + erf(x/√2)).
    public static func gelu(_ buf: UnsafeMutableBufferPointer<Float>) {
        guard let p = buf.baseAddress else { return }
        for i in 0..<buf.count {
            let x = p[i]
            p[i] = 0.5 * x * (1 + erf(x * 0.70710678118654752))
        }
    }

    /// IEEE binary16 bit patterns (little-endian) → Float, exactly as `floatFromHalf` does
    /// one at a time; on x86 by the F16C instruction, eight a cycle.
    public static func widen(halves src: UnsafePointer<UInt16>, count n: Int, into dst: UnsafeMutablePointer<Float>) {
        #if _endian(little)
        asrlens_widen_halves(src, n, dst)
        #else
        for i in 0..<n { dst[i] = floatFromHalf(UInt16(littleEndian: src[i])) }
        #endif
    }

    /// The largest element.
    @inline(__always)
    public static func maximum(_ p: UnsafePointer<Float>, count n: Int) -> Float {
        var m = SIMD8<Float>(repeating: -.greatestFiniteMagnitude)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            m = m.replacing(with: v, where: v .> m)
            i += 8
        }
        var best = m.max()
        while i < n { best = Swift.max(best, p[i]); i += 1 }
        return best
    }

    /// The sum of the elements, eight lanes at a time.
    @inline(__always)
    public static func sum(_ p: UnsafePointer<Float>, count n: Int) -> Float {
        var s = SIMD8<Float>(repeating: 0)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            s += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        var total = s.sum()
        while i < n { total += p[i]; i += 1 }
        return total
    }

    /// Softmax of one row in place: subtract the max, exponentiate, scale by 1/sum.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count n: Int) {
        guard n > 0 else { return }
        let m = maximum(row, count: n)
        for i in 0..<n { row[i] = exp(row[i] - m) }
        let inv = 1 / sum(row, count: n)
        for i in 0..<n { row[i] *= inv }
    }

    /// log-softmax of a vector: x − max − log Σ e^(x − max).
    public static func logSoftmax(_ x: [Float]) -> [Float] {
        x.withUnsafeBufferPointer { xb in
            let m = maximum(xb.baseAddress!, count: xb.count)
            var sum: Float = 0
            for v in xb { sum += exp(v - m) }
            let lse = m + Foundation.log(sum)
            return xb.map { $0 - lse }
        }
    }
}
