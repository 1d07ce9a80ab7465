import Foundation
import Model

/// Decoder-side probes for hallucination (paper-methods §3): every token of each clip's greedy
/// transcript is labelled correct or incorrect against the clip's reference text (a minimum-edit
/// alignment of words), and a probe per decoder layer reads the residual stream at the step that
/// chose the token. The control is the token's own log-probability, which a probe must beat to
/// show the model knows more than its confidence says.
public enum TokenProbe {
    /// One decoded token.
    public struct Token: Sendable {
        /// The data set row it comes from, and the fold group (speaker, else the clip).
        public let row: Int
        public let group: String
        public let correct: Bool
        /// `[decoder layers][D]`: each layer's output at the step that chose the token.
        public let features: [[Float]]
        public let logprob: Float
    }

    /// For each word of `hypothesis`, whether the alignment to `reference` keeps it unchanged
    /// (case and punctuation ignored).
    public static func correctWords(reference: String, hypothesis: String) -> [Bool] {
        let split = { (s: String) in s.split(whereSeparator: \.isWhitespace).map(String.init) }
        return WordDiff.align(split(reference), split(hypothesis)) { WordErrorRate.words($0).first ?? "" }.compactMap { edit in
            switch edit {
            case .same: true
            case .substituted, .added: false
            case .removed: nil
            }
        }
    }

    /// The tokens of rows `indices` that have a reference text; a row whose audio cannot be read
    /// is skipped and told to `events`.
    public static func extract(_ set: LabelledSet, indices: [Int], model: WhisperModel, events: ExperimentEvents = .silent) throws -> [Token] {
        let speaker = set.speakerColumn
        let rows = try events.eachRow(indices.filter { !(set.rows[$0].labels["text"] ?? "").isEmpty }, "probe: tokens (dec)", { i -> [Token] in
            let engine = try Engine(model: model, samples: try AudioFile.load(set.rows[i].path))
            let tokens = engine.cleanTokens, tokenizer = model.tokenizer
            let correct = correctWords(reference: set.rows[i].labels["text"]!, hypothesis: engine.clean.text)
            let group = speaker.flatMap { set.rows[i].labels[$0] } ?? "row \(i)"
            return tokens.indices.compactMap { s -> Token? in
                // The word a token belongs to: words begun in the transcript up to and including it.
                let word = tokenizer.decode(Array(tokens[...s])).split(whereSeparator: \.isWhitespace).count - 1
                guard correct.indices.contains(word) else { return nil }
                let features = engine.clean.decoder.residPost.map { $0.rows((engine.tokenRow0 + s)..<(engine.tokenRow0 + s + 1)).data }
                return Token(row: i, group: group, correct: correct[word], features: features, logprob: engine.clean.cleanTokenLogprobs[s])
            }
        }, skipped: { _, _ in [] })
        return rows.flatMap { $0 }
    }

    /// A probe per decoder layer, with folds grouped by `Token.group`, and its controls.
    public struct Result: Encodable, Sendable {
        public let tokens: Int, incorrect: Int, clips: Int, folds: Int
        /// The folds asked for (more than `folds` when there were too few groups), the column
        /// the folds are grouped by (`clip` without a speaker column), and how many groups.
        public let requestedFolds: Int, groupedBy: String, groups: Int
        public let majority: Double
        public let layers: [LinearProbe.Layer]
        /// The same probe on the token's log-probability alone.
        public let logprob: LinearProbe.Layer

        /// The best layer's lead over the log-probability control, paired token by token with
        /// the speakers (or clips) drawn: the verdict's comparison.
        public var bestLead: (layer: Int, lead: PairedDifference)? {
            guard let best = layers.max(by: { $0.accuracy < $1.accuracy }), let lead = best.lead(over: logprob) else { return nil }
            return (best.layer, lead)
        }

        enum CodingKeys: String, CodingKey {
            case label, side, baseline, rows, incorrect, clips, folds, layers, group, groups
            case requestedFolds = "requested_folds", inputBaselines = "input_baselines"
            case intervalUnits = "interval_units", intervalMethod = "interval_method", bestLead = "best_lead"
        }

        /// `--json`, in the label probe's field names (`baseline`, `rows`, `group`,
        /// `input_baselines`, `best_lead`), so one reader serves both: the label is `correct`,
        /// the rows are tokens, and the one control is the token's log-probability (`logprob`).
        public func encode(to encoder: Swift.Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode("correct", forKey: .label); try c.encode(ProbeFeatures.Side.dec, forKey: .side)
            try c.encode(majority, forKey: .baseline); try c.encode(tokens, forKey: .rows)
            try c.encode(incorrect, forKey: .incorrect); try c.encode(clips, forKey: .clips)
            try c.encode(folds, forKey: .folds); try c.encode(requestedFolds, forKey: .requestedFolds)
            try c.encode(groupedBy, forKey: .group); try c.encode(groups, forKey: .groups)
            try c.encode(layers, forKey: .layers)
            try c.encode([ProbeExperiment.Result.InputLine(ProbeExperiment.InputBaseline(name: "logprob", result: logprob))], forKey: .inputBaselines)
            try c.encode(layers.first?.units ?? groups, forKey: .intervalUnits)
            try c.encode("group bootstrap", forKey: .intervalMethod)
            if let (layer, lead) = bestLead {
                try c.encode(LinearProbe.LeadRecord(layer: layer, over: "logprob", lead: lead), forKey: .bestLead)
            } else {
                try c.encodeNil(forKey: .bestLead)
            }
        }

        /// The text form: the set-up, the controls and a bar per layer, and a warning when an
        /// accuracy sits far below the majority baseline.
        public var lines: [String] {
            let fewer = folds < requestedFolds ? " (of \(requestedFolds) asked: there are \(groups) groups)" : ""
            var out = [String(format: "per-token probe 'correct' on decoder layers: %d tokens (%d incorrect) of %d clips, %d-fold%@, folds grouped by %@",
                              tokens, incorrect, clips, folds, fewer, groupedBy),
                       String(format: "majority baseline %.3f; the token's log-probability alone %.3f [%.3f, %.3f]", majority, logprob.accuracy,
                              logprob.interval.low, logprob.interval.high)]
            out += layers.map { l in
                String(format: "dec %2d  %.3f ± %.3f [%.3f, %.3f]  ", l.layer, l.accuracy, l.std, l.interval.low, l.interval.high)
                    + String(repeating: "█", count: Int((l.accuracy * 40).rounded()))
            }
            if let (layer, lead) = bestLead {
                out.append("best layer \(layer) against the token's log-probability, paired on the same tokens: " + lead.text(places: 3))
            }
            out.append("[ ] the 95% " + LinearProbe.intervalName(logprob, groupedBy: groupedBy) + "; ± the standard deviation over folds")
            if (layers + [logprob]).contains(where: { $0.interval.high < majority - 0.1 }) {
                out.append("note: accuracies far below the majority baseline mean the held-out groups' classes are balanced unlike the training "
                           + "groups' (\(groups) groups are too few for grouped folds); read no layer's number as evidence")
            }
            return out
        }
    }

    /// Trains the probes with folds grouped by `Token.group`, the values of `groupedBy`.
    public static func train(_ tokens: [Token], folds: Int, groupedBy: String, source: String) throws -> Result {
        let labels = tokens.map { $0.correct ? "correct" : "incorrect" }
        try ProbeExperiment.checkClasses(labels, label: "correct", folds: folds, source: source)
        let groups = tokens.map(\.group)
        let probe = try LinearProbe.run(features: tokens.map(\.features), labels: labels, folds: folds, groups: groups, source: source)
        let control = try LinearProbe.run(features: tokens.map { [[$0.logprob]] }, labels: labels, folds: folds, groups: groups, source: source)
        return Result(tokens: tokens.count, incorrect: labels.filter { $0 == "incorrect" }.count, clips: Set(tokens.map(\.row)).count,
                      folds: probe.folds, requestedFolds: folds, groupedBy: groupedBy, groups: Set(groups).count,
                      majority: probe.baseline, layers: probe.layers, logprob: control.layers[0])
    }
}
