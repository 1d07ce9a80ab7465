import Analysis
import Model

/// View 3: one transcript per encoder layer; words absent from the final transcript are
/// highlighted and loops are flagged.
enum EncoderLensView {
    static func draw(_ c: inout Canvas, _ r: Region, state: ExplorerState, clip: ClipData, theme: Theme) {
        let lens = state.lnPost ? clip.encoderLens : clip.encoderLensRaw
        c.put("encoder lens \(state.lnPost ? "with" : "without") ln_post (l toggles)", in: r, row: 0, style: theme.accent)
        let final = Set(WordErrorRate.words(clip.engine.clean.text))
        var row = 2
        for layer in lens.layers where row < r.height {
            c.put(String(format: "enc %-2d %@", layer.layer, layer.repetition ? "LOOP" : "    "), in: r, row: row,
                  style: layer.repetition ? theme.changed : theme.dim)
            let words = layer.text.split(separator: " ").map { w in
                FlowItem(text: String(w), style: final.contains(WordErrorRate.words(String(w)).first ?? "") ? .plain : theme.highlight)
            }
            row = c.flow(words, in: r, row: row, indent: 12)
            row += 1
        }
    }
}
