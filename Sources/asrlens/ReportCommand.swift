import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens report DATA...`: the paper's experiments on one model, as a Markdown report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Run the paper's experiments on a model and write a Markdown report with numbers and text plots.",
        discussion: """
            Sections: logit lens and encoder lens on --clip, then on --repetition-rows rows of the first DATA file; a \
            linear probe per label column of each DATA file (encoder layers), and the per-token decoder probe on the first \
            DATA file when it has a text column; a patching sweep of --clip (resid_post, \
            50-frame windows, silence) and a ranking of every decoder head by ablation; repetition hunting and localised \
            encoder attention (±75, ±50, ±20 frames) on the same rows; and the contextual-bias experiment on 220 sentences in 4 voices of 3 synthesizers. Each section ends with the paper's finding \
            and whether this model reproduces it, by the rule printed beside it; --json prints the results and findings as \
            data. Probe features are cached as `asrlens probe` caches them.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .long, help: "The clip for the lenses, sweep and head ranking (default: the bundled sample).") var clip: String?
    @Option(name: .long, help: ArgumentHelp("Write the report here (atomically) instead of standard output.", valueName: "PATH")) var out: String?
    @Option(name: .long, help: ArgumentHelp("A label column to probe; repeat for several (default: every column with 2 to 10 classes).", valueName: "COL")) var label: [String] = []
    @Option(name: .long, help: ArgumentHelp("Also probe each label with this column's rows kept in one fold, where the column exists (default: as for asrlens probe, the coarsest column the label is a property of, else the speaker or voice column); the verdict rests on that probe; 'none' for ungrouped folds only.", valueName: "COL")) var group: String?

    @Option(name: .long, parsing: .unconditional, help: "Cross-validation folds for the probes.") var folds: Int = 5
    @Option(name: .long, help: ArgumentHelp("Feature cache folder (default: $ASRLENS_HOME/features).", valueName: "DIR")) var cache: String?
    @Option(name: .long, parsing: .unconditional, help: "Rows of the first DATA file for the lens survey, repetition hunting and localised attention, drawn by a fixed seed (0 skips all three).") var repetitionRows: Int = 24
    @OptionGroup var hunt: RepetitionOptions
    @Option(name: .customLong("repetition-part"), help: ArgumentHelp("Take the repetition section from this part of a sharded `asrlens repetition` run instead of hunting; repeat for every part.", valueName: "PART")) var repetitionParts: [String] = []
    @Flag(name: .long, help: "Skip the contextual-bias experiment (it needs espeak-ng, Flite and Festival).") var noContext = false
    @Flag(name: .long, help: "Print the report's results and findings as one JSON object instead of Markdown.") var json = false
    @Argument(help: "Labelled TSV files (a 'path' column and label columns), e.g. from `asrlens dataset synth`.") var data: [String] = []

    func validate() throws {
        try require("--folds", folds, atLeast: 2)
        guard repetitionRows >= 0 else { throw InputError("--repetition-rows \(repetitionRows)", "must be 0 or more") }
    }

    /// A `--label` or `--group` that no DATA file has is refused before the work (a typo had
    /// run the whole report without that probe, silently). Each may be missing from some files:
    /// sentences and words sets have different labels.
    static func checkColumns(_ options: [(String, String)], in sets: [LabelledSet]) throws {
        var seen = Set<String>()
        let columns = sets.flatMap(\.columns).filter { $0 != "path" && seen.insert($0).inserted }
        for (option, name) in options where !columns.contains(name) {
            let known = columns.isEmpty ? "give a DATA file" : "columns: \(columns.joined(separator: ", "))"
            throw InputError("\(option) \(name)", "no DATA file has this column\(Suggestion.didYouMean(name, among: columns)) (\(known))")
        }
    }

    func run() throws {
        let sets = try data.map { try LabelledSet(tsv: $0) }
        try Self.checkColumns(label.map { ("--label", $0) } + (group.flatMap { $0 == "none" ? nil : [("--group", $0)] } ?? []), in: sets)
        if let group, label.contains(group) {
            throw InputError("--group \(group)", "is also a --label; grouping by the label puts each class in its own folds, so no fold could test it")
        }
        let clipPath = clip ?? BundledSample.path
        let samples = try AudioFile.load(clipPath)
        if let out { try AtomicFile.checkWritable(out) }   // an unwritable path fails now, not after an hour
        let parts = try repetitionParts.isEmpty ? [] : PartFile.readSet(repetitionParts, kind: "repetition")   // and so do bad parts
        let merged = try parts.isEmpty ? nil : RepetitionReport(parts: parts)
        let model = try modelOptions.load()
        try merged?.checkFits(model: model.name, set: sets.first, data: data.first, source: parts[0].path)   // before the hours of work
        let engine = try Engine(model: model, samples: samples)
        let events = ExperimentEvents.onStandardError()
        let cache = self.cache.map { FeatureCache(model: model, side: .enc, root: URL(fileURLWithPath: $0)) } ?? FeatureCache(model: model, side: .enc)
        var report = Report(model: model, clip: clipPath, data: data, command: Invocation.current, sets: sets)
        report.addLenses(engine)
        if let first = sets.first { try report.addLensSurvey(first, path: data[0], rows: repetitionRows, model: model, events: events) }
        for (set, path) in zip(sets, data) { try report.addProbes(set, path: path, labels: label, group: group, folds: folds, model: model, cache: cache, events: events) }
        if let first = sets.first { try report.addTokenProbe(first, path: data[0], folds: folds, model: model, events: events) }
        try report.addSweeps(engine, events: events)
        if let merged { try report.addRepetition(merged, parts: parts, model: model) } else if let first = sets.first, repetitionRows > 0 {
            try report.addRepetition(first, path: data[0], rows: repetitionRows, settings: hunt.settings, model: model, events: events)
        }
        if let first = sets.first { try report.addAttentionWindows(first, path: data[0], rows: repetitionRows, model: model, events: events) }
        if !noContext { try report.addContextBias(model: model, events: events) }
        report.closeUntested()
        let text = json ? try JSONText.encode(report) + "\n" : MarkdownReport.render(report)
        if let out { try AtomicFile.write(text, to: out) } else { print(text, terminator: "") }
    }
}
