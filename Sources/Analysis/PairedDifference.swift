import Foundation

/// The mean of paired differences (one condition's value minus another's, clip by clip) with
/// its 95% Student-t interval: how much a change moved a per-clip score, and how surely.
public struct PairedDifference: Codable, Equatable, Sendable {
    public let mean: Double, low: Double, high: Double
    /// Pairs the mean rests on.
    public let pairs: Int

    public init(mean: Double, low: Double, high: Double, pairs: Int) {
        self.mean = mean; self.low = low; self.high = high; self.pairs = pairs
    }

    /// `after[i] - before[i]` over the pairs; with fewer than 2 pairs the interval is unbounded.
    /// `within`, for a bounded score, clips the interval to the differences it can take (a share
    /// of words changes by -1…+1; a t interval on few clips reached -1.25).
    public init(after: [Double], before: [Double], within bounds: ClosedRange<Double>? = nil) {
        let d = zip(after, before).map { $0 - $1 }
        let n = Double(d.count), m = d.isEmpty ? 0 : d.reduce(0, +) / n
        pairs = d.count
        mean = m
        guard d.count >= 2 else { low = bounds?.lowerBound ?? -.infinity; high = bounds?.upperBound ?? .infinity; return }
        let variance = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        let half = Self.t975(degrees: d.count - 1) * (variance / n).squareRoot()
        low = bounds.map { max($0.lowerBound, m - half) } ?? m - half
        high = bounds.map { min($0.upperBound, m + half) } ?? m + half
    }

    /// Student's t 97.5% quantile, by the Cornish-Fisher expansion around the normal's 1.96:
    /// within 0.003 of the exact value from 5 degrees of freedom up (2.568 against 2.571 at 5,
    /// 2.093 at 19, 2.012 at 47); report rules need 20 clips, so 19 degrees or more.
    public static func t975(degrees v: Int) -> Double {
        let z = 1.959964, nu = Double(max(1, v))
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z
        return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu * nu * nu)
    }

    /// "+0.05 [−0.02, +0.12]".
    public var text: String { text(places: 2) }

    /// The same with `places` decimals: "+0.048 [+0.004, +0.120]" at 3, where 2 would show a
    /// bound just above 0 as +0.00.
    public func text(places: Int) -> String { String(format: "%+.*f [%+.*f, %+.*f]", places, mean, places, low, places, high) }
}
