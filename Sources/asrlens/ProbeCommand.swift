import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens probe DATA.tsv --label COL`: a linear probe per layer, cross-validated.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Train a logistic-regression probe per layer for a label and report cross-validated accuracy.",
        discussion: """
            Each clip's first 30 s window is pooled per layer: the mean over frames that carry audio (--side enc) or over \
            the transcript's tokens (--side dec). Features are cached in $ASRLENS_HOME/features, so a second probe on the \
            same clips extracts nothing. Rows whose audio cannot be read are skipped and counted.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .long, help: "The label column to predict.") var label: String = ""
    @Flag(name: .long, help: "Decoder side, one row per transcript token labelled correct or incorrect against the 'text' column; folds grouped by speaker or clip.") var perToken = false
    @Option(name: .long, help: "enc (encoder layers) or dec (decoder layers); default enc.") var side: ProbeFeatures.Side?
    @Option(name: .long, parsing: .unconditional, help: "Cross-validation folds.") var folds: Int = 5
    @Option(name: .long, help: ArgumentHelp("A column whose rows stay together in one fold (e.g. word); default: the coarsest column the label is a property of (word for a word's category, speaker for gender), else the speaker or voice column; 'none' for none.", valueName: "COL")) var group: String?
    @Option(name: .long, help: ArgumentHelp("Feature cache folder (default: $ASRLENS_HOME/features).", valueName: "DIR")) var cache: String?
    @Flag(name: .long, help: "Print {label, side, baseline, classes, rows, folds, layers: [{layer, accuracy, std, low, high}], input_baselines, ...} as JSON.") var json = false
    @OptionGroup var sharding: ShardOptions
    @Argument(help: "A TSV with a 'path' column and label columns.") var data: String

    func validate() throws {
        try require("--folds", folds, atLeast: 2)
        guard perToken != !label.isEmpty else { throw ValidationError("give either --label COL or --per-token") }
        // The per-token probe reads decoder layers and groups its folds by speaker or clip itself.
        if perToken, let side { throw InputError("--side \(side.rawValue)", "--per-token probes decoder layers; drop --side") }
        if perToken, let group { throw InputError("--group \(group)", "--per-token groups its folds by speaker or clip; drop --group") }
        try sharding.refuse(format: json ? .json : .text)
    }

    func run() throws {
        let set = try LabelledSet(tsv: data)
        if perToken { return try perTokenProbe(set) }
        try set.require(label)
        let group = try set.probeGroup(group, label: label)
        if self.group == nil, let speaker = set.speakerColumn, speaker == label, group == nil {
            StandardError.line("\(data): the folds are not grouped by \(label), since '\(label)' is the label; give --group COL to keep another column's rows in one fold")
        }
        if self.group == nil, let group, group != set.speakerColumn {
            StandardError.line("\(data): folds grouped by \(group), since every \(group) has one '\(label)': a probe could otherwise score by recognising a \(group) heard in training (--group COL or none to choose)")
        }
        try ProbeExperiment.checkClasses(set.rows.map { $0.labels[label]! }.filter { !$0.isEmpty }, label: label, folds: folds, source: data)
        let unlabelled = ProbeExperiment.unlabelled(set, label: label)
        if unlabelled > 0 {
            StandardError.line("\(data): \(unlabelled) row\(unlabelled == 1 ? " has" : "s have") no '\(label)' value; left out, and counted as skipped")
        }
        let part = try sharding.part
        let model = try modelOptions.load(), side = self.side ?? .enc
        let cache = self.cache.map { FeatureCache(model: model, side: side, root: URL(fileURLWithPath: $0)) } ?? FeatureCache(model: model, side: side)
        let started = Date()
        let rows = try ProbeExperiment.extract(set, indices: set.rows.indices.filter { part?.owns($0) ?? true }, label: label, group: group,
                                               model: model, side: side, cache: cache, events: .onStandardError())
        let seconds = Date().timeIntervalSince(started)
        let experiment = ProbeExperiment(label: label, group: group, side: side, folds: folds, model: model.name, data: data, rows: set.rows.count,
                                         dataSHA256: set.digest(rows: Array(set.rows.indices)))
        if let part { return try PartFile.write(kind: "probe", shard: part, header: experiment, records: rows, seconds: seconds, model: model, to: sharding.out) }
        try experiment.trainAndShow(rows, seconds: seconds, json: json)
    }

    func perTokenProbe(_ set: LabelledSet) throws {
        try set.require("text")
        guard try sharding.part == nil else { throw ValidationError("--per-token does not run in shards") }
        let result = try TokenProbe.train(TokenProbe.extract(set, indices: Array(set.rows.indices), model: modelOptions.load(), events: .onStandardError()),
                                          folds: folds, groupedBy: set.speakerColumn ?? "clip", source: data)
        if json { print(try JSONText.encode(result)) } else { result.lines.forEach { print($0) } }
    }
}

extension ProbeFeatures.Side: ExpressibleByArgument {}
