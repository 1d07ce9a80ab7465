import Analysis
import Model

/// Draws the whole screen from the state: status line, the current view, the detail pane, the
/// key hints, and overlays (help, command line). A pure function of its inputs.
public enum ExplorerRenderer {
    public static func render(_ s: ExplorerState, theme: Theme, spinner: Int = 0) -> Canvas {
        var c = Canvas(width: s.width, height: s.height)
        guard !s.tooSmall else {
            // Wrapped to the width, so "press q" is never cut off; a quit question shows too.
            var text = "asrlens needs at least \(ExplorerState.minimumWidth)x\(ExplorerState.minimumHeight); this terminal is \(s.width)x\(s.height). Enlarge it, or press q."
            if case .confirmQuit(let question) = s.mode { text = question }
            _ = c.paragraph(text, in: Region(x: 0, y: 0, width: s.width, height: s.height), row: 0, style: theme.alert)
            return c
        }
        let status = statusLine(s, theme: theme, spinner: spinner)
        c.fill(x: 0, y: 0, width: c.width, height: 1, with: Canvas.Cell(character: " ", style: theme.highlight))
        c.put(status.text, x: 0, y: 0, style: theme.highlight)
        let body = bodyRegion(width: c.width, height: c.height)
        let content = draw(&c, body, s, theme: theme)
        // The divider above the detail pane says where a scrolled view is, in lines of the view (a
        // map's title and axis are lines too, so "rows" would miscount its rows).
        let detailY = c.height - 1 - detailHeight
        var divider = String(repeating: theme.unicode ? "─" : "-", count: c.width)
        if content > body.height {
            let first = min(scroll(s), content - body.height)
            let label = " lines \(first + 1)–\(first + body.height) of \(content) (j k PgUp PgDn) "
            divider = String(divider.prefix(max(0, c.width - label.count - 2))) + label + String(divider.prefix(2))
        }
        c.put(divider, x: 0, y: detailY, style: theme.dim)
        let detail = Region(x: 1, y: detailY + 1, width: c.width - 2, height: detailHeight - 1)
        let cellDetail = Array((s.view == .lens ? LensView.detail(s) : s.view == .attention ? AttentionView.detail(s) : []).prefix(detailHeight - 2))
        for (i, line) in cellDetail.enumerated() { c.line(line, in: detail, row: i) }
        let message = s.status ?? (s.window?.dropReason).map { ExplorerState.Status($0) }
        if let message {
            // On the pane's last row; a long message wraps upwards into the rows the view leaves free.
            let last = detailHeight - 2
            var probe = Canvas(width: detail.width, height: 1)
            let rows = probe.paragraph(message.text, in: Region(x: 0, y: 0, width: detail.width, height: 0), row: 0)
            let first = max(cellDetail.count, last - rows + 1)
            for row in first...last { c.line("", in: detail, row: row) }
            c.paragraph(message.text, in: Region(x: detail.x, y: detail.y + first, width: detail.width, height: last - first + 1), row: 0,
                        style: message.isError ? theme.alert : theme.accent)
        }
        let bottom = c.height - 1
        switch s.mode {
        case .command(let line):
            // The cursor is the character under it in reverse video, or "_" past the end. A line
            // wider than the screen scrolls to keep the cursor in view, "…" for the part cut off.
            let chars = Array(line.text)
            func columns(_ a: Int, _ b: Int) -> Int { DisplayWidth.of(String(chars[a..<b])) }
            var start = 0
            while start < line.cursor, 2 + columns(start, line.cursor) > c.width { start += 1 }
            c.put((start > 0 ? "…" : ":") + String(chars[start...]) + (line.cursor == chars.count ? "_" : ""), x: 0, y: bottom)
            if line.cursor < chars.count {
                // At its screen column: a CJK character before it takes two.
                c.put(String(chars[line.cursor]), x: 1 + columns(start, line.cursor), y: bottom, style: Canvas.Style(reverse: true))
            }
        case .search(let text): c.put("/" + text + "_", x: 0, y: bottom)
        case .confirmQuit(let question): c.put(question, x: 0, y: bottom, style: theme.alert)
        default: c.put(Keymap.hints(s.view, width: c.width), x: 0, y: bottom, style: theme.dim)
        }
        if case .help(let filter, let scroll) = s.mode { HelpOverlay.draw(&c, s.view, mouse: s.mouse, filter: filter, scroll: scroll, theme: theme) }
        return c
    }

    /// Draws the current view (or the loading screen) and returns its content height in rows.
    @discardableResult
    static func draw(_ c: inout Canvas, _ body: Region, _ s: ExplorerState, theme: Theme) -> Int {
        guard let window = s.window else { return LoadingView.draw(&c, body, s, theme: theme) }
        switch s.view {
        case .transcript: return TranscriptView.draw(&c, body, s, window, theme: theme)
        case .lens: LensView.draw(&c, body, s, window, theme: theme); return 0
        case .encoderLens: return EncoderLensView.draw(&c, body, s, window, theme: theme)
        case .attention: return AttentionView.draw(&c, body, s, window, theme: theme)
        case .patch: return PatchView.draw(&c, body, s, window, theme: theme)
        case .sweep: SweepView.draw(&c, body, s, theme: theme); return 0
        }
    }

    /// The current view's scroll position.
    static func scroll(_ s: ExplorerState) -> Int {
        switch s.view {
        case .transcript: return s.transcriptScroll
        case .encoderLens: return s.encoderLensScroll
        case .attention: return s.attentionRowScroll
        case .patch: return s.patchListScroll
        default: return 0
        }
    }

    /// How far the current view can scroll: its content, measured by laying it out on a canvas
    /// of height 0, less what fits.
    static func maxScroll(_ s: ExplorerState) -> Int {
        var probe = Canvas(width: s.width, height: 0)
        let body = bodyRegion(width: s.width, height: s.height)
        let content = draw(&probe, body, unscrolled(s), theme: Theme(color: false, unicode: true))
        return max(0, content - body.height)
    }

    /// The current view laid out whole and unscrolled, one string per row: what `/` searches.
    static func contentLines(_ s: ExplorerState) -> [String] {
        let body = bodyRegion(width: s.width, height: s.height)
        let theme = Theme(color: false, unicode: true)
        var probe = Canvas(width: s.width, height: 0)
        let rows = draw(&probe, body, unscrolled(s), theme: theme)
        var c = Canvas(width: s.width, height: rows)
        draw(&c, Region(x: body.x, y: 0, width: body.width, height: rows), unscrolled(s), theme: theme)
        return c.text.split(separator: "\n", omittingEmptySubsequences: false).prefix(rows).map(String.init)
    }

    /// Rows at the top of a view that stay put while the rest scrolls.
    static func fixedRows(_ view: ExplorerState.View) -> Int { view == .patch ? PatchView.fixedRows : 0 }

    private static func unscrolled(_ s: ExplorerState) -> ExplorerState {
        var u = s
        u.transcriptScroll = 0; u.encoderLensScroll = 0; u.attentionRowScroll = 0; u.patchListScroll = 0
        return u
    }

    static let detailHeight = 4

    /// Where the current view draws on a width×height screen (also used to place mouse clicks).
    public static func bodyRegion(width: Int, height: Int) -> Region {
        Region(x: 1, y: 2, width: width - 2, height: height - 3 - detailHeight)
    }

    /// The status line's text and the columns of each view's tab in it.
    public static func statusLine(_ s: ExplorerState, theme: Theme, spinner: Int = 0)
        -> (text: String, tabs: [(view: ExplorerState.View, columns: Range<Int>)]) {
        let frames = Array(theme.unicode ? "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" : "|/-\\")
        // The spinner has a fixed slot, so the tabs never move under the mouse.
        // While another window loads, the header names the one still on screen and the one coming.
        let shownWindow = s.window?.index ?? s.windowIndex
        let busy = s.window == nil || s.computing || s.sweep.isRunning || shownWindow != s.windowIndex
        let spin = busy ? String(frames[spinner % frames.count]) : " "
        var clipName = s.clipName, brand = true, terse = false
        var head: String {
            var h = brand ? " asrlens \(spin) \(s.modelName)  \(clipName)" : " \(spin) \(s.modelName)  \(clipName)"
            let gap = terse ? " " : "  "
            if s.windowCount > 1 {
                // Padded to the loading form's width, so that the tabs stay put while a window loads.
                let loading = "\(shownWindow + 1)→\(s.windowIndex + 1)", settled = "\(s.windowIndex + 1)"
                let which = shownWindow == s.windowIndex ? settled : loading
                h += gap + (terse ? "w" : "window ") + "\(which)/\(s.windowCount)"
                    + String(repeating: " ", count: max(0, "\(s.windowIndex + 1)→\(s.windowIndex + 1)".count - which.count))
            }
            h += gap + (terse ? "p" : "patches ") + "\(s.settings.patches.count)"
            h += s.settings.attentionWindow.map { gap + (terse ? "" : "attention ") + theme.plusMinus + "\($0)" } ?? ""
            if !s.settings.patchSet.isEmpty { h += s.settings.showPatched ? " PATCHED" : " clean" }
            return h + (terse ? "  " : "   ")
        }
        func layout(titled: Bool, currentTitled: Bool = true) -> (String, [(view: ExplorerState.View, columns: Range<Int>)]) {
            var text = head
            var tabs: [(view: ExplorerState.View, columns: Range<Int>)] = []
            for v in ExplorerState.View.allCases {
                if v.rawValue > 1 { text += " " }
                let label = v == s.view ? (currentTitled ? "[\(v.rawValue) \(v.title)]" : "[\(v.rawValue)]")
                    : titled ? "\(v.rawValue) \(v.title)" : "\(v.rawValue)"
                tabs.append((v, text.count..<(text.count + label.count)))
                text += label
            }
            return (text, tabs)
        }
        // On narrow terminals, until every tab fits: only the current view keeps its title, the
        // clip name shortens to 8 characters, the program's name goes, the current view's title
        // goes, the window and patch counts go terse (w2/3 p1), and the clip name shortens to 3.
        // The model, the counts and every tab always stay.
        let full = layout(titled: true)
        if full.0.count <= s.width { return full }
        func shortenClip(to least: Int, _ text: String) {
            let overflow = text.count - s.width
            guard overflow > 0, s.clipName.count > least else { return }
            clipName = String(s.clipName.prefix(max(least, s.clipName.count - overflow - 1))) + "…"
        }
        var compact = layout(titled: false)
        shortenClip(to: 8, compact.0)
        compact = layout(titled: false)
        if compact.0.count <= s.width { return compact }
        brand = false
        compact = layout(titled: false)
        if compact.0.count <= s.width { return compact }
        compact = layout(titled: false, currentTitled: false)
        if compact.0.count <= s.width { return compact }
        terse = true
        clipName = s.clipName
        shortenClip(to: 3, layout(titled: false, currentTitled: false).0)
        return layout(titled: false, currentTitled: false)
    }

    /// "clean run" or "PATCHED run (N patches)": the words every view uses for the run it shows.
    static func runLabel(_ s: ExplorerState, theme: Theme) -> String {
        guard let shown = s.shown, shown.isPatched else {
            return s.settings.patchSet.isEmpty ? "clean run" : "clean run (x shows the patched one)"
        }
        let n = shown.patches.patches.count
        return "PATCHED run (\(n) patch\(n == 1 ? "" : "es")\(shown.patches.attentionWindow.map { ", attention \(theme.plusMinus)\($0)" } ?? ""))"
    }
}

/// The screen while the first window loads: what is being done, and how far along.
enum LoadingView {
    static func draw(_ c: inout Canvas, _ r: Region, _ s: ExplorerState, theme: Theme) -> Int {
        let (what, fraction) = s.loading ?? ("starting", 0)
        c.put("asrlens: loading \(s.clipName) on \(s.modelName)", in: r, row: 0, style: theme.accent)
        c.put(what, in: r, row: 2)
        let width = max(1, min(60, r.width - 8)), filled = Int(Double(width) * max(0, min(1, fraction)))
        c.put(String(repeating: theme.unicode ? "█" : "#", count: filled) + String(repeating: theme.unicode ? "░" : ".", count: width - filled)
              + String(format: " %3.0f%%", fraction * 100), in: r, row: 3)
        return 0
    }
}

/// The `?` overlay: every key of the view and the global ones, from the keymap; typing
/// filters, the arrows and PgUp/PgDn scroll. Opaque: nothing of the screen shows through.
enum HelpOverlay {
    static let keyWidth = 22

    static func draw(_ c: inout Canvas, _ view: ExplorerState.View, mouse: Bool, filter: String, scroll: Int, theme: Theme) {
        let rows = Keymap.helpRows(view, mouse: mouse).filter { filter.isEmpty || ($0.keys + " " + $0.help).lowercased().contains(filter.lowercased()) }
        // Each row's help wraps under itself; the lines of all rows scroll together.
        let textWidth = max(10, c.width - keyWidth - 3)
        var lines: [String] = []
        for row in rows {
            var current = "", first = true
            func emit() {
                lines.append(" " + (first ? row.keys : "").padding(toLength: keyWidth, withPad: " ", startingAt: 0) + " " + current)
                first = false
                current = ""
            }
            for word in row.help.split(separator: " ") {
                if !current.isEmpty && current.count + 1 + word.count > textWidth { emit() }
                current += (current.isEmpty ? "" : " ") + word
            }
            emit()
        }
        let box = Region(x: 0, y: 1, width: c.width, height: c.height - 2)
        c.fill(x: box.x, y: box.y, width: box.width, height: box.height, with: Canvas.Cell(character: " ", style: theme.highlight))
        let visible = box.height - 2
        let first = max(0, min(scroll, lines.count - visible))
        c.put(" keys: the \(view.title) view's, then every view's   filter: \(filter)_", in: box, row: 0, style: theme.highlight)
        if rows.isEmpty { c.put(" no matches for '\(filter)'", in: box, row: 1, style: theme.highlight) }
        for (i, line) in lines.dropFirst(first).prefix(visible).enumerated() { c.put(line, in: box, row: 1 + i, style: theme.highlight) }
        let more = lines.count > visible ? "   lines \(first + 1)–\(min(lines.count, first + visible)) of \(lines.count), ↑ ↓ scroll" : ""
        c.put(" Esc or ? closes\(more)", in: box, row: box.height - 1, style: theme.highlight)
    }
}
