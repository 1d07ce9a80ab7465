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

    static func draw(_ c: inout Canvas, _ r: Region, _ s: ExplorerState, _ window: ClipWindow, theme: Theme) -> Int {
        let engine = window.engine
        let kind = s.settings.attentionKind
        let w = self.window(s)
        let span = kind == .self ? "" : "   frames \(w.lowerBound)–\(w.upperBound - 1) (zoom \(s.zoom)x)"
        // The encoder's self-attention is always read from the clean run, as the encoder lens is.
        let runNote = kind == .encoder ? "clean run" : ExplorerRenderer.runLabel(s)
        c.put("\(title(s, engine))\(span)\(s.showPadding ? " incl. padding" : "")  \(runNote)", in: r, row: 0, style: theme.accent)
        guard let request = request(s), let m = window.attentionIfReady(request) else {
            c.put("computing the attention map…", in: r, row: 2)
            return r.height
        }
        let labelWidth = 10
        let width = max(1, r.width - labelWidth - 1)
        let tok = engine.model.tokenizer
        let targets = engine.cleanTokens + [engine.model.specials.eot]
        // Columns: the zoomed time window (frames), or every token for self-attention.
        let columns = kind == .self ? 0..<m.cols : w.clamped(to: 0..<m.cols)
        let bins = max(1, min(width, columns.count))
        // Rows: frames of the window, binned to the height (encoder), else one row per token, scrolled.
        let visible = max(1, r.height - 3)
        let rowBins: [Range<Int>]
        let first: Int
        if kind == .encoder {
            let rows = columns, n = min(visible, rows.count)
            rowBins = (0..<n).map { y in
                let lo = rows.lowerBound + y * rows.count / n
                return lo..<max(lo + 1, rows.lowerBound + (y + 1) * rows.count / n)
            }
            first = 0
        } else {
            first = max(0, min(s.attentionRowScroll, m.rows - visible))
            rowBins = (first..<min(m.rows, first + visible)).map { $0..<($0 + 1) }
        }
        let binWidth = max(1, columns.count / bins)
        for (y, rows) in rowBins.enumerated() {
            let label = kind == .encoder ? "f\(rows.lowerBound)" : rows.lowerBound < targets.count ? tok.display(targets[rows.lowerBound]) : "\(rows.lowerBound)"
            c.put(String(label.replacingOccurrences(of: "\n", with: "⏎").prefix(labelWidth - 1)), in: r, row: y + 1, style: theme.dim)
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
        let unit = kind == .self ? "columns: the prompt, then earlier tokens" : kind == .encoder ? "20 ms frames, binned; always the clean run's, whatever x shows" : "20 ms per frame, binned"
        c.put(theme.legend("0"), in: r, row: legendRow)
        c.put(" row max (whole row)  \(unit)", in: r, dx: 12, row: legendRow, style: theme.dim)
        return kind == .encoder ? r.height : m.rows + 3
    }
}
