import Model

/// A 95% percentile bootstrap over clusters of rows (a speaker's clips, a word's voices, a
/// clip's tokens): rows of one cluster are not independent, so the cluster, not the row, is
/// what a resample draws. With every row its own cluster it is the ordinary bootstrap.
///
/// The statistic is a weighted sum of hit rates, `Σ weights[s] · hits[s].rate`, so one series
/// with weight 1 gives an accuracy and two with weights 1 and −1 a paired difference: both
/// series are taken over the same resampled rows.
public struct ClusterBootstrap: Sendable {
    /// Per cluster, the rows it holds and each series' hits among them.
    private let rows: [Int]
    private let hits: [[Int]]
    private let weights: [Double]

    /// `hits[s][r]`: whether series `s` got row `r` right; `clusters[r]`: row `r`'s cluster.
    public init(hits: [[Bool]], weights: [Double], clusters: [Int]) {
        precondition(hits.count == weights.count && hits.allSatisfy { $0.count == clusters.count })
        var index: [Int: Int] = [:]
        for c in clusters where index[c] == nil { index[c] = index.count }
        var rows = [Int](repeating: 0, count: index.count)
        var counts = [[Int]](repeating: rows, count: hits.count)
        for (r, c) in clusters.enumerated() {
            let u = index[c]!
            rows[u] += 1
            for s in hits.indices where hits[s][r] { counts[s][u] += 1 }
        }
        self.rows = rows; self.hits = counts; self.weights = weights
    }

    /// Clusters the rows fall in.
    public var clusters: Int { rows.count }

    /// The 2.5th and 97.5th percentiles of the statistic over `resamples` draws of as many
    /// clusters as there are, with replacement (seeded: the same data give the same interval).
    public func interval(resamples: Int = 2000, seed: UInt64 = 0x626f_6f74) -> (low: Double, high: Double) {
        guard clusters > 0 else { return (-.infinity, .infinity) }
        var rng = Gaussian(seed: seed)
        var draw = [Int](repeating: 0, count: clusters)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for i in draw.indices { draw[i] = Int(rng.bits() % UInt64(clusters)) }
            values.append(statistic(draw))
        }
        values.sort()
        func quantile(_ q: Double) -> Double { values[min(values.count - 1, max(0, Int((q * Double(values.count)).rounded(.down))))] }
        return (quantile(0.025), quantile(0.975))
    }

    private func statistic(_ drawn: [Int]) -> Double {
        let n = drawn.reduce(0) { $0 + rows[$1] }
        guard n > 0 else { return 0 }
        return weights.indices.reduce(0) { sum, s in sum + weights[s] * Double(drawn.reduce(0) { $0 + hits[s][$1] }) / Double(n) }
    }
}
