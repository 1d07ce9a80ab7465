import Analysis
import Model

/// View 4: attention heatmaps binned to the terminal width: cross-attention (tokens × time),
/// decoder self-attention (tokens × tokens), and encoder self-attention (frames × frames, rows
/// binned), padding hidden by default. Every row is scaled to its own maximum over the whole
/// row, so zooming in never brightens a row whose attention lies off screen.
enum AttentionView {
    /// The frames shown: all audio frames (or all 1500 with padding), divided by the zoom and
    /// panned by the offset.
    static func window(_ s: ExplorerState) -> Range<Int> {
        guard let engine = s.engine else { return 0..<1 }
        let all = allFrames(s, engine)
        let n = max(1, all / max(1, s.zoom))
        let start = max(0, min(s.attentionOffset, all - n))
        return start..<(start + n)
    }

    static func allFrames(_ s: ExplorerState, _ engine: Engine) -> Int {
        s.showPadding ? engine.model.hyper.audioPositions : max(1, engine.audioFrames)
    }

    /// The map the settings select, for the run shown.
    static func request(_ s: ExplorerState) -> AttentionRequest? {
        guard let engine = s.engine, let shown = s.shown else { return nil }
        return AttentionRequest(kind: s.settings.attentionKind, layer: s.settings.layer, head: s.settings.head,
                                frames: allFrames(s, engine), patches: shown.patches)
    }

    static func title(_ s: ExplorerState, _ engine: Engine) -> String { AttentionMaps.title(s.settings, hyper: engine.model.hyper) }

    /// The map on screen, once computed.
    static func matrix(_ s: ExplorerState) -> Matrix? {
        guard let window = s.window, let request = request(s) else { return nil }
        return window.attentionIfReady(request)
    }

    /// The rows of the map as drawn, each the matrix rows it shows: one per token, or on the
    /// encoder map the window's frames binned into the rows the screen has.
    static func rowBins(_ s: ExplorerState, _ m: Matrix, height: Int) -> [Range<Int>] {
        guard s.settings.attentionKind == .encoder else { return (0..<m.rows).map { $0..<($0 + 1) } }
        let rows = window(s).clamped(to: 0..<m.rows), n = max(1, min(max(1, height - 3), rows.count))
        return (0..<n).map { y in
            let lo = rows.lowerBound + y * rows.count / n
            return lo..<max(lo + 1, rows.lowerBound + (y + 1) * rows.count / n)
        }
    }

    /// The cell under a click: its row (as the cursor counts rows) and the columns its bin holds.
    static func cell(x: Int, y: Int, state s: ExplorerState, _ r: Region) -> (row: Int, columns: Range<Int>)? {
        guard let m = matrix(s) else { return nil }
        let all = rowBins(s, m, height: r.height), visible = max(1, r.height - 3)
        let first = s.settings.attentionKind == .encoder ? 0 : max(0, min(s.attentionRowScroll, all.count - visible))
        let row = first + (y - r.y - 1), dx = x - r.x - labelWidth
        let columns = s.settings.attentionKind == .self ? 0..<m.cols : window(s).clamped(to: 0..<m.cols)
        let bins = max(1, min(max(1, r.width - labelWidth - 1), columns.count))
        guard y - r.y >= 1, row < min(all.count, first + visible), dx >= 0, dx < bins else { return nil }
        let c0 = columns.lowerBound + dx * columns.count / bins
        return (row, c0..<max(c0 + 1, columns.lowerBound + (dx + 1) * columns.count / bins))
    }

    static let labelWidth = 10

    /// The rows the body shows at once (the rest scroll).
    static func visibleRows(_ s: ExplorerState) -> Int {
        max(1, ExplorerRenderer.bodyRegion(width: s.width, height: s.height).height - 3)
    }

    /// Where the cursor row looks: its peak column (frame or token) with the weight and time,
    /// the frames holding half its weight, and the picked cell's weight after a click.
    static func detail(_ s: ExplorerState) -> [String] {
        guard let engine = s.engine, let m = matrix(s) else { return [] }
        let bins = rowBins(s, m, height: ExplorerRenderer.bodyRegion(width: s.width, height: s.height).height)
        guard s.attentionRow < bins.count else { return [] }
        let rows = bins[s.attentionRow], kind = s.settings.attentionKind
        let tok = engine.model.tokenizer, targets = engine.cleanTokens + [engine.model.specials.eot], keys = AttentionMaps.keyTokens(engine)
        let columns = kind == .self ? 0..<m.cols : window(s).clamped(to: 0..<m.cols)
        // The rows' mean weight per column (one row except on the encoder map), once per draw.
        let weights = (0..<m.cols).map { col in rows.reduce(Float(0)) { $0 + m[$1, col] } / Float(rows.count) }
        let weight = { (col: Int) -> Float in weights[col] }
        let whole = 0..<m.cols
        guard let peak = whole.max(by: { weight($0) < weight($1) }) else { return [] }
        func column(_ c: Int) -> String {
            // Decoder self-attention's columns are key positions: the prompt, then the transcript.
            if kind == .self { return c < keys.count ? "key \(c) '\(tok.display(keys[c]))'" : "key \(c)" }
            return "\(String(format: "%.2f", engine.windowStart + Double(c) * 0.02)) s (frame \(c))"
        }
        let name = kind == .encoder ? "frames \(rows.lowerBound)–\(rows.upperBound - 1)"
            : rows.lowerBound < targets.count ? "row \(rows.lowerBound) '\(tok.display(targets[rows.lowerBound]))'" : "row \(rows.lowerBound)"
        let seconds = { (frame: Int) in String(format: "%.2f", engine.windowStart + Double(frame) * 0.02) }
        var lines = ["\(name): peak \(String(format: "%.3f", weight(peak))) at \(column(peak))"], second: [String] = []
        if kind != .self {
            // The narrowest span around the peak that holds half the weight shown. A row sums to 1
            // over all 1,500 frames; with the padding hidden, the share on the audio says how much
            // of it that is (the rest, and perhaps a higher peak, lie in the padding).
            let total = whole.reduce(Float(0)) { $0 + weight($1) }
            let hidden = !s.showPadding && m.cols < engine.model.hyper.audioPositions
            var lo = peak, hi = peak, mass = weight(peak)
            while mass < total / 2 && (lo > 0 || hi < m.cols - 1) {
                let left = lo > 0 ? weight(lo - 1) : -1, right = hi < m.cols - 1 ? weight(hi + 1) : -1
                if left >= right { lo -= 1; mass += left } else { hi += 1; mass += right }
            }
            if hidden {
                lines[0] = "\(name): peak on the audio \(String(format: "%.3f", weight(peak))) at \(column(peak))"
                second.append("\(String(format: "%.0f", 100 * total))% of its weight on the audio (p shows the rest), "
                              + "half of that in \(seconds(lo))–\(seconds(hi + 1)) s")
            } else {
                second.append("half its weight in \(seconds(lo))–\(seconds(hi + 1)) s")
            }
        }
        if let pick = s.attentionPick, columns.contains(pick.lowerBound) {
            let mean = pick.reduce(Float(0)) { $0 + weight($1) } / Float(max(1, pick.count))
            let span = pick.count == 1 ? column(pick.lowerBound) : kind == .self ? "keys \(pick.lowerBound)–\(pick.upperBound - 1)"
                : "\(seconds(pick.lowerBound))–\(seconds(pick.upperBound)) s (frames \(pick.lowerBound)–\(pick.upperBound - 1))"
            second.append("clicked cell: \(span), mean weight \(String(format: "%.4f", mean))")
        }
        if !second.isEmpty { lines.append(second.joined(separator: "; ")) }
        return lines
    }

    static func draw(_ c: inout Canvas, _ r: Region, _ s: ExplorerState, _ window: ClipWindow, theme: Theme) -> Int {
        let engine = window.engine
        let kind = s.settings.attentionKind
        let w = self.window(s)
        let span = kind == .self ? "" : "   frames \(w.lowerBound)–\(w.upperBound - 1) (zoom \(s.zoom)x)"
        // Encoder self-attention sees only the encoder's patches, as the encoder lens does.
        let runNote = kind == .encoder && EncoderLens.encoderPart(s.settings.shownPatchSet).isEmpty && s.shown?.isPatched == true
            ? "clean encoder: the patches are all in the decoder" : ExplorerRenderer.runLabel(s, theme: theme)
        // The run first: on a narrow screen the frame span is what gets cut.
        c.put("\(title(s, engine))  \(runNote)\(span)\(s.showPadding ? " incl. padding" : "")", in: r, row: 0, style: theme.accent)
        guard let request = request(s), let m = window.attentionIfReady(request) else {
            c.put("computing the attention map…", in: r, row: 2)
            return r.height
        }
        let width = max(1, r.width - labelWidth - 1)
        let tok = engine.model.tokenizer
        let targets = engine.cleanTokens + [engine.model.specials.eot]
        // Columns: the zoomed time window (frames), or every token for self-attention.
        let columns = kind == .self ? 0..<m.cols : w.clamped(to: 0..<m.cols)
        let bins = max(1, min(width, columns.count))
        // Rows: frames of the window, binned to the height (encoder), else one row per token, scrolled.
        let visible = max(1, r.height - 3)
        let all = self.rowBins(s, m, height: r.height)
        let first = kind == .encoder ? 0 : max(0, min(s.attentionRowScroll, all.count - visible))
        let rowBins = Array(all[first..<min(all.count, first + visible)])
        let binWidth = max(1, columns.count / bins)
        for (y, rows) in rowBins.enumerated() {
            let label = kind == .encoder ? "f\(rows.lowerBound)" : rows.lowerBound < targets.count ? tok.display(targets[rows.lowerBound]) : "\(rows.lowerBound)"
            let cursor = first + y == s.attentionRow
            c.put(String(label.replacingOccurrences(of: "\n", with: "⏎").prefix(labelWidth - 1)), in: r, row: y + 1,
                  style: cursor ? theme.highlight : theme.dim)
            func mean(_ cols: Range<Int>) -> Float {
                var sum: Float = 0
                for row in rows { for col in cols { sum += m[row, col] } }
                return sum / Float(max(1, cols.count * rows.count))
            }
            let values = (0..<bins).map { b -> Float in
                let c0 = columns.lowerBound + b * columns.count / bins
                return mean(c0..<max(c0 + 1, columns.lowerBound + (b + 1) * columns.count / bins))
            }
            // The row's maximum over all its columns, binned as on screen.
            var peak: Float = 1e-12
            if kind == .self {
                peak = max(peak, values.max() ?? 0)
            } else {
                var c0 = 0
                while c0 < m.cols { peak = max(peak, mean(c0..<min(m.cols, c0 + binWidth))); c0 += binWidth }
            }
            c.put(values.map { theme.glyph($0 / peak) }, in: r, dx: labelWidth, row: y + 1)
        }
        let legendRow = rowBins.count + 2
        let unit = kind == .self ? "columns: the prompt, then earlier tokens" : kind == .encoder ? "20 ms frames, binned" : "20 ms per frame, binned"
        c.put(theme.legend("0"), in: r, row: legendRow)
        c.put(" row max (whole row)  \(unit)", in: r, dx: 12, row: legendRow, style: theme.dim)
        return kind == .encoder ? r.height : m.rows + 3
    }
}
