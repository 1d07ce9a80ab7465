/// A 95% Wilson score interval for a proportion of successes in trials: unlike the normal
/// approximation it stays inside [0, 1] and is honest for small counts and rates near 0 or 1.
public struct WilsonInterval: Codable, Equatable, Sendable {
    public let successes: Int, trials: Int
    public let low: Double, high: Double

    public init(successes: Int, trials: Int, z: Double = 1.959964) {
        self.successes = successes
        self.trials = trials
        guard trials > 0 else { low = 0; high = 1; return }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        low = max(0, centre - half)
        high = min(1, centre + half)
    }

    /// successes / trials.
    public var estimate: Double { trials == 0 ? .nan : Double(successes) / Double(trials) }
    /// Half the interval's width.
    public var halfWidth: Double { (high - low) / 2 }
}
