import Foundation
import Model

/// Every view as data, in full (every row and column): what `:export` writes from the explorer
/// and from `asrlens run`, and what `attention`, `heads` and `words` print. Each export names
/// the run it holds, clean or patched.
public enum ViewData {
    /// The run a view shows under these settings: the patched one unless there are no patches
    /// or the user chose the clean one.
    public static func label(_ settings: ViewSettings) -> String { label(settings.shownPatchSet) }

    static func label(_ set: PatchSet) -> String { set.isEmpty ? "clean" : "patched (\(set))" }

    /// The run an export of `view` holds. The encoder lens holds the encoder part of it; the patch
    /// view compares the patch set's run with the clean one, whichever run is shown; the other
    /// views hold the shown run (`snapshot`'s, when given).
    public static func label(_ view: ExportView, _ settings: ViewSettings, snapshot: RunSnapshot? = nil) -> String {
        switch view {
        case .encoderLens:
            // The lens reads the encoder: only the encoder patches and attention window reach it.
            let set = settings.shownPatchSet, encoder = EncoderLens.encoderPart(set)
            if encoder.isEmpty { return "clean" }
            return label(encoder) + (encoder == set ? "" : ", its encoder patches (the lens does not use the decoder's)")
        case .patch: return label(against: snapshot?.effect != nil ? snapshot!.patches : settings.patchSet)
        default: return snapshot.map { label($0.patches) } ?? label(settings)
        }
    }

    /// The run a patch effect holds: the patch set's, compared with the clean one.
    public static func label(against set: PatchSet) -> String { set.isEmpty ? "clean" : "\(label(set)) against clean" }

    /// A view in one of the table formats, with a first line (a `run` field in JSON) naming the run.
    public static func render(_ view: ExportView, _ format: Table.Format, engine: Engine, settings: ViewSettings,
                              snapshot: RunSnapshot? = nil, encoderLens: EncoderLens? = nil) throws -> String {
        let (table, json, notes) = try data(view, engine: engine, settings: settings, snapshot: snapshot, encoderLens: encoderLens)
        return try render(table, record: json, notes: notes, run: label(view, settings, snapshot: snapshot), format, engine: engine)
    }

    /// A view's data in one of the formats: the `run` named first (a field in JSON), then the
    /// `notes` (fields of the record in JSON), then the table. The CLI's view commands print
    /// their files this way too, so that `asrlens lens --format tsv` and `:export lens tsv` agree.
    public static func render(_ table: Table, record json: any ViewRecord, notes: [String], run: String, _ format: Table.Format,
                              engine: Engine) throws -> String {
        // A table says what it holds beyond the run: which attention map, what the patch did.
        let hash = notes.map { "# \($0)\n" }.joined(), paragraphs = notes.map { "\($0)\n\n" }.joined()
        switch format {
        case .text: return "# run: \(run)\n" + hash + table.text
        case .tsv: return "# run: \(run)\n" + hash + table.tsv
        case .md: return "Run: \(run)\n\n" + paragraphs + table.markdown
        case .json:
            var record = json
            record.run = run
            return try JSONText.encode(WindowedRecord(record, engine: engine)) + "\n"
        }
    }

    /// A view as a table and as a JSON-ready object. `snapshot`, when given, must be that of
    /// the run the settings select; it saves recomputing the run and its lens.
    /// `notes` are the lines a table form prints above the table: the attention map's name, the
    /// patch's summary (both transcripts, WER, loop, work), which JSON carries as fields.
    public static func data(_ view: ExportView, engine: Engine, settings: ViewSettings, snapshot: RunSnapshot? = nil,
                            encoderLens: EncoderLens? = nil) throws -> (table: Table, record: any ViewRecord, notes: [String]) {
        let set = settings.shownPatchSet
        let run = try snapshot?.run ?? engine.run(set)
        let tok = engine.model.tokenizer
        switch view {
        case .transcript:
            let table = Table(headers: ["index", "token", "text", "logprob"], rows: run.tokens.enumerated().map { i, t in
                [String(i), String(t), tok.display(t), i < run.tokenLogprobs.count ? String(format: "%.4f", run.tokenLogprobs[i]) : ""]
            })
            // The no-speech rule is about the clean run: a patched one has no window to drop.
            let silence = set.isEmpty ? ClipWindow.noSpeech(engine) : nil
            let drop = silence.flatMap { ClipWindow.dropReason($0.probability, $0.avgLogprob) }
            let kept = silence.map { String(format: "no-speech p %.3f", $0.probability) + (drop == nil ? ": faster-whisper keeps the window" : "") }
            let capped = run.tokens.count >= engine.tokenLimit ? ["the transcript stops at the \(engine.tokenLimit)-token cap"] : []
            let notes = ["text: " + run.text.trimmingCharacters(in: .whitespaces), "language: \(engine.language)"]
                + (kept.map { [$0] } ?? []) + (drop.map { [$0] } ?? []) + capped
            return (table, TranscriptJSON(language: engine.language, tokens: run.tokens, text: run.text, patches: set.patches.map(\.description),
                                          logprobs: run.tokens.indices.map { FiniteOrNull(Double($0 < run.tokenLogprobs.count ? run.tokenLogprobs[$0] : .nan)) },
                                          noSpeechProb: silence.map { FiniteOrNull(Double($0.probability)) }, dropped: silence.map { _ in drop != nil }), notes)
        case .lens:
            let lens = snapshot?.lens ?? LogitLens(engine: engine, run: run)
            return (LensReport.table(lens, tokenizer: tok), LensJSON(lens, tokenizer: tok, language: engine.language), [])
        case .encoderLens:
            let lens = try encoderLens ?? EncoderLens(engine: engine, set: set, lnPost: settings.lnPost)
            return (LensReport.table(lens, tokenizer: tok), EncoderLensJSON(lens, language: engine.language), [])
        case .patch:
            let effect = try snapshot?.effect ?? PatchEffect(engine: engine, patched: engine.run(settings.patchSet))
            return (LensReport.table(effect, tokenizer: tok), PatchEffectJSON(effect, language: engine.language, windowStart: engine.windowStart),
                    LensReport.summary(effect).filter { !$0.isEmpty })
        case .heads:
            let ranking = HeadRanking(engine: engine, run: run)
            return (AttentionReport.table(ranking), HeadsJSON(ranking, language: engine.language), ranking.note.map { [$0] } ?? [])
        case .words:
            let words = WordAlignment(engine: engine, run: run)
            let early = words.earlyEnd(windowStart: engine.windowStart, audioEnd: engine.windowStart + Double(engine.windowFrames) / 100)
            return (AttentionReport.table(words, windowStart: engine.windowStart), WordsJSON(words, language: engine.language, windowStart: engine.windowStart),
                    early.map { [$0.note] } ?? [])
        case .attention:
            let m = try AttentionMaps.select(settings.attentionKind, engine, run, layer: settings.layer, head: settings.head, frames: engine.audioFrames)
            let labels = settings.attentionKind == .encoder ? (0..<m.rows).map(String.init)
                : (engine.cleanTokens + [engine.model.specials.eot]).map(tok.display)
            let keys = settings.attentionKind == .self ? AttentionMaps.keyTokens(engine).map(tok.display) : nil
            return (Heatmap.table(m, rowLabels: labels, columnLabel: { c in keys.map { "\(c):\($0[c])" } ?? String(c) }),
                    AttentionJSON(language: engine.language, kind: settings.attentionKind.rawValue, layer: settings.attentionKind.isMean ? nil : settings.layer,
                                  head: settings.attentionKind.isMean ? nil : settings.head, rows: labels, columns: keys,
                                  weights: (0..<m.rows).map { m.row($0).map { FiniteOrNull(Double($0)) } }),
                    [AttentionMaps.title(settings, hyper: engine.model.hyper)])
        }
    }
}
