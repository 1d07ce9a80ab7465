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
            var x = 12
            for word in layer.text.split(separator: " ") {
                let w = String(word)
                if x + w.count + 1 > r.width { row += 1; x = 12 }
                guard row < r.height else { break }
                let differs = !final.contains(WordErrorRate.words(w).first ?? "")
                c.put(w, in: r, dx: x, row: row, style: differs ? theme.highlight : .plain)
                x += w.count + 1
            }
            row += 2
        }
    }
}
