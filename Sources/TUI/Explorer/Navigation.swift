import Analysis
import Model

/// Cursor moves, scrolling, layers and heads, and the mouse: what h j k l, PgUp/PgDn, g/G,
/// + - < > and clicks mean in each view. Part of the pure reducer.
enum Navigation {
    static func move(_ s: inout ExplorerState, dx: Int, dy: Int) {
        if case .help(let filter, let scroll) = s.mode { s.mode = .help(filter: filter, scroll: max(0, scroll + dy)); return }
        guard let window = s.window else { return }
        switch s.view {
        case .transcript: scroll(&s, \.transcriptScroll, by: dy)
        case .encoderLens: scroll(&s, \.encoderLensScroll, by: dy)
        case .lens:
            s.lensToken = clamp(s.lensToken + dx, window.engine.tokenPositions)
            s.lensLayer = clamp(s.lensLayer + dy, window.engine.model.hyper.decoderLayers + 1)
        case .attention:
            if dx != 0 {
                // Pan the zoomed window by a quarter of its width.
                let w = AttentionView.window(s)
                s.attentionOffset = w.lowerBound + max(1, w.count / 4) * dx
                clampAttentionWindow(&s)
                s.attentionPick = nil
            }
            moveAttentionRow(&s, by: dy)
        case .patch:
            moveFrame(&s, by: 5 * dx)
            scroll(&s, \.patchListScroll, by: dy)
        case .sweep:
            guard case .done(let sweep) = s.sweep else { return }
            s.sweepColumn = clamp(s.sweepColumn + dx, SweepView.windowStarts(sweep).count)
            s.sweepLayer = clamp(s.sweepLayer + dy, Set(sweep.cells.map(\.layer)).count)
        }
    }

    static func page(_ s: inout ExplorerState, _ d: Int) {
        let rows = max(1, ExplorerRenderer.bodyRegion(width: s.width, height: s.height).height - 2)
        switch s.view {
        case .lens: move(&s, dx: d * LensView.visibleColumns(width: s.width), dy: 0)
        case .sweep: move(&s, dx: d * 5, dy: 0)
        default: move(&s, dx: 0, dy: d * rows)
        }
    }

    static func edge(_ s: inout ExplorerState, last: Bool) {
        let far = last ? 1_000_000 : -1_000_000
        switch s.view {
        case .lens, .sweep: move(&s, dx: far, dy: 0)
        // A zoomed map pans to its first / last frames as the rows go to the top / bottom.
        case .attention: move(&s, dx: far, dy: far)
        case .patch:
            // The strip's first / last frame, and the top / bottom of the patch list.
            moveFrame(&s, by: far)
            scroll(&s, \.patchListScroll, by: far)
        default: move(&s, dx: 0, dy: far)
        }
    }

    /// Scrolls a view by `d` rows, within its content (measured by laying the view out).
    static func scroll(_ s: inout ExplorerState, _ key: WritableKeyPath<ExplorerState, Int>, by d: Int) {
        guard d != 0 else { return }
        s[keyPath: key] = max(0, min(ExplorerRenderer.maxScroll(s), s[keyPath: key] + d))
    }

    static func clamp(_ v: Int, _ count: Int) -> Int { max(0, min(count - 1, v)) }

    /// j and k on the attention map move its cursor row, and the rows scroll to keep it in
    /// sight; before the map is computed they scroll.
    static func moveAttentionRow(_ s: inout ExplorerState, by d: Int) {
        guard d != 0 else { return }
        guard let m = AttentionView.matrix(s) else { scroll(&s, \.attentionRowScroll, by: d); return }
        let count = AttentionView.rowBins(s, m, height: ExplorerRenderer.bodyRegion(width: s.width, height: s.height).height).count
        s.attentionRow = clamp(s.attentionRow + d, count)
        s.attentionPick = nil
        showAttentionRow(&s)
    }

    /// Scrolls the attention map's rows so that the cursor row is on screen.
    static func showAttentionRow(_ s: inout ExplorerState) {
        let visible = AttentionView.visibleRows(s)
        if s.attentionRow < s.attentionRowScroll { s.attentionRowScroll = s.attentionRow }
        if s.attentionRow >= s.attentionRowScroll + visible { s.attentionRowScroll = s.attentionRow - visible + 1 }
        s.attentionRowScroll = max(0, min(ExplorerRenderer.maxScroll(s), s.attentionRowScroll))
    }

    static func moveFrame(_ s: inout ExplorerState, by d: Int) {
        guard let window = s.window else { return }
        s.frameCursor = clamp(s.frameCursor + d, max(1, window.engine.audioFrames))
    }

    static func layer(_ s: inout ExplorerState, _ d: Int) {
        guard let hyper = s.hyper else { return }
        if s.view == .patch {
            s.patchLayer = clamp(s.patchLayer + d, hyper.encoderLayers)
        } else {
            let encoder = s.settings.attentionKind == .encoder
            s.settings.layer = clamp(s.settings.layer + d, encoder ? hyper.encoderLayers : hyper.decoderLayers)
        }
    }

    static func head(_ s: inout ExplorerState, _ d: Int) {
        guard let hyper = s.hyper else { return }
        let encoder = s.settings.attentionKind == .encoder
        s.settings.head = clamp(s.settings.head + d, encoder ? hyper.encoderHeads : hyper.decoderHeads)
    }

    static func clampAttentionWindow(_ s: inout ExplorerState) { s.attentionOffset = AttentionView.window(s).lowerBound }

    /// Clicks: a tab switches views, a lens, attention or sweep cell takes the cursor, and on the patch
    /// strip a press sets the cursor and a release there selects the span dragged over. The
    /// wheel moves as j and k do (frames on the patch strip).
    static func mouse(_ s: inout ExplorerState, _ effects: inout [Effect], x: Int, y: Int, _ what: MouseAction) {
        // Tabs work while the clip loads; the rest needs it.
        if y == 0 {
            if what == .press, let tab = ExplorerRenderer.statusLine(s, theme: Theme(color: false, unicode: true)).tabs.first(where: { $0.columns.contains(x) }) {
                s.view = tab.view
            }
            return
        }
        guard s.window != nil else { return }
        let body = ExplorerRenderer.bodyRegion(width: s.width, height: s.height)
        if what == .wheelUp || what == .wheelDown {
            let d = what == .wheelUp ? -1 : 1
            if s.view == .patch { move(&s, dx: d, dy: 0) } else { move(&s, dx: 0, dy: d) }
            return
        }
        switch (s.view, what) {
        case (.lens, .press):
            if let cell = LensView.cell(x: x, y: y, state: s, body) { (s.lensLayer, s.lensToken) = cell }
        case (.patch, .press):
            guard let f = PatchView.frame(x: x, y: y, body, state: s) else { return }
            s.frameCursor = f
            s.selectionAnchor = f
        case (.patch, .release):
            guard let f = PatchView.frame(x: x, y: y, body, state: s), let a = s.selectionAnchor else { return }
            s.frameCursor = f
            if a != f { s.selection = min(a, f)..<(max(a, f) + 1) }
        case (.attention, .press):
            guard let cell = AttentionView.cell(x: x, y: y, state: s, body) else { return }
            (s.attentionRow, s.attentionPick) = cell
        case (.sweep, .press):
            guard case .done(let sweep) = s.sweep, let cell = SweepView.cell(x: x, y: y, state: s, body, sweep: sweep) else { return }
            (s.sweepLayer, s.sweepColumn) = cell
        default: break
        }
    }
}
