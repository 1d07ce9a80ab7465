import Foundation
import Model

/// The Markdown form of a `Report`: one section per experiment, each closing with the paper's
/// findings against this model's, gathered again with their rules in a summary at the end.
public enum MarkdownReport {
    public static func render(_ report: Report) -> String {
        let h = report.header
        var text = """
            # Replicating "Beyond Transcription" on \(h.model)

            Generated on \(h.date) by asrlens at commit `\(h.commit)` with

                \(h.command)

            Model: \(h.model), \(h.encoderLayers) encoder and \(h.decoderLayers) decoder layers, \(h.heads) heads, width \(h.width).
            Clip for the single-clip sections: `\(h.clip)`. Data: \(h.data.isEmpty ? "none." : "")
            \(h.sources.map(source).joined())
            Every number below comes from that one run\(report.repetitionParts.isEmpty ? "" : ", except those of the repetition section, which merges the parts of a sharded run named there"). \
            The methods, the controls and the verdict rules are described in `docs/methods.md`; each section names the asrlens \
            command that computes its part alone.

            """
        func section(_ title: String, _ body: String, closing: Report.Section, data: String? = nil) {
            text += "\n## \(title)\n\n\(body)\n"
            for f in report.findings where f.section == closing && (data == nil || f.data == data) {
                text += "\n**Paper:** \(f.paper) **\(h.model):** \(f.observed) (\(f.verdict.text))\n"
            }
        }
        if let lenses = report.lenses {
            section("1. Logit lens (decoder)", logitLens(lenses, h), closing: .logitLens)
            section("2. Encoder lens", encoderLens(lenses, h), closing: .encoderLens)
        }
        if let survey = report.lensSurvey { section("Lenses over \(survey.data)", lensSurvey(survey, h), closing: .lensSurvey, data: survey.data) }
        for data in h.data {
            let probes = report.probes.filter { $0.experiment.data == data }
            if !probes.isEmpty { section("3. Linear probes (\(data))", probes.map { probe($0, h) + transfer($0, report.transfers) }.joined(), closing: .probes, data: data) }
        }
        if let tokens = report.tokenProbe, let data = report.tokenProbeData {
            section("Decoder probes per token (\(data))", tokenProbe(tokens, data, h), closing: .tokenProbe)
        }
        if let sweep = report.sweep { section("4. Patching sweep", self.sweep(sweep, h), closing: .sweep) }
        if let heads = report.heads { section("5. Attention heads", self.heads(heads, h), closing: .heads) }
        if let repetition = report.repetition { section("6. Repetition hunting", self.repetition(repetition, h, parts: report.repetitionParts), closing: .repetition) }
        if let windows = report.attentionWindows { section("7. Localised encoder attention", attentionWindows(windows, h), closing: .attentionWindows) }
        if let bias = report.contextBias { section("8. Contextual bias", contextBias(bias), closing: .contextBias) }
        let summary = Table(headers: ["paper", h.model, "verdict", "rule"],
                            rows: report.findings.map { [$0.paper, $0.observed, $0.verdict.text, $0.verdict.rule] })
        text += "\n## Summary: the paper's findings on \(h.model)\n\n\(summary.markdown)\n"
        return text
    }

    /// One data file's line in the header: how it was made and by which synthesizers.
    static func source(_ s: Report.DataSource) -> String {
        let made = s.made.map { "made by `\($0.command)` (asrlens \($0.asrlens), \($0.date))" } ?? "not a file `asrlens dataset synth` wrote (its folder's dataset.json does not list these bytes)"
        return "- `\(s.data)`: \(made)" + (s.synthesizers.isEmpty ? "" : "; spoken by \(s.synthesizers.joined(separator: ", "))") + ".\n"
    }

    static func code(_ lines: [String]) -> String { "```\n" + lines.joined(separator: "\n") + "\n```\n" }
    static func code(_ table: Table) -> String { "```\n" + table.text + "```\n" }
    static func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }

    static func logitLens(_ lenses: Report.Lenses, _ h: Report.Header) -> String {
        let saturated = lenses.saturation.compactMap { $0 }
        let histogram = (0...h.decoderLayers).map { k in
            let n = saturated.filter { $0 == k }.count
            return String(format: "%@ %2d ", k == 0 ? "emb" : String(format: "L%-2d", k - 1), n) + String(repeating: "█", count: n)
        }
        return """
            `asrlens lens \(h.clip) --model \(h.model)`: top-1 token per decoder layer (rows) and transcript token \
            (columns), `*` at the saturation layer, with the probability of the final token.

            \(code(lenses.logitLens))
            Saturation layer per token (first layer from which top-1 is final and stays so; `emb` is the embedding):

            \(code(histogram))
            """
    }

    static func encoderLens(_ lenses: Report.Lenses, _ h: Report.Header) -> String {
        let rows = lenses.encoderLens.map { ["\($0.layer)", String(format: "%.2f", $0.wer), $0.repetition ? "loop" : "", Sweep.clippedText($0.text, 70)] }
        return """
            `asrlens encoder-lens \(h.clip) --model \(h.model)`: the decoder reads each encoder layer's output through ln_post.

            \(code(Table(headers: ["layer", "WER vs final", "loop", "transcript"], rows: rows)))
            """
    }

    static func lensSurvey(_ survey: Report.LensSurveySection, _ h: Report.Header) -> String {
        let s = survey.summary
        let rows = s.encoder.map {
            [String($0.layer), String(format: "%.2f", $0.meanWER), percent($0.grounded), percent($0.loops),
             $0.fluent.map(percent) ?? "n/a", $0.ungrounded.map(percent) ?? "n/a"]
        }
        let names = (0...h.decoderLayers).map { $0 == 0 ? "emb" : "L\($0 - 1)" } + ["never"]
        return """
            Both lenses on \(s.clips) clips drawn by a fixed seed from `\(survey.data)`\(s.skipped > 0 ? " (\(s.skipped) unreadable, skipped)" : ""). \
            Encoder lens per layer, against each clip's final transcript:

            \(code(Table(headers: ["layer", "mean WER", "clips within WER 0.5", "clips looping", "clips fluent", "fluent, ungrounded"], rows: rows)))
            A lens transcript is *fluent* when it has at least 3 words, 90% of them in Debian's English word list (`wamerican`), \
            and *fluent, ungrounded* when it is also WER 0.5 or more from the clip's final transcript: the text the paper sees from \
            near-top layers that does not follow the audio.

            Saturation layer of the \(s.tokens) tokens: \(zip(names, s.saturation).map { "\($0) \($1)" }.joined(separator: ", ")).
            """
    }

    static func probe(_ r: ProbeExperiment.Result, _ h: Report.Header) -> String {
        let e = r.experiment, p = r.probe
        let curve = p.layers.map { l in
            String(format: "enc %2d    %.3f [%.3f, %.3f]  ", l.layer, l.accuracy, l.interval.low, l.interval.high)
                + String(repeating: "█", count: Int((l.accuracy * 40).rounded()))
        }
        let inputs = r.inputBaselines.map { b in
            b.name.padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(format: " %.3f [%.3f, %.3f]  ", b.result.accuracy, b.result.interval.low, b.result.interval.high)
                + String(repeating: "·", count: Int((b.result.accuracy * 40).rounded()))
        }
        let base = [String(format: "majority  %.3f                   ", p.baseline) + String(repeating: "·", count: Int((p.baseline * 40).rounded()))] + inputs
        return """
            ### \(e.label)\(e.group.map { " (folds grouped by \($0))" } ?? "") — `asrlens probe \(e.data) --label \(e.label) --group \(e.group ?? "none") --model \(h.model)`

            \(r.kept.count) clips, classes \(p.classes.joined(separator: "/")), \(p.folds)-fold accuracy per encoder layer with a 95% \
            \(LinearProbe.intervalName(p.layers.first, groupedBy: e.group)), then the controls: the majority class, and the same probe on the clip's pooled log-mel and on its duration \
            (no Whisper):

            \(code(curve + base))

            """
    }

    /// The transfer table that follows the grouped probe of the same label, if there is one.
    static func transfer(_ r: ProbeExperiment.Result, _ transfers: [ProbeTransfer]) -> String {
        guard r.experiment.group != nil, let t = transfers.first(where: { $0.label == r.experiment.label && $0.data == r.experiment.data }) else { return "" }
        let layers = t.splits.first?.layers.map { "enc \($0.layer)" } ?? []
        let rows = t.splits.map { s in
            [s.heldOut, "\(s.trained)", "\(s.tested)"] + s.layers.map { String(format: "%.3f", $0.accuracy) }
                + [String(format: "[%.3f, %.3f]", s.layers[t.layer].interval.low, s.layers[t.layer].interval.high),
                   s.input.map { String(format: "%.3f", $0.accuracy) } ?? "", String(format: "%.3f", s.majority)]
        }
        return """
            Transfer across synthesizers: the probe trained on every synthesizer but one and tested on that one's clips, \
            in \(r.experiment.folds) folds that also keep every clip of each tested \(r.experiment.group ?? "group") out of training; \
            the interval is at encoder layer \(t.layer), the best layer above; log-mel is the same split without Whisper, \
            majority the training rows' majority class.

            \(code(Table(headers: ["tested on", "trained", "tested"] + layers + ["interval", "log-mel", "majority"], rows: rows)))
            """
    }

    static func tokenProbe(_ r: TokenProbe.Result, _ data: String, _ h: Report.Header) -> String {
        """
        `asrlens probe \(data) --per-token --model \(h.model)`: every token of each clip's transcript is labelled correct or \
        incorrect by aligning its words to the clip's `text`; a probe per decoder layer reads the residual stream at the step \
        that chose the token, folds grouped by \(r.groupedBy). The control is the same probe on the token's log-probability alone.

        \(code(r.lines))
        """
    }

    static func sweep(_ r: SweepReport, _ h: Report.Header) -> String {
        """
        `asrlens sweep \(h.clip) --component resid_post --window 50 --source silence --model \(h.model)`: each cell replaces \
        one layer's residual stream on 50 frames (1 s) with its value on silence.

        \(code(r.sweep.textPlots()))
        The sweep evaluated \(r.sweep.layersEvaluated) blocks; its \(r.sweep.cells.count) cells run as separate patches would evaluate \(r.sweep.separateLayers).
        """
    }

    static func heads(_ heads: Report.Heads, _ h: Report.Header) -> String {
        let rows = heads.ranking.prefix(12).enumerated().map { r, e in
            ["\(r + 1)", Site(.decoder, e.layer, .crossHead(e.head)).description, String(format: "%.2f", e.monotonicity.value), String(format: "%.2f", e.sharpness.value),
             String(format: "%.3f", e.score.value), e.alignmentHead ? "yes" : ""]
        }
        return """
            `asrlens sweep \(h.clip) --heads --model \(h.model)`: every decoder head zeroed alone over all tokens.

            \(code(heads.ablation.sweep.textPlots(top: 12)))
            `asrlens heads \(h.clip) --model \(h.model)`: cross-attention heads ranked by how monotonic and sharp their map is; \
            `config.json` lists \(heads.alignmentHeads) alignment heads.

            \(code(Table(headers: ["rank", "head", "monotonicity", "sharpness", "score", "alignment head"], rows: rows)))
            """
    }

    /// Which asrlens commits wrote the merged parts: shards may come from other sessions than the report.
    static func partCommits(_ parts: [Report.MergedPart]) -> String {
        let commits = parts.compactMap(\.commit).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let unrecorded = parts.filter { $0.commit == nil }
        let silent = unrecorded.count == parts.count ? (parts.count > 1 ? "The parts do" : "The part does")
            : unrecorded.map { "`\($0.path)`" }.joined(separator: ", ") + (unrecorded.count > 1 ? " do" : " does")
        let unknown = unrecorded.isEmpty ? "" : "\(silent) not record the asrlens commit that wrote \(unrecorded.count > 1 ? "them" : "it")."
        guard !commits.isEmpty else { return unknown }
        return "The parts were written by asrlens at commit\(commits.count > 1 ? "s" : "") "
            + commits.map { "`\($0)`" }.joined(separator: ", ") + "." + (unknown.isEmpty ? "" : " " + unknown)
    }

    static func repetition(_ r: RepetitionReport, _ h: Report.Header, parts: [Report.MergedPart]) -> String {
        let snr = r.settings.snrDB.map { String(format: "--snr=%g", $0) }.joined(separator: " ")
        let spaced = r.header.examined.map { " --rows \($0)" } ?? ""
        let rows = "\(r.records.count) \(r.header.examined == nil ? "" : "sampled ")rows of \(r.header.rows)"
        let keep = r.settings.keep == RepetitionHunt.Settings().keep ? "" : String(format: " --keep %g", r.settings.keep)
        var body = "`asrlens repetition \(r.header.data)\(spaced) \(snr)\(keep) --reference \(r.settings.reference.rawValue) --model \(h.model)` "
            + (parts.isEmpty ? "on \(rows):\n\n"
               : "on \(rows), run in \(parts.count) shards (`--shard i/\(parts.count)`) whose parts are merged here: "
                 + parts.map { "`\($0.path)`" }.joined(separator: ", ") + ". " + partCommits(parts) + "\n\n") + code(r.lines)
        // Each loop with what the best patches made of it: the claim rests on these texts.
        let looping = r.cases.filter(\.loop)
        let shown = looping.prefix(12).map { c -> String in
            let fixes = c.trials.filter { ($0.improved ?? $0.resolved) && $0.head == nil }.prefix(2).map {
                "  - \(Site(.decoder, $0.layer, Site.Point(name: $0.component, in: .decoder) ?? .crossOut).description): “\(Sweep.clippedText($0.text ?? "", 90))”"
            }
            return "- \(c.condition)\(c.wer.map { String(format: " (WER %.2f)", $0) } ?? ""): “\(Sweep.clippedText(c.text, 90))”"
                + (fixes.isEmpty ? " — no layer's patch improves it" : "\n" + fixes.joined(separator: "\n"))
        }
        if !shown.isEmpty {
            body += "\nLooping transcripts (\(shown.count) of \(looping.count)), each with up to two layer patches that "
                + (r.cases.contains { $0.wer != nil } ? "improve it (no loop, WER below the loop's and below 1)" : "stop the loop") + ":\n\n" + shown.joined(separator: "\n") + "\n"
        }
        return body
    }

    static func attentionWindows(_ w: Report.AttentionWindowsSection, _ h: Report.Header) -> String {
        let s = w.summary
        let rows = s.windows.map { [$0.radius.map { "±\($0) frames (±\(String(format: "%.1f", Double($0) / 50)) s)" } ?? "full attention",
                                    String(format: "%.2f", $0.meanWER), $0.change?.text ?? "", percent($0.lost),
                                    String(format: "%.2f", $0.kept), $0.keptChange?.text ?? ""] }
        return """
            `asrlens patch CLIP --attention-window K --model \(h.model)` on \(s.clips) clips drawn by a fixed seed from `\(w.data)`\
            \(s.skipped > 0 ? " (\(s.skipped) unreadable, skipped)" : ""): every encoder layer's self-attention sees only the \
            frames within ±K of each frame, and the transcript is scored against \(s.against).

            \(code(Table(headers: ["encoder attention", "mean WER", "change from the wider window [95%]", "clips with WER > 0.5",
                               "words kept", "change from full [95%]"], rows: rows)))
            """
    }

    static func contextBias(_ s: ContextBias.Summary) -> String {
        let rows = ([s.clean, s.alone] + s.patched).map {
            [$0.condition, $0.layer.map(String.init) ?? "", percent($0.context), percent($0.sound), percent($0.other),
             $0.test.map { String(format: "%d / %d", $0.b, $0.c) } ?? "", $0.test.map { String(format: "%.3g", $0.corrected(for: s.patched.count)) } ?? ""]
        }
        let examples = s.examples.map {
            "- \($0.voice): context “\($0.context) …”, spoken “\($0.spoken)”, context predicts “\($0.expected)”: transcribed “\(Sweep.clippedText($0.text, 80))”"
        }
        return """
            \(s.sentences) sentences: \(s.items) items, each spoken by \(s.voices.joined(separator: ", ")). An item is a context \
            that predicts one word, 150 ms of silence, then a similar-sounding word that the context does not predict (e.g. \
            “He hit the nail with a *hamper*”). An outcome is *context* when the transcript has the predicted word and not the \
            spoken one, *sound* when it has the spoken word. Patches copy activations from a reference run of the same clip with \
            the context silenced: in the encoder, `attn_out` on the word's frames (what self-attention brings into the word from \
            its context) and `resid_post` on the context's frames; in the decoder, `cross_out` on every token (what the decoder \
            reads from the audio). Each patch is paired with the clean run on "follows the context" (b: followed clean but not \
            patched; c: the reverse) and tested by an exact McNemar test, its p-value Bonferroni-corrected for the \
            \(s.patched.count) patches tried. The verdict rests on the patches on the word's own frames: silencing the \
            context's frames is the positive control (it removes what the bias comes from, wherever the bias lives). The test \
            counts sentences as independent, though each item is spoken in every voice.

            \(code(Table(headers: ["condition", "layer", "follows context", "follows sound", "other", "b / c", "corrected p"], rows: rows)))
            \(examples.isEmpty ? "No transcript followed the context." : "Transcripts that followed the context (the first \(examples.count)):\n\n" + examples.joined(separator: "\n"))
            """
    }
}
