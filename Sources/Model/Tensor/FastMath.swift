import Foundation

/// Vectorised exp and erf, accurate to about 1e-7 relative, as CTranslate2's CPU kernels are.
/// A scalar libm call per element would dominate the encoder's softmax and GELU time.
public enum FastMath {
    public typealias V = SIMD8<Float>

    /// e^x for each lane (Cephes expf: range reduction by ln 2, degree-6 polynomial).
    /// Rounding and the float→int step use the 1.5·2²³ trick, which vectorises.
    @inline(__always)
    public static func exp(_ x: V) -> V {
        let x = pointwiseMax(pointwiseMin(x, V(repeating: 88.3)), V(repeating: -87.3))
        let magic = V(repeating: 12_582_912)   // 1.5 · 2^23
        let shifted = x * 1.44269504088896341 + magic
        let n = shifted - magic                // round-to-nearest(x / ln 2)
        var r = x - n * 0.693359375
        r = r + n * 2.12194440e-4
        var p = V(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        // The low mantissa bits of `shifted` hold n; move n + 127 into the exponent field.
        let ni = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- SIMD8<Int32>(repeating: 0x4B40_0000 - 127)
        return p * unsafeBitCast(ni &<< SIMD8<Int32>(repeating: 23), to: V.self)
    }

    /// erf(x) by Abramowitz–Stegun 7.1.26 (max error 1.5e-7), the approximation CTranslate2 uses.
    @inline(__always)
    public static func erf(_ x: V) -> V {
        let one = V(repeating: 1)
        let a = x.replacing(with: -x, where: x .< 0)
        let t = one / (one + V(repeating: 0.3275911) * a)
        var y = V(repeating: 1.061405429)
        y = y * t - 1.453152027
        y = y * t + 1.421413741
        y = y * t - 0.284496736
        y = y * t + 0.254829592
        y = one - y * t * exp(-(a * a))
        return y.replacing(with: -y, where: x .< 0)
    }

    /// GELU with the exact-erf form, in place: x · ½(1 + erf(x/√2)).
    public static func gelu(_ buf: UnsafeMutableBufferPointer<Float>) {
        let n = buf.count
        let base = buf.baseAddress!
        var i = 0
        while i + 8 <= n {
            let p = UnsafeMutableRawPointer(base + i)
            let x = p.loadUnaligned(as: V.self)
            let y = 0.5 * x * (1 + erf(x * 0.70710678118654752))
            p.storeBytes(of: y, as: V.self)
            i += 8
        }
        while i < n {
            let x = base[i]
            base[i] = 0.5 * x * (1 + Foundation.erf(x * 0.70710678118654752))
            i += 1
        }
    }

    /// Softmax of one row in place: subtract the max, exponentiate, scale by 1/sum.
    public static func softmax(_ row: UnsafeMutablePointer<Float>, count n: Int) {
        var m = -Float.greatestFiniteMagnitude
        for i in 0..<n { m = Swift.max(m, row[i]) }
        let mv = V(repeating: m)
        var sumv = V(repeating: 0)
        var i = 0
        while i + 8 <= n {
            let p = UnsafeMutableRawPointer(row + i)
            let e = exp(p.loadUnaligned(as: V.self) - mv)
            p.storeBytes(of: e, as: V.self)
            sumv += e
            i += 8
        }
        var sum = sumv.sum()
        while i < n {
            let e = Foundation.exp(row[i] - m)
            row[i] = e
            sum += e
            i += 1
        }
        let inv = 1 / sum
        for j in 0..<n { row[j] *= inv }
    }

    /// log-softmax of a vector: x − max − log Σ e^(x − max).
    public static func logSoftmax(_ x: [Float]) -> [Float] {
        var m = -Float.greatestFiniteMagnitude
        for v in x { m = Swift.max(m, v) }
        var sum: Float = 0
        for v in x { sum += Foundation.exp(v - m) }
        let lse = m + Foundation.log(sum)
        return x.map { $0 - lse }
    }
}
