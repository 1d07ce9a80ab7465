import Analysis
import Model

/// View 5: a log-mel strip with word boundaries and a frame cursor; choose a span, a site and a
/// source, toggle patches, and see the word diff and per-token log-prob changes.
enum PatchView {
    static let bands = 4

    /// The encoder frame under a screen position on the strip (spectrogram, marks or word
    /// labels), or nil elsewhere.
    static func frame(x: Int, y: Int, _ r: Region, clip: ClipData) -> Int? {
        let frames = max(1, clip.engine.audioFrames)
        guard y >= r.y, y < r.y + bands + 2, x >= r.x, x < r.x + max(1, r.width) else { return nil }
        return min(frames - 1, (x - r.x) * frames / max(1, r.width))
    }

    static func draw(_ c: inout Canvas, _ r: Region, state: ExplorerState, clip: ClipData, snap: Snapshot, theme: Theme) {
        let engine = clip.engine
        let frames = max(1, engine.audioFrames)
        let width = max(1, r.width)
        func frameAt(_ x: Int) -> Int { x * frames / width }
        func column(_ f: Int) -> Int { min(width - 1, f * width / frames) }
        // Spectrogram strip: 4 rows of mel bands (low bands at the bottom), 2 mel frames per encoder frame.
        let f = clip.features
        var top: Float = -10, bottom: Float = 10
        for m in 0..<f.rows { for t in 0..<min(f.cols, 2 * frames) { top = max(top, f[m, t]); bottom = min(bottom, f[m, t]) } }
        for b in 0..<bands {
            var glyphs: [(Character, Canvas.Style)] = []
            for x in 0..<width {
                let t0 = 2 * frameAt(x), t1 = max(t0 + 1, 2 * frameAt(x + 1))
                let m0 = (bands - 1 - b) * f.rows / bands, m1 = (bands - b) * f.rows / bands
                var s: Float = 0, n: Float = 0
                for m in m0..<m1 { for t in t0..<min(t1, f.cols) { s += f[m, t]; n += 1 } }
                glyphs.append(theme.glyph(n > 0 ? (s / n - bottom) / max(top - bottom, 1e-6) : 0))
            }
            c.put(glyphs, x: r.x, y: r.y + b)
        }
        // Word boundaries and labels, selection and cursor.
        var marks = [Character](repeating: " ", count: width)
        for w in clip.words.words { marks[column(w.frames.lowerBound)] = "|" }
        if let sel = state.selection { for f in sel where f < frames { marks[column(f)] = "=" } }
        marks[column(min(state.frameCursor, frames - 1))] = "^"
        c.put(String(marks), in: r, row: bands)
        var x = 0
        for w in clip.words.words {
            let col = column(w.frames.lowerBound)
            let label = w.text.trimmingCharacters(in: .whitespaces)
            if col >= x { c.put(label, in: r, dx: col, row: bands + 1, style: theme.dim); x = col + label.count + 1 }
        }
        let hyper = engine.model.hyper
        let sel = state.selection.map { "\($0.lowerBound):\($0.upperBound) (\(String(format: "%.2f", Double($0.lowerBound) / 50))–\(String(format: "%.2f", Double($0.upperBound) / 50)) s)" } ?? "none ([ and ] mark it, w takes the word)"
        c.put("cursor frame \(state.frameCursor)   selection \(sel)", in: r, row: bands + 3)
        c.put("site \(ExplorerState.components[state.component] == "out" ? "enc.out" : "enc.\(state.patchLayer).\(ExplorerState.components[state.component])")  (c component, +/- layer 0–\(hyper.encoderLayers - 1))   source \(state.sources[state.source])  (s)",
              in: r, row: bands + 4)
        c.put("patches: " + (snap.patches.isEmpty ? "none" : snap.patches.patches.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "  ")),
              in: r, row: bands + 5, style: theme.accent)
        // The clean and patched transcripts as one inline word diff.
        var row = bands + 7
        c.put("diff:", in: r, row: row, style: theme.dim)
        var items: [FlowItem] = []
        for edit in WordDiff.transcripts(engine.clean.text, snap.run.text) {
            switch edit {
            case .same(let w): items.append(FlowItem(text: w))
            case .removed(let w): items.append(FlowItem(text: "[-\(w)-]", style: theme.removed))
            case .added(let w): items.append(FlowItem(text: "{+\(w)+}", style: theme.added))
            case .substituted(let a, let b):
                items += [FlowItem(text: "[-\(a)-]", style: theme.removed), FlowItem(text: "{+\(b)+}", style: theme.added)]
            }
        }
        row = c.flow(items, in: r, row: row, indent: 9, limit: r.height - 4) - 1
        if let e = snap.effect {
            row += 1
            c.put(String(format: "WER %.2f   loop %@   lens cells changed %d   layers evaluated %d", e.wer, e.repetition ? "yes" : "no",
                         e.changedCells.count, e.patched.work.layersEvaluated), in: r, row: row)
            row += 1
            let tok = engine.model.tokenizer
            c.put("Δ log-prob:", in: r, row: row, style: theme.dim)
            let deltas = e.deltaLogprob.prefix(engine.cleanTokens.count).enumerated().map { i, d in
                FlowItem(text: "\(tok.display(engine.cleanTokens[i]).trimmingCharacters(in: .whitespaces)) \(String(format: "%+.2f", d))",
                         style: d < -1 ? theme.changed : .plain)
            }
            c.flow(deltas, in: r, row: row + 1, gap: 2)
        }
    }
}
