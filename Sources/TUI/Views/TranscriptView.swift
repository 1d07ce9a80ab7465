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
        let half = r.height / 2
        c.put("text:", in: r, row: 1)
        var row = c.flow(run.text.split(separator: " ").map { FlowItem(text: String($0)) }, in: r, row: 1, indent: 6, limit: half)
        // Tokens, shaded by their probability under the current run (teacher-forced clean
        // tokens); without colour the probability is written under each token.
        c.put("tokens (shaded by probability):", in: r, row: row + 1, style: theme.dim)
        let tokens = engine.cleanTokens.enumerated().map { i, t in
            let p = expf(run.cleanTokenLogprobs[i])
            return FlowItem(text: tok.display(t).replacingOccurrences(of: "\n", with: "⏎"), style: theme.color ? theme.shade(p) : .plain,
                            note: theme.color ? nil : String(format: "%.2f", p))
        }
        row = c.flow(tokens, in: r, row: row + 2, limit: half + 4, noteStyle: theme.dim)
        row = max(row + 1, half)
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
