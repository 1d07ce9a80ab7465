import Analysis
import Model

/// View 3: one transcript per encoder layer, read by the unchanged decoder; words absent from
/// the final transcript are highlighted, loops are flagged and folded (`(you) ×212`), and the
/// final transcript stands first for comparison. Scrolls with j/k.
enum EncoderLensView {
    static func draw(_ c: inout Canvas, _ r: Region, _ s: ExplorerState, _ window: ClipWindow, theme: Theme) -> Int {
        let top = -s.encoderLensScroll
        let with = s.settings.lnPost ? "with" : "without"
        let set = s.settings.shownPatchSet, encoder = EncoderLens.encoderPart(set)
        let which = set.isEmpty ? ExplorerRenderer.runLabel(s, theme: theme)
            : encoder.isEmpty ? "the clean encoder: the patches are all in the decoder, which the lens does not use"
            : ExplorerRenderer.runLabel(s, theme: theme) + (encoder == set ? "" : ": its encoder patches only")
        c.put("encoder lens \(with) ln_post (e toggles), \(which)", in: r, row: top, style: theme.accent)
        guard let lens = window.encoderLensIfReady(lnPost: s.settings.lnPost, set: set) else {
            c.put("decoding a transcript from every encoder layer… (a looping layer decodes up to 224 tokens)", in: r, row: top + 2)
            return 3
        }
        // The shown run's transcript, to compare each layer's with.
        let finalText = (set.isEmpty ? nil : window.snapshotIfReady(set)?.run.text) ?? window.engine.clean.text
        let final = Set(WordErrorRate.words(finalText))
        var row = top + 2
        c.put("final  ", in: r, row: row, style: theme.dim)
        row = c.flow(finalText.split(separator: " ").map { FlowItem(text: String($0)) }, in: r, row: row, indent: 12) + 1
        for layer in lens.layers {
            c.put(String(format: "enc %-2d %@", layer.layer, layer.repetition ? "LOOP" : "    "), in: r, row: row,
                  style: layer.repetition ? theme.changed : theme.dim)
            let words = LoopFold.fold(window.engine.model.tokenizer.displayText(layer.tokens).split(separator: " ").map(String.init)).map { w in
                FlowItem(text: w, style: final.contains(WordErrorRate.words(w).first ?? "") ? .plain : theme.highlight)
            }
            row = words.isEmpty ? row + 1 : c.flow(words, in: r, row: row, indent: 12)
            row += 1
        }
        return row - top
    }
}
