import Analysis
import Model

/// View 4: attention heatmaps binned to the terminal width: cross-attention (tokens × time),
/// decoder self-attention, and encoder self-attention, with padding hidden by default.
enum AttentionView {
    /// The frames shown: all audio frames (or all 1500 with padding), divided by the zoom and
    /// panned by the offset.
    static func window(state: ExplorerState, clip: ClipData) -> Range<Int> {
        let all = state.showPadding ? clip.engine.model.hyper.audioPositions : max(1, clip.engine.audioFrames)
        let n = max(1, all / max(1, state.zoom))
        let start = max(0, min(state.attentionOffset, all - n))
        return start..<(start + n)
    }

    static func matrix(state: ExplorerState, clip: ClipData, snap: Snapshot) -> Matrix {
        let engine = clip.engine
        let run = state.showPatched ? snap.run : engine.clean!
        let hyper = engine.model.hyper
        let w = window(state: state, clip: clip)
        let full: Matrix
        if state.attentionKind == .encoder {
            // One pass yields every head of the layer; keep them all so head changes are instant.
            let layer = min(state.attentionLayer, hyper.encoderLayers - 1), head = min(state.attentionHead, hyper.encoderHeads - 1)
            let all = state.showPadding ? hyper.audioPositions : engine.audioFrames
            full = clip.cache.value("encoder-self \(layer) \(all)") {
                AttentionMaps.encoderSelfHeads(engine, layer: layer, heads: Array(0..<hyper.encoderHeads), frames: all)
            }[head]
        } else {
            full = AttentionMaps.select(state.attentionKind, engine, run, layer: state.attentionLayer, head: state.attentionHead, frames: w.upperBound)
        }
        if state.attentionKind == .self { return full }   // tokens × tokens: no time axis
        let rows = state.attentionKind == .encoder ? w : 0..<full.rows
        var out = Matrix(zeros: rows.count, w.count)
        for (i, r) in rows.enumerated() { for (j, c) in w.enumerated() { out[i, j] = full[r, c] } }
        return out
    }

    static func draw(_ c: inout Canvas, _ r: Region, state: ExplorerState, clip: ClipData, snap: Snapshot, theme: Theme) {
        let m = matrix(state: state, clip: clip, snap: snap)
        let tok = clip.engine.model.tokenizer
        let what: String
        switch state.attentionKind {
        case .alignment: what = "cross-attention, mean of the alignment heads"
        case .mean: what = "cross-attention, mean of all \(clip.engine.model.hyper.decoderLayers * clip.engine.model.hyper.decoderHeads) heads"
        case .cross: what = "cross-attention layer \(state.attentionLayer) head \(state.attentionHead)"
        case .self: what = "decoder self-attention layer \(state.attentionLayer) head \(state.attentionHead)"
        case .encoder: what = "encoder self-attention layer \(state.attentionLayer) head \(state.attentionHead)"
        }
        let w = window(state: state, clip: clip)
        let span = state.attentionKind == .self ? "" : "   frames \(w.lowerBound)–\(w.upperBound - 1) (zoom \(state.zoom)x)"
        c.put("\(what)\(span)\(state.showPadding ? " incl. padding" : "")   \(state.showPatched && !snap.patches.isEmpty ? "PATCHED" : "clean")",
              in: r, row: 0, style: theme.accent)
        let labelWidth = 10
        let width = max(1, r.width - labelWidth - 1)
        let rows = min(m.rows, r.height - 3)
        // Rows are binned when there are more than fit (encoder self-attention).
        for y in 0..<rows {
            let lo = y * m.rows / rows, hi = max(lo + 1, (y + 1) * m.rows / rows)
            let label: String
            if state.attentionKind == .encoder {
                label = "f\(w.lowerBound + lo)"
            } else {
                let targets = clip.engine.cleanTokens + [clip.engine.model.specials.eot]
                label = lo < targets.count ? tok.display(targets[lo]) : "\(lo)"
            }
            c.put(String(label.prefix(labelWidth - 1)), in: r, row: y + 1, style: theme.dim)
            var values = [Float](repeating: 0, count: min(width, m.cols))
            for b in values.indices {
                let c0 = b * m.cols / values.count, c1 = max(c0 + 1, (b + 1) * m.cols / values.count)
                var s: Float = 0
                for row in lo..<hi { for col in c0..<c1 { s += m[row, col] } }
                values[b] = s / Float((c1 - c0) * (hi - lo))
            }
            let top = max(values.max() ?? 0, 1e-12)
            c.put(values.map { theme.glyph($0 / top) }, x: r.x + labelWidth, y: r.y + y + 1)
        }
        if rows + 2 < r.height {
            c.put(theme.legend("row max 0"), x: r.x, y: r.y + rows + 2)
            c.put(" 1  (20 ms per frame, binned)", in: r, dx: 21, row: rows + 2, style: theme.dim)
        }
    }
}
