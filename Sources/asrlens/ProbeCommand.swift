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

    @Option(name: .long, help: "The label column to predict.")
    var label: String

    @Option(name: .long, help: "enc (encoder layers) or dec (decoder layers).")
    var side: ProbeFeatures.Side = .enc

    @Option(name: .long, help: "Cross-validation folds.")
    var folds: Int = 5

    @Option(name: .long, help: ArgumentHelp("Feature cache folder (default: $ASRLENS_HOME/features).", valueName: "DIR"))
    var cache: String?

    @Flag(name: .long, help: "Print {label, side, baseline, layers: [{layer, accuracy, std}], ...} as JSON.")
    var json = false

    @Argument(help: "A TSV with a 'path' column and label columns.")
    var data: String

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
    }

    /// Refuses labels a probe cannot learn or cross-validate.
    func check(_ labels: [String], source: String) throws {
        let counts = Dictionary(grouping: labels, by: { $0 }).mapValues(\.count)
        guard counts.count >= 2 else {
            throw InputError(source, "label '\(label)' has a single class (\(counts.keys.first ?? "no rows")); a probe needs at least two")
        }
        if let (cls, n) = counts.min(by: { $0.value < $1.value }), n < folds {
            throw InputError(source, "label '\(label)' has only \(n) row\(n == 1 ? "" : "s") of class '\(cls)'; --folds \(folds) needs at least \(folds) per class")
        }
    }

    func run() throws {
        let set = try LabelledSet(tsv: data)
        try set.require(label)
        try check(set.rows.map { $0.labels[label]! }, source: data)
        let model = try modelOptions.load()
        let cache = self.cache.map { FeatureCache(model: model, side: side, root: URL(fileURLWithPath: $0)) }
            ?? FeatureCache(model: model, side: side)
        var features: [[[Float]]] = [], labels: [String] = []
        var skipped = 0, extracted = 0
        let started = Date()
        let progress = Progress("probe: features (\(side.rawValue))")
        for (i, row) in set.rows.enumerated() {
            do {
                // Reading the audio first names any problem with it the way every command does.
                let samples = try AudioFile.load(row.path)
                let key = try SHA256.hex(ofFile: URL(fileURLWithPath: row.path))
                if let cached = cache.load(key) {
                    features.append(cached)
                } else {
                    let f = try ProbeFeatures.extract(model: model, samples: samples, side: side)
                    try cache.store(f, key: key)
                    features.append(f)
                    extracted += 1
                }
                labels.append(row.labels[label]!)
            } catch let error as InputError {
                skipped += 1
                FileHandle.standardError.write(Data("asrlens: \(error.description) (row skipped)\n".utf8))
            }
            progress.update(i + 1, of: set.rows.count)
        }
        let extractSeconds = Date().timeIntervalSince(started)
        if skipped > 0 { try check(labels, source: data) }
        let probe = Progress("probe: training (\(folds) folds)")
        let result = LinearProbe.run(features: features, labels: labels, folds: folds) { probe.update($0, of: $1) }
        if json {
            let object: [String: Any] = [
                "label": label, "side": side.rawValue, "baseline": result.baseline, "classes": result.classes,
                "rows": labels.count, "skipped": skipped, "extracted": extracted, "cached": labels.count - extracted,
                "folds": folds, "model": model.name, "feature_seconds": extractSeconds,
                "layers": result.layers.map { ["layer": $0.layer, "accuracy": $0.accuracy, "std": $0.std] as [String: Any] },
            ]
            print(try JSONText.encode(object))
            return
        }
        print("probe '\(label)' on \(model.name) \(side == .enc ? "encoder" : "decoder") layers: \(labels.count) clips, "
              + "\(result.classes.count) classes, \(folds)-fold cross-validation (\(extracted) extracted, \(labels.count - extracted) from cache, \(skipped) skipped)")
        print(String(format: "majority baseline %.3f", result.baseline))
        for l in result.layers {
            let bar = String(repeating: "█", count: Int((l.accuracy * 40).rounded()))
            print(String(format: "%@ %2d  %.3f ± %.3f  ", side.rawValue, l.layer, l.accuracy, l.std) + bar)
        }
    }
}

extension ProbeFeatures.Side: ExpressibleByArgument {}
