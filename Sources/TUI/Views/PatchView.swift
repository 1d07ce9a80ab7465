import Analysis
import Model

/// View 5: a log-mel strip with word boundaries and a frame cursor; choose a span, a site and a
/// source, toggle patches, and see the word diff and per-token log-prob changes. Below the
/// controls, the patch list and the results scroll with j/k.
enum PatchView {
    static let bands = 4
    /// Rows of the fixed part: the strip, its marks and labels, and the controls.
    static let fixedRows = bands + 5

    /// The encoder frame under a screen position on the strip (spectrogram, marks or word
    /// labels), or nil elsewhere.
    static func frame(x: Int, y: Int, _ r: Region, state s: ExplorerState) -> Int? {
        guard let engine = s.engine else { return nil }
        let frames = max(1, engine.audioFrames)
        guard y >= r.y, y < r.y + bands + 2, x >= r.x, x < r.x + max(1, r.width) else { return nil }
        return min(frames - 1, (x - r.x) * frames / max(1, r.width))
    }

    static func draw(_ c: inout Canvas, _ r: Region, _ s: ExplorerState, _ window: ClipWindow, theme: Theme) -> Int {
        let engine = window.engine
        let frames = max(1, engine.audioFrames)
        let width = max(1, r.width)
        func frameAt(_ x: Int) -> Int { x * frames / width }
        func column(_ f: Int) -> Int { min(width - 1, f * width / frames) }
        // Spectrogram strip: 4 rows of mel bands (low bands at the bottom), 2 mel frames per encoder frame.
        if c.height > 0 {
            let f = engine.window
            var top: Float = -10, bottom: Float = 10
            for m in 0..<f.rows { for t in 0..<min(f.cols, 2 * frames) { top = max(top, f[m, t]); bottom = min(bottom, f[m, t]) } }
            for b in 0..<bands {
                var glyphs: [(Character, Canvas.Style)] = []
                for x in 0..<width {
                    let t0 = 2 * frameAt(x), t1 = max(t0 + 1, 2 * frameAt(x + 1))
                    let m0 = (bands - 1 - b) * f.rows / bands, m1 = (bands - b) * f.rows / bands
                    var sum: Float = 0, n: Float = 0
                    for m in m0..<m1 { for t in t0..<min(t1, f.cols) { sum += f[m, t]; n += 1 } }
                    glyphs.append(theme.glyph(n > 0 ? (sum / n - bottom) / max(top - bottom, 1e-6) : 0))
                }
                c.put(glyphs, in: r, row: b)
            }
        }
        // Word boundaries and labels, selection and cursor.
        var marks = [Character](repeating: " ", count: width)
        // Frames an encoder patch of the list covers (at any layer), under the other marks.
        let patched = s.settings.patches.filter { $0.site.stack == .encoder }
        for p in patched { for f in p.positions.rows(count: frames) { marks[column(f)] = "*" } }
        for w in window.words.words { marks[column(w.frames.lowerBound)] = "|" }
        if let sel = s.selection { for f in sel where f < frames { marks[column(f)] = "=" } }
        marks[column(min(s.frameCursor, frames - 1))] = "^"
        c.put(String(marks), in: r, row: bands)
        var x = 0
        for w in window.words.words {
            let col = column(w.frames.lowerBound)
            let label = w.text.trimmingCharacters(in: .whitespaces)
            // Only whole labels: one cut at the edge would read as another word ("the" for "them.").
            if col >= x, col + label.count <= width { c.put(label, in: r, dx: col, row: bands + 1, style: theme.dim); x = col + label.count + 1 }
        }
        let hyper = engine.model.hyper
        func seconds(_ f: Int) -> String { String(format: "%.2f", window.offset + Double(f) / 50) }
        let sel = s.selection.map { "\($0.lowerBound):\($0.upperBound) (\(seconds($0.lowerBound))–\(seconds($0.upperBound)) s)" }
            ?? "none ([ and ] mark it, w takes the word)"
        let word = window.words.words.first { $0.frames.contains(s.frameCursor) }.map { " in '\($0.text.trimmingCharacters(in: .whitespaces))'" } ?? ""
        let line = "cursor frame \(s.frameCursor) (\(seconds(s.frameCursor)) s)\(word)   selection \(sel)", legend = "   * patched frames"
        c.put(line + (!patched.isEmpty && line.count + legend.count <= width ? legend : ""), in: r, row: bands + 2)
        c.put("site \(s.selectedSite(hyper: hyper))  (c component, +/- layer 0–\(hyper.encoderLayers - 1))   source \(s.sources[s.source])  (s)",
              in: r, row: bands + 3)
        // The scrolled part: patches, diff, figures.
        let area = Region(x: r.x, y: r.y + fixedRows, width: r.width, height: max(0, r.height - fixedRows))
        let top = -s.patchListScroll
        var row = top
        let patches = s.settings.patches
        c.put("\(ExplorerRenderer.runLabel(s, theme: theme))\(s.computing ? ", computing the newest patch set…" : "")", in: area, row: row, style: theme.dim)
        row += 1
        c.put("patches:", in: area, row: row, style: theme.accent)
        let list = patches.isEmpty ? [FlowItem(text: "none", style: theme.accent)]
            : patches.enumerated().map { FlowItem(text: "[\($0.offset + 1)] \($0.element)", style: theme.accent) }
        row = c.flow(list, in: area, row: row, indent: 9, gap: 2)
        guard let shown = s.shown, let effect = shown.effect else {
            c.put(patches.isEmpty ? "no patch: space patches the selection" : "x shows the patched run's diff and figures", in: area, row: row + 1, style: theme.dim)
            return fixedRows + row + 2 - top
        }
        row += 1
        c.put("diff:", in: area, row: row, style: theme.dim)
        var items: [FlowItem] = []
        for edit in WordDiff.transcripts(engine.clean.text, shown.run.text) {
            switch edit {
            case .same(let w): items.append(FlowItem(text: w))
            case .removed(let w): items.append(FlowItem(text: "[-\(w)-]", style: theme.removed))
            case .added(let w): items.append(FlowItem(text: "{+\(w)+}", style: theme.added))
            case .substituted(let a, let b):
                items += [FlowItem(text: "[-\(a)-]", style: theme.removed), FlowItem(text: "{+\(b)+}", style: theme.added)]
            }
        }
        row = c.flow(LoopFoldItems.fold(items), in: area, row: row, indent: 9)
        let work = effect.patched.workWhenComputed
        c.put(String(format: "WER %.2f   loop %@   lens cells changed %d   layers evaluated %d of %d", effect.wer, effect.repetition ? "yes" : "no",
                     effect.changedCells.count, work.layersEvaluated, work.layersFull), in: area, row: row)
        if let how = effect.sameTextOtherTokens {
            row += 1
            c.put("the tokens differ though the text does not: \(how)", in: area, row: row, style: theme.changed)
        }
        row += 1
        let tok = engine.model.tokenizer
        c.put("Δ log-prob of each clean token under the patch:", in: area, row: row, style: theme.dim)
        let deltas = effect.deltaLogprob.prefix(engine.cleanTokens.count).enumerated().map { i, d in
            FlowItem(text: "\(tok.display(engine.cleanTokens[i]).trimmingCharacters(in: .whitespaces)) \(String(format: "%+.2f", d))",
                     style: d < -1 ? theme.changed : .plain)
        }
        row = deltas.isEmpty ? row + 2 : c.flow(deltas, in: area, row: row + 1, gap: 2)
        return fixedRows + row - top
    }
}

/// Folds the repeats of a looping diff, as `LoopFold` folds words: "{+you+} ×212".
enum LoopFoldItems {
    static func fold(_ items: [FlowItem]) -> [FlowItem] {
        var out: [FlowItem] = []
        var i = 0
        while i < items.count {
            var j = i + 1
            while j < items.count, items[j].text == items[i].text { j += 1 }
            if j - i >= 3 { out.append(FlowItem(text: "\(items[i].text) ×\(j - i)", style: items[i].style)) } else { out += items[i..<j] }
            i = j
        }
        return out
    }
}
