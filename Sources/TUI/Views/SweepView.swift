import Analysis
import Foundation
import Model

/// View 6: a patching sweep of the patch view's component over every encoder layer and time
/// window, as a heatmap of WER or mean |Δ log-prob|; any cell opens as a patch.
enum SweepView {
    static let cellWidth = 7, labelWidth = 7

    /// A cell: its value, then `!` when the transcript loops. Without colour a glyph of the
    /// ramp carries the level, before the `!`, which takes the gap to the next cell.
    static func cellText(_ value: Double, level: Float, loops: Bool, theme: Theme) -> String {
        String(format: "%5.2f", value) + (theme.color ? "" : String(theme.glyph(level).0)) + (loops ? "!" : " ")
    }
    /// Rows above the grid: title and column header.
    static let top = 2

    /// The windows shown, scrolled so that the cursor's column is visible.
    static func columns(state: ExplorerState, count: Int, width: Int) -> Range<Int> {
        guard count > 0 else { return 0..<0 }
        let visible = max(1, (width - labelWidth) / cellWidth)
        let first = max(0, min(state.sweepColumn - visible / 2, count - visible))
        return first..<min(count, first + visible)
    }

    /// The (layer, window) under screen position (x, y), if it is a grid cell.
    static func cell(x: Int, y: Int, state: ExplorerState, _ r: Region, sweep: Sweep) -> (layer: Int, column: Int)? {
        let layers = Set(sweep.cells.map(\.layer)).count, starts = windowStarts(sweep)
        let row = y - r.y - top, dx = x - r.x - labelWidth
        guard row >= 0, row < layers, dx >= 0 else { return nil }
        let cols = columns(state: state, count: starts.count, width: r.width)
        let column = cols.lowerBound + dx / cellWidth
        return cols.contains(column) ? (row, column) : nil
    }

    static func windowStarts(_ sweep: Sweep) -> [Int] { Array(Set(sweep.cells.map(\.positions.lowerBound))).sorted() }

    /// The cell at the cursor, if the sweep has it.
    static func selected(state: ExplorerState, sweep: Sweep) -> Sweep.Cell? {
        let starts = windowStarts(sweep)
        guard starts.indices.contains(state.sweepColumn) else { return nil }
        return sweep.cells.first { $0.layer == state.sweepLayer && $0.positions.lowerBound == starts[state.sweepColumn] }
    }

    static func draw(_ c: inout Canvas, _ r: Region, _ state: ExplorerState, theme: Theme) {
        let status = state.sweep
        let planned = "enc.L.\(state.sweepComponent.name), \(state.sweepWindow)-frame windows, source \(state.sources[state.source])"
            + (state.settings.attentionWindow.map { ", attention \(theme.plusMinus)\($0)" } ?? "")
        switch status {
        case .none:
            c.put("No sweep yet. r sweeps \(planned):", in: r, row: 0, style: theme.accent)
            let next = c.paragraph("every encoder layer × every window of the audio, each cell one patch against the clean run.", in: r, row: 1)
            c.paragraph("The component and source come from the Patch view (c, s); f here cycles the frames per window (25, 50, 100).",
                        in: r, row: next, style: theme.dim)
        case .failed(let message):
            c.paragraph("The sweep failed: \(message)", in: r, row: 0, style: theme.changed)
        case .running(let done, let total, let title):
            c.put("sweeping \(title): \(done)/\(total) cells", in: r, row: 0, style: theme.accent)
            let width = max(1, r.width - 2), filled = total > 0 ? width * done / total : 0
            c.put(String(repeating: theme.unicode ? "█" : "#", count: filled) + String(repeating: theme.unicode ? "░" : ".", count: width - filled),
                  in: r, row: 2)
        case .done(let sweep):
            drawGrid(&c, r, state: state, sweep: sweep, theme: theme)
        }
    }

    static func value(_ cell: Sweep.Cell, delta: Bool) -> Double { delta ? cell.meanAbsDelta : cell.wer }

    static func drawGrid(_ c: inout Canvas, _ r: Region, state: ExplorerState, sweep: Sweep, theme: Theme) {
        guard case .component(let component, let window) = sweep.kind else { return }
        let delta = state.sweepShowsDelta
        let peak = max(1e-9, sweep.cells.map { value($0, delta: delta) }.max() ?? 0)
        let attention = sweep.attentionWindow.map { ", attention \(theme.plusMinus)\($0)" } ?? ""
        let starts = windowStarts(sweep)
        // A window as wide as the clip's audio leaves one cell a layer, as the CLI warns.
        let whole = starts.count == 1 ? " (one window covers the audio)" : ""
        c.put("sweep enc.L.\(component.name), \(window)-frame windows\(whole), source \(sweep.source)\(attention): \(delta ? "mean |Δ log-prob|" : "WER") "
              + String(format: "(max %.2f; m switches)", peak), in: r, row: 0, style: theme.accent)
        let cols = columns(state: state, count: starts.count, width: r.width)
        var header = "frame".padding(toLength: labelWidth, withPad: " ", startingAt: 0)
        for k in cols { header += String(starts[k]).padding(toLength: cellWidth, withPad: " ", startingAt: 0) }
        c.put(header, in: r, row: 1, style: theme.dim)
        let layers = Array(Set(sweep.cells.map(\.layer))).sorted()
        for (row, layer) in layers.enumerated() where top + row < r.height {
            c.put("enc \(layer)", in: r, row: Self.top + row, style: theme.dim)
            for k in cols {
                guard let cell = sweep.cells.first(where: { $0.layer == layer && $0.positions.lowerBound == starts[k] }) else { continue }
                let v = value(cell, delta: delta)
                let level = Float(v / peak)
                let isCursor = layer == state.sweepLayer && k == state.sweepColumn
                let text = Self.cellText(v, level: level, loops: cell.repetition, theme: theme)
                let style = isCursor ? theme.highlight : theme.shade(level)
                c.put(text, in: r, dx: labelWidth + (k - cols.lowerBound) * cellWidth, row: Self.top + row, style: style)
            }
        }
        if let cell = selected(state: state, sweep: sweep) {
            let y = Self.top + layers.count + 1
            c.put("cell \(cell.patch): WER \(String(format: "%.2f", cell.wer)), mean |Δ log-prob| \(String(format: "%.3f", cell.meanAbsDelta))"
                  + (cell.repetition ? ", loops" : "") + (cell.hiddenChange ? ", other tokens, same words" : ""), in: r, row: y)
            c.put("→ " + Sweep.clippedText(cell.text, max(10, r.width - 3)), in: r, row: y + 1, style: theme.dim)
            c.put("Enter opens this cell as the patch (Patch view); ! marks a looping transcript", in: r, row: y + 2, style: theme.dim)
        }
    }
}
