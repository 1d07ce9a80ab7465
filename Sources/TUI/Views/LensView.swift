import Analysis
import Model

/// View 2: the logit-lens grid, layers × tokens; each cell shows its top-1 token, shaded by the
/// final token's probability (a glyph of it without colour); `*` marks the saturation layer and
/// `!` the cells the patch changed. The grid scrolls to keep the cursor in view.
enum LensView {
    static let cellWidth = 10
    static let labelWidth = 5
    /// Rows above the grid: the title and the token header.
    static let top = 2

    static func visibleColumns(width: Int) -> Int {
        max(1, (ExplorerRenderer.bodyRegion(width: width, height: 24).width - labelWidth) / cellWidth)
    }

    /// The first token column and layer row shown (the cursor stays in view), and how many fit.
    static func viewport(_ s: ExplorerState, _ r: Region, columns count: Int, rows: Int) -> (column: Int, visible: Int, row: Int, rows: Int) {
        let visible = max(1, (r.width - labelWidth) / cellWidth)
        let visibleRows = max(1, r.height - top - 2)
        let column = max(0, min(s.lensToken - visible / 2, count - visible))
        let row = max(0, min(s.lensLayer - visibleRows / 2, rows - visibleRows))
        return (column, visible, row, min(rows, visibleRows))
    }

    /// The (layer, token) of the grid cell at a screen position, if there is one.
    static func cell(x: Int, y: Int, state s: ExplorerState, _ r: Region) -> (layer: Int, token: Int)? {
        guard let lens = s.shown?.lens else { return nil }
        let v = viewport(s, r, columns: lens.targets.count, rows: lens.cells.count)
        let row = y - r.y - top, col = (x - r.x - labelWidth) / cellWidth
        guard x >= r.x + labelWidth, row >= 0, row < v.rows, col < v.visible, v.column + col < lens.targets.count else { return nil }
        return (v.row + row, v.column + col)
    }

    static func draw(_ c: inout Canvas, _ r: Region, _ s: ExplorerState, _ window: ClipWindow, theme: Theme) {
        guard let snap = s.shown else {
            c.put("reading the logit lens of every decoder layer…", in: r, row: 0, style: theme.accent)
            return
        }
        let lens = snap.lens
        let tok = window.engine.model.tokenizer
        let first = LogitLens.firstChangedRow(snap.patches)
        let recomputed = snap.isPatched && first < lens.cells.count
            ? "; rows from \(first == 0 ? "emb" : "L\(first - 1)") recomputed, those above are the clean run's" : ""
        c.put("logit lens, \(ExplorerRenderer.runLabel(s, theme: theme))\(recomputed)", in: r, row: 0, style: theme.accent)
        let v = viewport(s, r, columns: lens.targets.count, rows: lens.cells.count)
        let shownColumns = v.column..<min(lens.targets.count, v.column + v.visible)
        for t in shownColumns {
            c.put(fit(tok.display(lens.targets[t])), in: r, dx: labelWidth + (t - v.column) * cellWidth, row: 1, style: theme.accent)
        }
        let changed = Set((snap.effect?.changedCells ?? []).map { $0.layer * 10_000 + $0.token })
        for k in v.row..<(v.row + v.rows) {
            let y = top + k - v.row
            c.put(k == 0 ? "emb" : "L\(k - 1)", in: r, row: y, style: theme.dim)
            for t in shownColumns {
                let cell = lens.cells[k][t]
                var text = tok.display(cell.top1)
                if lens.saturation[t] == k { text = "*" + text }
                if changed.contains(k * 10_000 + t) { text = "!" + text }
                let selected = k == s.lensLayer && t == s.lensToken
                let dx = labelWidth + (t - v.column) * cellWidth
                if theme.color {
                    c.put(fit(text), in: r, dx: dx, row: y, style: selected ? theme.highlight : theme.shade(cell.finalProb))
                } else {
                    // Without colour a glyph carries the probability.
                    c.put([theme.glyph(cell.finalProb)], in: r, dx: dx, row: y)
                    c.put(fit(text, width: cellWidth - 1), in: r, dx: dx + 1, row: y, style: selected ? theme.highlight : .plain)
                }
            }
        }
        let legendRow = top + v.rows + 1
        let rowsNote = v.rows < lens.cells.count ? "   layers \(v.row)–\(v.row + v.rows - 1) of \(lens.cells.count)" : ""
        c.put(theme.legend("p(final) 0"), in: r, row: legendRow)
        let cap = lens.capped ? "  last column past the length cap" : ""
        c.put(" 1  columns \(shownColumns.lowerBound + 1)–\(shownColumns.upperBound) of \(lens.targets.count)\(rowsNote)  * saturation  ! patched\(cap)",
              in: r, dx: 21, row: legendRow, style: theme.dim)
    }

    static func fit(_ s: String, width: Int = cellWidth) -> String {
        // By screen columns, one left free: a wide character counts two (a CJK cell ran into the next).
        let t = s.replacingOccurrences(of: "\n", with: "⏎")
        return DisplayWidth.of(t) >= width ? DisplayWidth.prefix(t, columns: width - 1) : t
    }

    /// The detail pane: the selected cell's top-5.
    static func detail(_ s: ExplorerState) -> [String] {
        guard let lens = s.shown?.lens, let engine = s.engine, s.lensLayer < lens.cells.count, s.lensToken < lens.targets.count else { return [] }
        let tok = engine.model.tokenizer
        let cell = lens.cells[s.lensLayer][s.lensToken]
        let layer = s.lensLayer == 0 ? "embedding" : "layer \(s.lensLayer - 1)"
        let top = cell.top.map { "\(tok.display($0.id).trimmingCharacters(in: .whitespaces)) \(String(format: "%.3f", $0.prob))" }
        let past = lens.capped && s.lensToken == lens.targets.count - 1 ? " (past the cap: greedy's next choice)" : ""
        return ["\(layer), token \(s.lensToken) '\(tok.display(lens.targets[s.lensToken]))'\(past): final p \(String(format: "%.4f", cell.finalProb)) rank \(cell.finalRank)",
                "top-5: " + top.joined(separator: "  ")]
    }
}
