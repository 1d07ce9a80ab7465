import Analysis
import Model

/// Draws the whole screen from state: status line, the current view, the detail pane, the key
/// hints, and overlays (help, command line). A pure function of its inputs.
public enum ExplorerRenderer {
    public static func render(state: ExplorerState, clip: ClipData, snapshot: Snapshot, computing: Bool,
                              spinner: Int = 0, theme: Theme, sweep: SweepStatus = .none) -> Canvas {
        var c = Canvas(width: state.width, height: state.height)
        guard state.width >= ExplorerState.minimumWidth, state.height >= ExplorerState.minimumHeight else {
            c.put("asrlens needs at least \(ExplorerState.minimumWidth)x\(ExplorerState.minimumHeight);", x: 0, y: 0)
            c.put("this terminal is \(state.width)x\(state.height). Enlarge it, or press q.", x: 0, y: 1)
            return c
        }
        // Status line.
        let status = statusLine(state: state, clip: clip, snapshot: snapshot, computing: computing, spinner: spinner, theme: theme)
        c.fill(x: 0, y: 0, width: c.width, height: 1, with: Canvas.Cell(character: " ", style: theme.highlight))
        c.put(status.text, x: 0, y: 0, style: theme.highlight)
        // The view and the detail pane.
        let body = bodyRegion(width: c.width, height: c.height)
        switch state.view {
        case .transcript: TranscriptView.draw(&c, body, state: state, clip: clip, snap: snapshot, theme: theme)
        case .lens: LensView.draw(&c, body, state: state, clip: clip, snap: displayed(state, clip, snapshot), theme: theme)
        case .encoderLens: EncoderLensView.draw(&c, body, state: state, clip: clip, theme: theme)
        case .attention: AttentionView.draw(&c, body, state: state, clip: clip, snap: snapshot, theme: theme)
        case .patch: PatchView.draw(&c, body, state: state, clip: clip, snap: snapshot, theme: theme)
        case .sweep: SweepView.draw(&c, body, state: state, clip: clip, sweep: sweep, theme: theme)
        }
        let detailY = c.height - 1 - detailHeight
        c.put(String(repeating: theme.unicode ? "─" : "-", count: c.width), x: 0, y: detailY, style: theme.dim)
        let detail: [String]
        switch state.view {
        case .lens: detail = LensView.detail(state: state, clip: clip, snap: displayed(state, clip, snapshot))
        default: detail = [state.status ?? clip.notice ?? ""]
        }
        for (i, line) in detail.prefix(detailHeight - 1).enumerated() { c.put(line, x: 1, y: detailY + 1 + i) }
        if state.view == .lens, let s = state.status { c.put(s, x: 1, y: detailY + detailHeight - 1, style: theme.accent) }
        // Hint bar or the line being typed.
        let bottom = c.height - 1
        switch state.mode {
        case .command(let text): c.put(":" + text + "_", x: 0, y: bottom)
        case .search(let text): c.put("/" + text + "_", x: 0, y: bottom)
        default: c.put(hints(state.view), x: 0, y: bottom, style: theme.dim)
        }
        if case .help(let filter) = state.mode { drawHelp(&c, filter: filter, view: state.view, theme: theme) }
        return c
    }

    static let detailHeight = 3

    /// Where the current view draws on a width×height screen (also used to place mouse clicks).
    public static func bodyRegion(width: Int, height: Int) -> Region {
        Region(x: 1, y: 2, width: width - 2, height: height - 4 - detailHeight)
    }

    /// The status line's text and the columns of each view's tab in it.
    public static func statusLine(state: ExplorerState, clip: ClipData, snapshot: Snapshot, computing: Bool, spinner: Int = 0,
                                  theme: Theme) -> (text: String, tabs: [(view: ExplorerState.View, columns: Range<Int>)]) {
        let frames = Array(theme.unicode ? "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" : "|/-\\")
        let spin = computing ? " \(frames[spinner % frames.count]) computing" : ""
        let head = " asrlens  \(clip.engine.model.name)  \(clip.clipName)  patches \(snapshot.patches.patches.count)\(spin)   "
        func layout(titled: Bool) -> (String, [(view: ExplorerState.View, columns: Range<Int>)]) {
            var text = head
            var tabs: [(view: ExplorerState.View, columns: Range<Int>)] = []
            for v in ExplorerState.View.allCases {
                if v.rawValue > 1 { text += " " }
                let label = v == state.view ? "[\(v.rawValue) \(v.title)]" : titled ? "\(v.rawValue) \(v.title)" : "\(v.rawValue)"
                tabs.append((v, text.count..<(text.count + label.count)))
                text += label
            }
            return (text, tabs)
        }
        // On narrow terminals only the current view keeps its title.
        let full = layout(titled: true)
        return full.0.count <= state.width ? full : layout(titled: false)
    }

    /// With patches on, the lens shows the patched run unless the user flipped to clean.
    static func displayed(_ state: ExplorerState, _ clip: ClipData, _ snap: Snapshot) -> Snapshot {
        state.showPatched ? snap : Snapshot(patches: PatchSet(), run: clip.engine.clean, lens: clip.cleanLens, effect: nil)
    }

    static func hints(_ view: ExplorerState.View) -> String {
        let common = "1-6/Tab views  ? help  / search  : command  ^S export  q quit"
        switch view {
        case .lens: return "hjkl/arrows move  x clean/patched  " + common
        case .encoderLens: return "l ln_post on/off  " + common
        case .attention: return "+/- layer  </> head  a head/alignment/all  t kind  p padding  z zoom  h/l pan  x clean/patched  " + common
        case .patch: return "h/l frame  H/L ×50  [ ] span  w word  c site  +/- layer  s source  space toggle  u undo  " + common
        case .sweep: return "r run  hjkl/arrows cell  Enter open as patch  m WER/Δ  w window  " + common
        case .transcript: return common
        }
    }

    /// Every key, per view, for the help overlay.
    public static let keyHelp: [(String, String)] = [
        ("1 … 6, Tab, Shift-Tab", "switch views"), ("?", "this help; type to filter, Esc closes"),
        ("/ text, n, N", "search tokens; next, previous match"), (":", "command line (same language as asrlens run)"),
        ("Ctrl-S", "export the current view as text (asrlens-VIEW.txt)"), ("q, Esc", "close an overlay, then quit"),
        ("h j k l, arrows", "move in the lens grid / frame cursor"), ("g, G", "first / last column"),
        ("x", "show the clean or the patched run in lens and attention"), ("l (encoder lens)", "toggle ln_post"),
        ("+ -", "layer (attention, patch)"), ("< >", "head (attention)"), ("a", "cross: one head, alignment-head mean, all-head mean"),
        ("t", "attention kind: cross, decoder self, encoder self"), ("p", "show the 30 s padding"), ("z", "zoom in time (1, 2, 4, 8x)"),
        ("h l (attention)", "pan the zoomed time window"),
        ("[ ]", "mark the start and end of the frame span"), ("w", "select the word under the cursor"),
        ("c", "cycle the patched component"), ("s", "cycle the patch source"), ("space", "toggle the patch for the span"),
        ("u", "undo the last patch"), ("mouse", "click a tab or a lens cell; drag over the patch strip to select"),
        ("wheel", "layers (lens), frames (patch)"),
        ("r (sweep)", "sweep the patch view's component and source over every layer and window"),
        ("Enter (sweep)", "open the cursor cell as the patch"), ("m (sweep)", "show WER or mean |Δ log-prob|"),
        ("w (sweep)", "window width: 25, 50, 100 frames"),
    ]

    static func drawHelp(_ c: inout Canvas, filter: String, view: ExplorerState.View, theme: Theme) {
        let rows = keyHelp.filter { filter.isEmpty || ($0.0 + " " + $0.1).lowercased().contains(filter.lowercased()) }
        let w = min(c.width - 4, 76), h = min(c.height - 4, rows.count + 3)
        let x0 = (c.width - w) / 2, y0 = 2
        c.fill(x: x0, y: y0, width: w, height: h, with: Canvas.Cell(character: " ", style: theme.highlight))
        c.put(" keys (filter: \(filter)_)", x: x0, y: y0, style: theme.highlight)
        for (i, row) in rows.prefix(h - 2).enumerated() {
            c.put(" " + row.0.padding(toLength: 22, withPad: " ", startingAt: 0) + row.1, x: x0, y: y0 + 1 + i, style: theme.highlight)
        }
    }
}
