import Analysis
import Foundation
import Model

/// View 1: the tokens with their probabilities (shaded), word timings, no-speech and language.
enum TranscriptView {
    static func draw(_ c: inout Canvas, _ r: Region, state: ExplorerState, clip: ClipData, snap: Snapshot, theme: Theme) {
        let engine = clip.engine
        let tok = engine.model.tokenizer
        let run = snap.run
        c.put("language \(engine.language)   no-speech p \(String(format: "%.3f", clip.noSpeechProb))   tokens \(run.tokens.count)",
              in: r, row: 0, style: theme.accent)
        c.put("text: " + run.text.trimmingCharacters(in: .whitespaces), in: r, row: 1)
        // Tokens, shaded by their probability under the current run (teacher-forced clean tokens).
        var x = 0, row = 3
        c.put("tokens (shaded by probability):", in: r, row: 2, style: theme.dim)
        for (i, t) in engine.cleanTokens.enumerated() {
            let text = tok.display(t).replacingOccurrences(of: "\n", with: "⏎")
            let p = expf(run.cleanTokenLogprobs[i])
            if x + text.count + 1 > r.width { x = 0; row += 1 }
            guard row < r.height / 2 else { break }
            c.put(text, in: r, dx: x, row: row, style: theme.color ? theme.shade(p) : .plain)
            if !theme.color { c.put(String(format: "%.2f", p), in: r, dx: x, row: row + 1, style: theme.dim) }
            x += text.count + 1
        }
        row = max(row + 2, r.height / 2)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        c.put(pad("word", 16) + "  start    end  frames", in: r, row: row, style: theme.accent)
        // Words in columns, as many as fit.
        let columnWidth = 40
        let perColumn = max(1, r.height - row - 1)
        for (i, w) in clip.words.words.enumerated() {
            let col = i / perColumn, y = row + 1 + i % perColumn
            guard (col + 1) * columnWidth <= r.width + columnWidth / 2 else { break }
            let line = pad(w.text.trimmingCharacters(in: .whitespaces), 16)
                + String(format: " %6.2f %6.2f  %d:%d", w.start, w.end, w.frames.lowerBound, w.frames.upperBound)
            c.put(line, in: r, dx: col * columnWidth, row: y)
        }
    }
}
