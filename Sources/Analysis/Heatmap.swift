import Foundation
import Model

/// Text renderings of attention maps: an ASCII intensity ramp binned to a width.
public enum Heatmap {
    /// The monochrome ramp from tui-conventions, dark to bright.
    public static let ramp: [Character] = Array(" .:-=+*#%@")

    /// The ramp character for `value` on a scale from 0 to `top`, clamped to the ramp; `!` for
    /// a value that is not a finite number (a run that blew up).
    public static func glyph(_ value: Double, top: Double) -> Character {
        guard value.isFinite, top.isFinite, top > 0 else { return "!" }
        let f = max(0, min(1, value / top))
        return ramp[Int((f * Double(ramp.count - 1)).rounded())]
    }

    /// One line per row; columns averaged into `width` bins; each row scaled to its own maximum.
    public static func lines(_ m: Matrix, width: Int) -> [String] {
        let bins = max(1, min(width, m.cols))
        return (0..<m.rows).map { r in
            var values = [Float](repeating: 0, count: bins)
            for b in 0..<bins {
                guard m.cols > 0 else { continue }   // a clip under 10 ms has no frames
                let lo = b * m.cols / bins, hi = max(lo + 1, (b + 1) * m.cols / bins)
                var s: Float = 0
                for c in lo..<hi { s += m[r, c] }
                values[b] = s / Float(hi - lo)
            }
            let top = max(values.filter(\.isFinite).max() ?? 0, 1e-12)
            return String(values.map { glyph(Double($0), top: Double(top)) })
        }
    }

    /// `lines` with each row's label before it, and a last line that reads the ramp.
    /// `columns` names what a column is ("frames of 20 ms"). With `shares` (a cross- or encoder
    /// attention map cut to the audio, whose rows sum to 1 over all 1,500 frames), each row ends with the
    /// share of its weight the shown columns hold: scaled to its own maximum, a row that looks at
    /// the padding would otherwise look as bright as any other.
    public static func labelledLines(_ m: Matrix, labels: [String], width: Int, columns: String = "frames of 20 ms",
                                     shares: [Double]? = nil) -> [String] {
        // Padded by terminal columns: a CJK token takes two, and would push its row's bars right.
        let w = labels.map(DisplayWidth.of).max() ?? 0
        return zip(labels, lines(m, width: width)).enumerated().map { r, row in
            let share = shares.map { r < $0.count ? String(format: " %3.0f%%", 100 * $0[r]) : "" } ?? ""
            return DisplayWidth.padded(row.0, to: w) + " |" + row.1 + "|" + share
        }
            + ["ramp \"\(String(ramp))\" = 0 … row maximum; \(m.cols) \(columns) binned to \(min(width, m.cols)) columns"
               + (shares == nil ? "" : "; at the right, the share of the row's weight on these frames (the rest is on the padding)")]
    }

    /// Each row's sum: for an attention map cut to the audio, the share of the row's weight on
    /// the audio.
    public static func rowSums(_ m: Matrix) -> [Double] {
        (0..<m.rows).map { r in (0..<m.cols).reduce(0.0) { $0 + Double(m[r, $1]) } }
    }

    /// The matrix as a table: one row per matrix row, one column per matrix column.
    public static func table(_ m: Matrix, rowLabels: [String], columnLabel: (Int) -> String) -> Table {
        Table(headers: ["row"] + (0..<m.cols).map(columnLabel),
              rows: (0..<m.rows).map { r in [r < rowLabels.count ? rowLabels[r] : String(r)] + (0..<m.cols).map { String(format: "%.5f", m[r, $0]) } })
    }
}
