import Testing
import Analysis

/// The paired-difference interval behind the attention-window verdict: Student-t quantiles and a
/// hand-computed interval.
@Suite struct PairedDifferenceTests {
    /// Exact t quantiles (97.5%) from tables: the expansion is within 0.003 from 5 degrees up.
    @Test(arguments: [(5, 2.5706), (10, 2.2281), (19, 2.0930), (47, 2.0117), (100, 1.9840)])
    func theTQuantileMatchesTheTables(degrees: Int, exact: Double) {
        #expect(abs(PairedDifference.t975(degrees: degrees) - exact) < 0.003, "\(PairedDifference.t975(degrees: degrees))")
    }

    /// Differences 1…5: mean 3, standard deviation √2.5, 4 degrees of freedom, so the half-width
    /// is 2.7764 · √(2.5/5).
    @Test func anIntervalByHand() {
        let d = PairedDifference(after: [2, 4, 6, 8, 10], before: [1, 2, 3, 4, 5])
        #expect(d.mean == 3 && d.pairs == 5)
        let half = 2.7764 * (2.5 / 5).squareRoot()
        #expect(abs(d.low - (3 - half)) < 0.005 && abs(d.high - (3 + half)) < 0.005, "\(d)")
        #expect(d.text == "+3.00 [+1.04, +4.96]")
        // One pair says nothing about the spread.
        let one = PairedDifference(after: [1], before: [0])
        #expect(one.mean == 1 && one.low == -.infinity && one.high == .infinity)
    }

    /// A share of words changes by -1…+1 at most; a t interval on three clips reached past it.
    @Test func aBoundedScoresIntervalStaysWithinWhatItCanTake() {
        let after = [0.0, 1.0, 0.1], before = [1.0, 0.0, 1.0]
        let free = PairedDifference(after: after, before: before), bounded = PairedDifference(after: after, before: before, within: -1...1)
        #expect(free.low < -1 && free.high > 1, "\(free)")
        #expect(bounded.low == -1 && bounded.high == 1 && bounded.mean == free.mean)
        #expect(PairedDifference(after: [1], before: [0], within: -1...1).low == -1)
    }
}
