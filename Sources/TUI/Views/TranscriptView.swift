import Analysis
import Foundation
import Model

/// View 1: the transcript with its tokens' probabilities (shaded), the no-speech verdict and
/// language, and word timings in the clip's own time. Scrolls with j/k.
enum TranscriptView {
    /// Whole seconds, or tenths where whole ones would hide the span ("93.9–94.1", not "94–94").
    static func seconds(_ t: Double) -> String {
        (t * 10).rounded() == (t.rounded() * 10) ? String(format: "%.0f", t) : String(format: "%.1f", t)
    }

    static func draw(_ c: inout Canvas, _ r: Region, _ s: ExplorerState, _ window: ClipWindow, theme: Theme) -> Int {
        let engine = window.engine
        let tok = engine.model.tokenizer
        // Until the clean lens is read the snapshot is not there; the clean run is.
        let run = s.shown?.run ?? engine.clean!
        let top = -s.transcriptScroll
        var row = top
        let span = window.span
        let where_ = s.windowCount > 1 || window.offset > 0
            ? "   window \(window.index + 1) of \(s.windowCount): \(Self.seconds(span.start))–\(Self.seconds(span.end)) s of \(Self.seconds(window.clipSeconds)) s" : ""
        c.put("\(ExplorerRenderer.runLabel(s, theme: theme))   language \(engine.language)\(s.languageDetected && window.offset > 0 ? " (detected on the first 30 s)" : "")   no-speech p \(String(format: "%.3f", window.noSpeechProb))\(run.patches.isEmpty ? "" : " (clean)")   tokens \(run.tokens.count)\(where_)",
              in: r, row: row, style: theme.accent)
        row += 1
        if let drop = window.dropReason {
            c.put(drop + " (asrlens transcribe prints no text for it)", in: r, row: row, style: theme.alert)
            row += 1
        }
        c.put("text:", in: r, row: row)
        let words = run.text.split(separator: " ").map { FlowItem(text: String($0)) }
        row = words.isEmpty ? row + 1 : c.flow(words, in: r, row: row, indent: 6)
        // One decode without timestamps ends at its first end of text, as faster-whisper's does
        // with without_timestamps=True: audio after the last word is not transcribed here.
        // Where the text ends is read from attention, not from the words' times: their DTW path
        // stretches over all the audio when the decode stopped early.
        if let early = window.words.earlyEnd(windowStart: window.offset, audioEnd: span.end) {
            let note = "\(early.extent); for speech after it, explore --offset \(early.textEndSeconds) (\(early.cause))"
            row = c.paragraph(note, in: r, row: row, style: theme.dim)
        }
        // Tokens, shaded by their probability under the run shown (teacher-forced clean
        // tokens); without colour the probability is written under each token.
        let under = run.patches.isEmpty ? "clean" : "patched"
        c.put("clean tokens, shaded by probability under the \(under) run:", in: r, row: row + 1, style: theme.dim)
        let tokens = engine.cleanTokens.enumerated().map { i, t in
            let p = expf(run.cleanTokenLogprobs[i])
            return FlowItem(text: tok.display(t).replacingOccurrences(of: "\n", with: "⏎"), style: theme.color ? theme.shade(p) : .plain,
                            note: theme.color ? nil : String(format: "%.2f", p))
        }
        row = tokens.isEmpty ? row + 3 : c.flow(tokens, in: r, row: row + 2, noteStyle: theme.dim)
        row += 1
        // Words in as many columns as fit, times in the clip's own seconds: the clean run's (the
        // patched transcript has no alignment of its own), said so when the patched run is shown.
        let columnWidth = 46
        let columns = max(1, (r.width + 2) / columnWidth)
        let list = window.words.words
        func pad(_ t: String, _ n: Int) -> String { DisplayWidth.padded(t, to: n) }
        for col in 0..<min(columns, max(1, list.count)) {
            c.put(pad(run.patches.isEmpty ? "word" : "clean word", 16) + "   start     end  frames", in: r, dx: col * columnWidth, row: row, style: theme.accent)
        }
        let perColumn = max(1, (list.count + columns - 1) / columns)
        for (i, w) in list.enumerated() {
            let f = w.frames
            let text = w.text.trimmingCharacters(in: .whitespaces)
            let line = pad(DisplayWidth.of(text) > 16 ? DisplayWidth.prefix(text, columns: 15) + "…" : text, 16)
                + String(format: " %7.2f %7.2f  %d:%d", window.offset + w.start, window.offset + w.end, f.lowerBound, f.upperBound)
            c.put(line, in: r, dx: (i / perColumn) * columnWidth, row: row + 1 + i % perColumn)
        }
        if list.isEmpty { c.put("(no words)", in: r, row: row + 1, style: theme.dim) }
        return row + 1 + max(1, perColumn) - top
    }
}
