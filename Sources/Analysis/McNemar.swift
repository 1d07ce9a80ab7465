import Foundation

/// An exact McNemar test for two paired binary outcomes on the same items: of the pairs that
/// disagree, `b` are (yes, no) and `c` are (no, yes); under the null hypothesis each
/// disagreement goes either way with probability ½, so p is a two-sided binomial tail.
public struct McNemar: Codable, Equatable, Sendable {
    public let b: Int, c: Int
    /// Two-sided exact p-value.
    public let p: Double

    public init(b: Int, c: Int) {
        self.b = b; self.c = c
        let n = b + c, k = min(b, c)
        guard n > 0 else { p = 1; return }
        // Σ_{i ≤ k} C(n, i) / 2ⁿ, in logs so large n neither overflows nor underflows early.
        let logAll = lgamma(Double(n + 1)) - Double(n) * Foundation.log(2.0)
        var tail = 0.0
        for i in 0...k {
            let logChoose: Double = logAll - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
            tail += Foundation.exp(logChoose)
        }
        p = min(1, 2 * tail)
    }

    /// p after a Bonferroni correction for `tests` tests tried.
    public func corrected(for tests: Int) -> Double { min(1, p * Double(max(1, tests))) }
}
