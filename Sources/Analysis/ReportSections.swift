import Foundation
import Model

// The experiments of `asrlens report`, one method per section: each runs its experiment, keeps
// the results and adds the paper's finding with this model's verdict (rules in Verdict.swift).
extension Report {
    /// Logit lens and encoder lens on the report's clip.
    public mutating func addLenses(_ engine: Engine) {
        let lens = LogitLens(engine: engine, run: engine.clean)
        let layers = engine.model.hyper.decoderLayers
        let saturated = lens.saturation.compactMap { $0 }.sorted()
        let early = saturated.filter { $0 < layers }.count
        let final = engine.clean.text
        let encoder = EncoderLens(engine: engine).layers.map {
            EncoderLayer(layer: $0.layer, wer: WordErrorRate.of(reference: final, hypothesis: $0.text), repetition: $0.repetition, text: $0.text)
        }
        lenses = Lenses(logitLens: LensReport.table(lens, tokenizer: engine.model.tokenizer), saturation: lens.saturation, encoderLens: encoder)
        let median = saturated.isEmpty ? "no layer" : saturated[saturated.count / 2] == 0 ? "the embedding" : "layer \(saturated[saturated.count / 2] - 1)"
        find(.logitLens, .logitLens,
             observed: "\(early) of \(saturated.count) tokens are final before the last layer; the median token saturates at \(median).",
             .logitLens(saturation: lens.saturation, decoderLayers: layers, clips: 1))

        let grounded = encoder.filter { $0.wer < 0.5 }.map(\.layer)
        let looping = encoder.filter(\.repetition).map { String($0.layer) }
        find(.encoderLens, .encoderLens,
             observed: "layers with WER < 0.5 against the final transcript: \(grounded.map(String.init).joined(separator: ", ")); "
                + "looping layers: \(looping.isEmpty ? "none" : looping.joined(separator: ", ")).",
             .encoderLens(grounded: grounded, loops: encoder.map { $0.repetition ? 1 : 0 },
                          ungrounded: Fluency.available ? encoder.map { Fluency.isFluent($0.text) && $0.wer >= 0.5 ? 1 : 0 } : nil,
                          encoderLayers: engine.model.hyper.encoderLayers, clips: 1))
    }

    /// Both lenses over `rows` sampled rows (`LabelledSet.sampled`) of `set`: how often the single clip's pattern holds.
    public mutating func addLensSurvey(_ set: LabelledSet, path: String, rows wanted: Int, model: WhisperModel, events: ExperimentEvents = .silent) throws {
        let n = set.rows.count, k = min(wanted, n)
        guard k > 0 else { return }
        let records = try LensSurvey.run(set, indices: set.sampled(k), model: model, events: events)
        let summary = LensSurvey.Summary(records, decoderLayers: model.hyper.decoderLayers)
        let data = Self.short(path)
        lensSurvey = LensSurveySection(data: data, summary: summary)
        guard summary.clips > 0 else { return }
        find(.lensSurvey, .logitLens, data: data,
             observed: "over \(summary.clips) clips, \(summary.finalEarly) of \(summary.tokens) tokens are final before the last layer; "
                + "tokens per saturation row (embedding, layer 0, …, never): \(summary.saturation.map(String.init).joined(separator: " ")).",
             .logitLens(saturation: summary.tokenRows, decoderLayers: model.hyper.decoderLayers, clips: summary.clips))
        let grounded = summary.groundedLayers
        find(.lensSurvey, .encoderLensSurvey, data: data,
             observed: "over \(summary.clips) clips, layers whose lens transcript is within WER 0.5 of the final one on most clips: "
                + "\(grounded.isEmpty ? "none" : grounded.map(String.init).joined(separator: ", ")); share of clips looping per layer: "
                + summary.encoder.map { String(format: "%.2f", $0.loops) }.joined(separator: " ")
                + (summary.encoder.first?.ungrounded == nil ? "" : "; fluent but ungrounded: "
                   + summary.encoder.map { String(format: "%.2f", $0.ungrounded ?? 0) }.joined(separator: " ")) + ".",
             .encoderLens(grounded: grounded, loops: summary.encoder.map(\.loops), ungrounded: summary.encoder.first?.ungrounded == nil ? nil : summary.encoder.map { $0.ungrounded ?? 0 },
                          encoderLayers: model.hyper.encoderLayers, clips: summary.clips))
    }

    /// The labels of `set` worth probing: those given that exist, or every column with 2 to 10
    /// classes, each with at least `folds` rows, and no empty label.
    public static func probeLabels(_ set: LabelledSet, wanted: [String], group: String?, folds: Int) -> [String] {
        let candidates = set.columns.filter { $0 != "path" && $0 != group }
        guard wanted.isEmpty else { return wanted.filter(candidates.contains) }
        return candidates.filter { !LabelledSet.descriptiveColumns.contains($0) }.filter { c in
            let counts = Dictionary(grouping: set.rows.map { $0.labels[c] ?? "" }, by: { $0 }).mapValues(\.count)
            return (2...10).contains(counts.count) && counts.values.allSatisfy { $0 >= folds } && !counts.keys.contains("")
        }
    }

    /// A linear probe per label of `set` on the encoder's layers, and per label with its folds
    /// grouped: by `group` where the set has that column, else by `LabelledSet.defaultGroup`
    /// (the word for a word's category, the speaker for gender). Features are pooled once for
    /// every label. The verdict rests on the grouped probe; a label whose folds cannot be grouped
    /// (a class spoken by one speaker) is not tested, and its grouped probe is not run.
    public mutating func addProbes(_ set: LabelledSet, path: String, labels wanted: [String], group: String?, folds: Int,
                                   model: WhisperModel, cache: FeatureCache, events: ExperimentEvents = .silent) throws {
        let labels = Self.probeLabels(set, wanted: wanted, group: group, folds: folds)
        guard let first = labels.first else { return }
        let asked = group.flatMap { set.columns.contains($0) ? $0 : nil }, ungrouped = group == "none"
        let pooled = try ProbeExperiment.extract(set, indices: Array(set.rows.indices), label: first, group: asked ?? set.speakerColumn, model: model, side: .enc,
                                                 cache: cache, events: events, skipUnlabelled: false)
        let e = model.hyper.encoderLayers
        for label in labels {
            try ProbeExperiment.checkClasses(set.rows.map { $0.labels[label]! }.filter { !$0.isEmpty }, label: label, folds: folds, source: path)
            let groupColumn = ungrouped ? nil : asked ?? set.defaultGroup(for: label)
            // A class all of whose rows share one group can never be tested by grouped folds.
            var ungroupable: String?
            if let groupColumn {
                do { _ = try set.probeGroup(groupColumn, label: label) } catch let error as InputError {
                    // The reason, without the probe command's advice on options.
                    ungroupable = error.problem.components(separatedBy: "; give").first
                }
            }
            let groupings: [String?] = [nil] + (groupColumn.map { ungroupable == nil ? [$0] : [] } ?? [])
            var judged: (result: ProbeExperiment.Result, group: String?)?
            for g in groupings {
                let run = ProbeExperiment(label: label, group: g, side: .enc, folds: folds, model: model.name, data: Self.short(path), rows: set.rows.count)
                let rows = pooled.map { row -> ProbeExperiment.Row in
                    guard row.skipped == nil else { return row }
                    guard !set.rows[row.row].labels[label]!.isEmpty else { return ProbeExperiment.Row(row: row.row, skipped: "no '\(label)' value") }
                    var relabelled = row
                    relabelled.label = set.rows[row.row].labels[label]!
                    relabelled.group = g.map { set.rows[row.row].labels[$0]! }
                    return relabelled
                }
                let result = try run.train(rows)
                probes.append(result)
                judged = (result, g)
            }
            // The verdict rests on the grouped probe where there is one: the control for
            // memorising a speaker or a word instead of the label.
            guard let (result, g) = judged, let best = result.probe.layers.max(by: { $0.accuracy < $1.accuracy }) else { continue }
            var input = result.bestInput.map { String(format: "; the input alone (%@) %.3f", $0.name, $0.result.accuracy) } ?? "; no input baseline"
            if let (_, _, lead) = result.bestLead { input += ", the best layer's lead over it, paired, " + lead.text(places: 3) }
            var rests = "\(result.kept.count) clips"
            for column in [set.speakerColumn, groupColumn].compactMap({ $0 }).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
                rests += ", " + set.distinct(column, per: label, rows: result.kept.map(\.row)).map { "\($0.label) from \($0.count) \(column)\($0.count == 1 ? "" : "s")" }.joined(separator: ", ")
            }
            let fewest = groupColumn.map { column in (column, set.distinct(column, per: label, rows: result.kept.map(\.row)).map(\.count).min() ?? 0) }
            var transfer = ""
            if let t = ProbeTransfer(result, set: set, column: "synthesizer") {
                transfers.append(t)
                transfer = " Trained on the other synthesizers, layer \(t.layer) gives on each held-out one: \(t.summary)."
            } else if set.columns.contains("synthesizer") {
                let synthesizers = Set(result.kept.map { set.rows[$0.row].labels["synthesizer"] ?? "" }).count
                transfer = synthesizers < 2 ? " No transfer test: the rows come from one synthesizer."
                    : " No transfer test: no synthesizer's classes all occur in the others' rows."
            }
            let grouping = g.map { ", folds grouped by \($0)" } ?? ungroupable.map { ", folds not grouped (by \(groupColumn!) they cannot be: \($0))" } ?? ""
            find(.probes, .probe, data: Self.short(path),
                 observed: "\(label): " + String(format: "best %.3f [%.3f, %.3f] at encoder layer %d of %d%@, majority baseline %.3f%@ (%@).",
                                  best.accuracy, best.interval.low, best.interval.high, best.layer, e, grouping,
                                  result.probe.baseline, input, rests) + transfer,
                 .probe(best: best, baseline: result.probe.baseline, input: result.bestInput, encoderLayers: e, clips: result.kept.count,
                         layers: result.probe.layers, groups: fewest.map { (column: $0.0, fewest: ungroupable == nil ? $0.1 : min($0.1, 1)) }))
        }
    }

    /// The per-token decoder probe on every row of `set` that has a reference text.
    public mutating func addTokenProbe(_ set: LabelledSet, path: String, folds: Int, model: WhisperModel, events: ExperimentEvents = .silent) throws {
        guard set.columns.contains("text") else { return }
        let tokens = try TokenProbe.extract(set, indices: Array(set.rows.indices), model: model, events: events)
        guard Set(tokens.map(\.correct)).count == 2 else { return }
        let result = try TokenProbe.train(tokens, folds: folds, groupedBy: set.speakerColumn ?? "clip", source: path)
        tokenProbe = result
        tokenProbeData = Self.short(path)
        guard let best = result.layers.max(by: { $0.accuracy < $1.accuracy }) else { return }
        find(.tokenProbe, .tokenProbe, data: tokenProbeData,
             observed: String(format: "token correct or not: best %.3f [%.3f, %.3f] at decoder layer %d of %d; the token's log-probability alone %.3f%@, majority %.3f (%d tokens of %d %@s, %d incorrect, %d clips).",
                              best.accuracy, best.interval.low, best.interval.high, best.layer, model.hyper.decoderLayers, result.logprob.accuracy,
                              result.bestLead.map { ", the best layer's lead over it, paired, " + $0.lead.text(places: 3) } ?? "",
                              result.majority, result.tokens, result.groups, result.groupedBy, result.incorrect, result.clips),
             .tokenProbe(best: best, majority: result.majority, logprob: result.logprob, decoderLayers: model.hyper.decoderLayers, clips: result.clips,
                         layers: result.layers, groups: (column: result.groupedBy, count: result.groups)))
    }

    /// A silence sweep of the last encoder layers' residual stream, every decoder head ablated,
    /// and the cross-attention heads ranked.
    public mutating func addSweeps(_ engine: Engine, events: ExperimentEvents = .silent) throws {
        let model = engine.model, clip = header.clip
        var started = Date()
        let sweep = try Sweep(engine: engine, kind: .component(.residPost, window: 50), source: .silence,
                              progress: { events.progress("report: sweep", $0, $1) })
        self.sweep = SweepReport(sweep: sweep, model: model.name, clip: clip, windowSHA256: nil, seconds: Date().timeIntervalSince(started))
        let last = model.hyper.encoderLayers - 1
        let lastRow = sweep.cells.filter { $0.layer == last }
        let changed = lastRow.filter { $0.wer > 0 }.count
        let words = WordAlignment(engine: engine).words
        let outcomes = lastRow.map { SpanDeletion.classify(words: words, window: $0.positions, patched: $0.text) }
        let silent = outcomes.indices.filter { outcomes[$0] == .noWords }
        let control = silent.isEmpty ? "every window holds words"
            : "\(silent.filter { lastRow[$0].wer > 0 }.count) of the \(silent.count) windows without words change it"
        find(.sweep, .silencePatch,
             observed: String(format: "at encoder layer %d, %d of %d windows change the transcript (mean WER %.2f); %d of %d windows with words lose "
                              + "those words and no others; %@.", last, changed, lastRow.count, lastRow.map(\.wer).reduce(0, +) / Double(max(1, lastRow.count)),
                              outcomes.filter { $0 == .deleted }.count, lastRow.count - silent.count, control),
             .silencePatch(windows: outcomes, clips: 1))

        started = Date()
        let ablation = try Sweep(engine: engine, kind: .heads, source: .zero, progress: { events.progress("report: heads", $0, $1) })
        let ranking = HeadRanking(engine: engine)
        let alignment = model.config.alignmentHeads.count
        heads = Heads(ablation: SweepReport(sweep: ablation, model: model.name, clip: clip, windowSHA256: nil, seconds: Date().timeIntervalSince(started)),
                      ranking: HeadsJSON(ranking, language: engine.language).heads, alignmentHeads: alignment)
        let top = ranking.entries.prefix(alignment)
        let hits = top.filter(\.isAlignmentHead).count
        let chance = Double(top.count * top.count) / Double(max(1, ranking.entries.count))
        find(.heads, .alignmentHeads,
             observed: String(format: "%d of the top %d heads by monotonicity × sharpness are `config.json` alignment heads (chance: %.1f of %d heads).",
                              hits, top.count, chance, ranking.entries.count),
             .alignmentHeads(hits: hits, top: top.count, heads: ranking.entries.count, clips: 1))
    }

    /// Repetition hunting on `rows` sampled rows (`LabelledSet.sampled`) of `set`.
    public mutating func addRepetition(_ set: LabelledSet, path: String, rows wanted: Int, settings: RepetitionHunt.Settings,
                                       model: WhisperModel, events: ExperimentEvents = .silent) throws {
        let n = set.rows.count, k = min(wanted, n)
        guard k > 0 else { return }
        let started = Date()
        let records = try RepetitionHunt.run(set, indices: set.sampled(k), model: model, settings: settings, events: events)
        addRepetition(RepetitionReport(model: model, data: Self.short(path), rows: n, examined: k, settings: settings, records: records,
                                       seconds: Date().timeIntervalSince(started)))
    }

    /// The repetition section from the merged `parts` of a sharded `asrlens repetition` run,
    /// which must have run on `model`.
    public mutating func addRepetition(_ merged: RepetitionReport, parts: [PartFile.Part], model: WhisperModel) throws {
        try merged.checkFits(model: model.name, set: nil, data: nil, source: parts[0].path)
        addRepetition(merged, parts: parts.map { MergedPart(path: Self.short($0.path), commit: $0.commit) })
    }

    /// The repetition section from a hunt already run: this run's, or the merged parts of a
    /// sharded `asrlens repetition` (`parts` names them in the section).
    public mutating func addRepetition(_ report: RepetitionReport, parts: [MergedPart] = []) {
        repetition = report
        repetitionParts = parts
        let s = report.summary
        let judged = s.entries.first?.improved != nil
        // Counted as the verdicts count: improved (stopped with a lower WER) when the data give texts.
        func describe(_ name: String) -> String {
            guard let e = s.best(name)?.entry else { return "\(name) none" }
            return judged ? "the best \(name) layer (\(e.layer)) improves \(e.improved!) and stops \(e.resolved)" : "the best \(name) layer (\(e.layer)) stops \(e.resolved)"
        }
        let observed = s.loops == 0 ? "no looping transcript in these conditions, so nothing to resolve."
            : "of \(s.loops) loops (\(report.loopingClips) distinct clips), " + ["cross_out", "self_out", "mlp_out"].map(describe).joined(separator: "; ") + "."
        let other = [s.best("self_out"), s.best("mlp_out")].compactMap { $0 }.max { $0.outcomes.filter { $0 }.count < $1.outcomes.filter { $0 }.count }
        find(.repetition, .repetition, data: report.header.data, observed: observed,
             .repetition(loops: s.loops, judged: judged, cross: s.best("cross_out")?.outcomes ?? [], other: other?.outcomes ?? [],
                         layers: s.entries.filter { $0.component == "cross_out" && $0.head == nil }.count, clips: report.loopingClips))
        // The single-head claim from the same loops: each cross-attention head patched alone,
        // against the median head as the control (loops may be fragile to any patch).
        let heads = zip(s.entries, s.outcomes).filter { $0.0.head != nil }
            .sorted { ($0.1.filter { $0 }.count, -$0.0.layer, -($0.0.head ?? 0)) > ($1.1.filter { $0 }.count, -$1.0.layer, -($1.0.head ?? 0)) }
        let best = heads.first, median = heads.isEmpty ? nil : heads[heads.count / 2]
        find(.repetition, .singleHead, data: report.header.data,
             observed: best.flatMap { b in median.flatMap { m in s.loops == 0 ? nil
                 : "\(Site(.decoder, b.0.layer, .crossHead(b.0.head!))) alone \(judged ? "improves" : "stops") \(b.1.filter { $0 }.count) of \(s.loops) loops; "
                   + "the median head (\(Site(.decoder, m.0.layer, .crossHead(m.0.head!)))) \(m.1.filter { $0 }.count)." } }
                 ?? "no looping transcript in these conditions, so nothing to resolve.",
             .singleHead(loops: s.loops, judged: judged, best: best?.1 ?? [], median: median?.1 ?? [], heads: heads.count, clips: report.loopingClips))
    }

    /// Localised encoder attention on up to `maximumWindowRows` of `rows` sampled rows (`LabelledSet.sampled`) of `set`.
    public mutating func addAttentionWindows(_ set: LabelledSet, path: String, rows wanted: Int, model: WhisperModel,
                                             events: ExperimentEvents = .silent) throws {
        let n = set.rows.count, k = min(wanted, n, Self.maximumWindowRows)
        guard k > 0 else { return }
        let records = try AttentionWindows.run(set, indices: set.sampled(k), model: model, events: events)
        let summary = AttentionWindows.Summary(records)
        let data = Self.short(path)
        attentionWindows = AttentionWindowsSection(data: data, summary: summary)
        let full = summary.windows.first?.meanWER ?? 0
        let windows = summary.windows.dropFirst().compactMap { w in w.radius.flatMap { r in w.change.map { (radius: r, wer: w.meanWER, change: $0) } } }
        find(.attentionWindows, .attentionWindows, data: data,
             observed: "WER against \(summary.against): " + summary.windows.map { w in
                 String(format: "%@ %.2f", w.radius.map { "±\($0)" } ?? "full", w.meanWER) + (w.change.map { " (\($0.text))" } ?? "") }
                 .joined(separator: ", ") + " (\(summary.clips) clips; in brackets each clip's change from the next wider window, 95% interval).",
             .attentionWindows(full: full, windows: windows, kept: (summary.windows.first?.kept ?? 0, Self.keptChange20(summary)), clips: summary.clips))
    }

    /// ±20's change in words kept from full attention (none measured: no change).
    static func keptChange20(_ summary: AttentionWindows.Summary) -> PairedDifference {
        summary.windows.first { $0.radius == 20 }?.keptChange ?? PairedDifference(mean: 0, low: 0, high: 0, pairs: 0)
    }

    /// Rows the attention-window experiment runs on at most: each costs a full encoder pass and
    /// a transcript per window.
    public static let maximumWindowRows = 48

    /// The contextual-bias experiment on every item of `ContextBias.items` in every one of `ContextBias.voices`.
    public mutating func addContextBias(model: WhisperModel, events: ExperimentEvents = .silent) throws {
        var results: [ContextBias.Result] = []
        let total = ContextBias.items.count * ContextBias.voices.count
        for voice in ContextBias.voices {
            for item in ContextBias.items {
                results.append(try ContextBias.measure(model: model, clip: ContextBias.synthesize(item, voice: voice), voice: voice))
                events.progress("report: contextual bias", results.count, total)
            }
        }
        let summary = ContextBias.Summary(results)
        contextBias = summary
        // The claim is about the word's encoder states: the patches on its own frames decide.
        // Silencing the context (resid_post on its frames) is the positive control, and the
        // decoder's strongest patch the comparison.
        let onWord = summary.strongest("enc attn_out"), control = summary.strongest("enc resid_post"), decoder = summary.strongest("dec")
        find(.contextBias, .contextBias,
             observed: String(format: "over %d sentences (%d items in %d voices), the transcript follows the context in %.0f%%; the strongest encoder patch on the word (%@, layer %d) brings that to %.0f%%; silencing the context's frames (the control, %@, layer %d) to %.0f%%, the strongest decoder patch (%@, layer %d) to %.0f%% (%d patches tried).",
                              summary.sentences, summary.items, summary.voices.count, 100 * summary.clean.context,
                              onWord.condition, onWord.layer ?? 0, 100 * onWord.context, control.condition, control.layer ?? 0, 100 * control.context,
                              decoder.condition, decoder.layer ?? 0, 100 * decoder.context, summary.patched.count),
             .contextBias(sentences: summary.sentences, clean: summary.clean.context, cleanSound: summary.clean.sound, strongest: onWord,
                          tried: summary.patched.count, alone: summary.alone.context, voices: summary.voices.count,
                          synthesizers: Set(summary.voices.map { $0.split(separator: " ")[0] }).count))
    }
}
