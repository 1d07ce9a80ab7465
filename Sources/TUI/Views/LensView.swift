import Analysis
import Model

/// View 2: the logit-lens grid, layers × tokens; each cell shows its top-1 token, shaded by the
/// final token's probability; `*` marks the saturation layer; changed cells are marked under patches.
enum LensView {
    static let cellWidth = 10

    static let labelWidth = 5

    /// The first token column shown (the cursor stays centred) and how many columns fit.
    static func columns(state: ExplorerState, _ r: Region, count: Int) -> (first: Int, visible: Int) {
        let visible = max(1, (r.width - labelWidth) / cellWidth)
        return (max(0, min(state.lensToken - visible / 2, count - visible)), visible)
    }

    /// The (layer, token) of the grid cell at a screen position, if there is one.
    static func cell(x: Int, y: Int, state: ExplorerState, _ r: Region, lens: LogitLens) -> (layer: Int, token: Int)? {
        let (first, visible) = columns(state: state, r, count: lens.targets.count)
        let layer = y - r.y - 1, col = (x - r.x - labelWidth) / cellWidth
        guard x >= r.x + labelWidth, layer >= 0, layer < lens.cells.count, col < visible, first + col < lens.targets.count else { return nil }
        return (layer, first + col)
    }

    static func draw(_ c: inout Canvas, _ r: Region, state: ExplorerState, clip: ClipData, snap: Snapshot, theme: Theme) {
        let lens = snap.lens
        let tok = clip.engine.model.tokenizer
        let (first, visible) = columns(state: state, r, count: lens.targets.count)
        // Header: the tokens each column predicts.
        for col in 0..<min(visible, lens.targets.count - first) {
            let t = first + col
            c.put(fit(tok.display(lens.targets[t])), in: r, dx: labelWidth + col * cellWidth, row: 0, style: theme.accent)
        }
        let changed = Set((snap.effect?.changedCells ?? []).map { $0.layer * 10_000 + $0.token })
        for (k, row) in lens.cells.enumerated() where k + 1 < r.height {
            c.put(k == 0 ? "emb" : "L\(k - 1)", in: r, row: k + 1, style: theme.dim)
            for col in 0..<min(visible, row.count - first) {
                let t = first + col
                let cell = row[t]
                var text = tok.display(cell.top1)
                if lens.saturation[t] == k { text = "*" + text }
                if changed.contains(k * 10_000 + t) { text = "!" + text }
                var style = theme.shade(cell.finalProb)
                if k == state.lensLayer && t == state.lensToken { style = theme.highlight }
                c.put(fit(text), in: r, dx: labelWidth + col * cellWidth, row: k + 1, style: style)
            }
        }
        let legendRow = lens.cells.count + 2
        if legendRow < r.height {
            c.put(theme.legend("p(final) 0"), x: r.x, y: r.y + legendRow)
            c.put(" 1   * saturation   ! changed by the patch   columns \(first)–\(first + visible - 1) of \(lens.targets.count)",
                  in: r, dx: 22, row: legendRow, style: theme.dim)
        }
    }

    static func fit(_ s: String) -> String {
        let t = s.replacingOccurrences(of: "\n", with: "⏎")
        return t.count >= cellWidth ? String(t.prefix(cellWidth - 1)) : t
    }

    /// The detail pane: the selected cell's top-5.
    static func detail(state: ExplorerState, clip: ClipData, snap: Snapshot) -> [String] {
        let lens = snap.lens
        guard state.lensLayer < lens.cells.count, state.lensToken < lens.targets.count else { return [] }
        let tok = clip.engine.model.tokenizer
        let cell = lens.cells[state.lensLayer][state.lensToken]
        let layer = state.lensLayer == 0 ? "embedding" : "layer \(state.lensLayer - 1)"
        let top = cell.top.map { "\(tok.display($0.id).trimmingCharacters(in: .whitespaces)) \(String(format: "%.3f", $0.prob))" }
        return ["\(layer), token \(state.lensToken) '\(tok.display(lens.targets[state.lensToken]))': final p \(String(format: "%.4f", cell.finalProb)) rank \(cell.finalRank)",
                "top-5: " + top.joined(separator: "  ")]
    }
}
