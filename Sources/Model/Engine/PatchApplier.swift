/// Writes a patch's replacement values into an activation (DESIGN.md "Sites and patches").
struct PatchApplier {
    let headDim: Int
    /// Sequence position of transcript token 0's prediction (decoder rows).
    let tokenRow0: Int

    /// Which rows of `value` (whose row 0 is sequence position `firstRow`) the patch covers.
    func rows(_ patch: Patch, valueRows: Int, firstRow: Int) -> Range<Int> {
        if patch.site.stack == .encoder { return patch.positions.rows(count: valueRows) }
        // Decoder: token t lives at absolute row tokenRow0 + t.
        let absolute: Range<Int>
        switch patch.positions {
        case .all: absolute = tokenRow0..<Int.max
        case .range(let r): absolute = (tokenRow0 + r.lowerBound)..<(tokenRow0 + r.upperBound)
        }
        let lo = max(absolute.lowerBound - firstRow, 0), hi = min(absolute.upperBound - firstRow, valueRows)
        return lo < hi ? lo..<hi : 0..<0
    }

    /// Applies `patch` to `value`. `donor(absRow)` gives the source row for silence/clip/mean
    /// (nil when the source has no such row). Returns the rows changed.
    @discardableResult
    func apply(_ patch: Patch, to value: inout Matrix, firstRow: Int, donor: ((Int) -> ArraySlice<Float>?)?) -> Range<Int> {
        let rows = self.rows(patch, valueRows: value.rows, firstRow: firstRow)
        let cols: Range<Int>
        switch patch.site.point {
        case .head(let h), .crossHead(let h), .selfHead(let h): cols = (h * headDim)..<((h + 1) * headDim)
        default: cols = 0..<value.cols
        }
        for r in rows {
            let base = r * value.cols
            switch patch.source {
            case .zero:
                for c in cols { value.data[base + c] = 0 }
            case .scale(let k):
                for c in cols { value.data[base + c] *= k }
            case .noise(let scale, let seed):
                var rng = Gaussian(seed: seed &+ UInt64(firstRow + r) &* 0x9E37_79B9_7F4A_7C15)
                for c in cols { value.data[base + c] = rng.next() * scale }
            case .mean, .silence, .clip, .samples, .file:
                guard let src = donor?(firstRow + r) else { continue }
                for c in cols { value.data[base + c] = src[src.startIndex + c] }
            }
        }
        return rows
    }
}

/// Seeded random numbers (SplitMix64; standard normals by Box–Muller), reproducible across
/// runs: patch noise and generated data sets.
public struct Gaussian: Sendable {
    private var state: UInt64
    private var spare: Float?

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func bits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func uniform() -> Double { (Double(bits() >> 11) + 0.5) / Double(1 << 53) }

    /// The next standard-normal sample.
    public mutating func next() -> Float {
        if let s = spare { spare = nil; return s }
        let u = uniform(), v = uniform()
        let radius = (-2 * log(u)).squareRoot()
        spare = Float(radius * sin(2 * .pi * v))
        return Float(radius * cos(2 * .pi * v))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
