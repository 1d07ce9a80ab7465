import Foundation

/// What one of the paper's findings comes to on this model, and the rule that decided it, which
/// the report prints beside it. Every rule of `asrlens report` is in this file, so that they
/// can be read, argued with and tested together.
public struct Verdict: Codable, Equatable, Sendable {
    public enum Outcome: String, Codable, Sendable {
        case reproduced, partly
        case notReproduced = "not reproduced"
        /// The experiment was not run, or its data cannot test the claim.
        case notTested = "not tested"
    }

    public let outcome: Outcome
    /// What qualifies the outcome ("decodable, but peaks early").
    public let detail: String?
    /// The rule, in words.
    public let rule: String

    init(_ outcome: Outcome, _ detail: String? = nil, rule: String) {
        self.outcome = outcome; self.detail = detail; self.rule = rule
    }

    /// "outcome" or "outcome: detail".
    public var text: String { detail.map { "\(outcome.rawValue): \($0)" } ?? outcome.rawValue }
}

extension Verdict {
    /// Logit lens: predictions form gradually and settle in the upper decoder layers.
    /// `saturation` holds each token's first lens row from which its top-1 is final (0 = the
    /// embedding, `decoderLayers` = the last layer's output; nil = never), over a clip or a set.
    /// `clips`: how many clips the tokens come from.
    public static func logitLens(saturation: [Int?], decoderLayers: Int, clips: Int) -> Verdict {
        let rule = "reproduced when more than half of the tokens are final before the last decoder layer and the median token "
            + "saturates in the upper half of the decoder; partly when some tokens are final early but not most, or most settle in the lower half; "
            + tooFewClipsRule
        guard !saturation.isEmpty else { return Verdict(.notTested, "the transcript has no tokens", rule: rule) }
        if let few = tooFewClips(clips) { return Verdict(.notTested, few, rule: rule) }
        let rows = saturation.map { $0 ?? decoderLayers + 1 }.sorted()   // never final sorts last
        let early = rows.filter { $0 < decoderLayers }.count
        guard early > 0 else { return Verdict(.notReproduced, "every token forms only in the last layer", rule: rule) }
        let median = rows[rows.count / 2]
        let place = median == 0 ? "the embedding" : "layer \(median - 1)"
        guard early * 2 > rows.count else {
            return Verdict(.partly, "\(early) of \(rows.count) tokens are final before the last layer; most form only at the top", rule: rule)
        }
        // Lens row r is layer r − 1's output: the upper half is rows from decoderLayers / 2 + 1 on.
        guard median >= decoderLayers / 2 + 1 else { return Verdict(.partly, "most tokens settle early, the median at \(place)", rule: rule) }
        return Verdict(.reproduced, rule: rule)
    }

    /// Encoder lens: only the top layers give the transcript, and layers just below loop or
    /// hallucinate. `grounded`: layers whose lens transcript is within WER 0.5 of the final one
    /// (on most clips); `loops[l]` and `ungrounded[l]`: the share of clips (1 or 0 for one clip)
    /// whose layer-l lens transcript loops, or is fluent (`Fluency`) but not within WER 0.5 of the
    /// final one; `ungrounded` is nil when fluency could not be measured; `clips`: how many clips.
    public static func encoderLens(grounded: [Int], loops: [Double], ungrounded: [Double]?, encoderLayers: Int, clips: Int) -> Verdict {
        let rule = "reproduced when every layer whose lens transcript is within WER 0.5 of the final one is in the upper half "
            + "and some layer below the last loops, or gives fluent text (at least 3 words, 90% of them dictionary words) "
            + "WER 0.5 or more from the final one, on at least a quarter of the clips; partly when only those near-top failures are missing; "
            + tooFewClipsRule
        if let few = tooFewClips(clips) { return Verdict(.notTested, few, rule: rule) }
        guard !grounded.isEmpty else { return Verdict(.notReproduced, "no layer's lens transcript is close to the final one", rule: rule) }
        guard grounded.allSatisfy({ $0 >= encoderLayers / 2 }) else { return Verdict(.notReproduced, "a lower layer already transcribes", rule: rule) }
        let looping = loops.dropLast().enumerated().filter { $0.element >= 0.25 }.map { String($0.offset) }
        let hallucinating = (ungrounded ?? []).dropLast().enumerated().filter { $0.element >= 0.25 }.map { String($0.offset) }
        var found: [String] = []
        if !looping.isEmpty { found.append("layer\(looping.count > 1 ? "s" : "") \(looping.joined(separator: ", ")) loop") }
        if !hallucinating.isEmpty { found.append("layer\(hallucinating.count > 1 ? "s" : "") \(hallucinating.joined(separator: ", ")) give fluent ungrounded text") }
        guard !found.isEmpty else {
            let what = ungrounded == nil ? "no layer below the last loops on a quarter of the clips or more, and fluency was not measured (no word list)"
                : "no layer below the last loops or gives fluent ungrounded text on a quarter of the clips or more"
            return Verdict(.partly, "only the top layers transcribe, but " + what, rule: rule)
        }
        return Verdict(.reproduced, found.joined(separator: "; "), rule: rule)
    }

    /// Linear probe: the label is decodable from the encoder beyond what the input gives,
    /// peaking late. `best` is the best layer; `input` the best input-feature control (nil when
    /// the rows carry no inputs to run it on).
    /// `groups`, when the folds are grouped: the column, and the fewest of its values any class has.
    public static func probe(best: LinearProbe.Layer, baseline: Double, input: ProbeExperiment.InputBaseline?,
                             encoderLayers: Int, clips: Int, layers: [LinearProbe.Layer] = [], groups: (column: String, fewest: Int)? = nil) -> Verdict {
        let rule = "reproduced when the best layer is at least 20 points above the majority baseline, ahead of the best input baseline "
            + "(the same probe on the pooled log-mel or on duration, no Whisper) with the 95% interval of their paired difference "
            + "above 0, and in the upper half of the encoder, ahead of the best lower-half layer the same way; partly when it clears "
            + "both but peaks early or its peak is not resolved; " + pairedRule + tooFewClipsRule + "; " + tooFewGroupsRule
        if let few = tooFewClips(clips) { return Verdict(.notTested, few, rule: rule) }
        if let groups, groups.fewest < minimumGroups {
            return Verdict(.notTested, "a class has only \(groups.fewest) \(groups.column)\(groups.fewest == 1 ? "" : "s") to group its folds by; "
                           + "a verdict needs \(minimumGroups)", rule: rule)
        }
        // 1e-9: 0.7 - 0.5 is 0.19999999999999996 in binary, and is 20 points.
        guard best.accuracy - baseline >= 0.2 - 1e-9 else { return Verdict(.notReproduced, against(best.accuracy, baseline, "the majority baseline", points: 20), rule: rule) }
        guard let input else { return Verdict(.partly, "decodable, but no input baseline was run to compare with", rule: rule) }
        if let refused = control(best, input.result, String(format: "the input alone (%@) gives %.3f", input.name, input.result.accuracy)) {
            return Verdict(.notReproduced, refused, rule: rule)
        }
        if let unplaced = peak(best, layers, of: encoderLayers) { return Verdict(.partly, unplaced, rule: rule) }
        return Verdict(.reproduced, rule: rule)
    }

    /// Per-token decoder probe: token correctness is decodable from the decoder beyond what the
    /// token's own log-probability gives, peaking late.
    /// `groups`: the column the folds are grouped by, and how many groups there are.
    public static func tokenProbe(best: LinearProbe.Layer, majority: Double, logprob: LinearProbe.Layer, decoderLayers: Int, clips: Int,
                                  layers: [LinearProbe.Layer] = [], groups: (column: String, count: Int)? = nil) -> Verdict {
        let rule = "reproduced when the best decoder layer is at least 10 points above the majority baseline, ahead of the token's "
            + "log-probability alone with the 95% interval of their paired difference above 0, and in the upper half of the decoder, "
            + "ahead of the best lower-half layer the same way; partly when it clears both but peaks early or its peak is not resolved; "
            + "at most partly, since the paper's measure is clip-level hallucination and this one per-token correctness; "
            + pairedRule + tooFewClipsRule + "; not tested on fewer than \(minimumGroups) groups (speakers, or clips without a speaker column)"
        if let few = tooFewClips(clips) { return Verdict(.notTested, few, rule: rule) }
        if let groups, groups.count < minimumGroups {
            return Verdict(.notTested, "only \(groups.count) \(groups.column)\(groups.count == 1 ? "" : "s") to group its folds by; a verdict needs \(minimumGroups)", rule: rule)
        }
        guard best.accuracy - majority >= 0.1 - 1e-9 else { return Verdict(.notReproduced, against(best.accuracy, majority, "the majority baseline", points: 10), rule: rule) }
        if let refused = control(best, logprob, String(format: "the token's log-probability alone gives %.3f", logprob.accuracy)) {
            return Verdict(.notReproduced, refused, rule: rule)
        }
        let different = "a different quantity: per-token correctness, where the paper probes clip-level hallucination"
        if let unplaced = peak(best, layers, of: decoderLayers) { return Verdict(.partly, unplaced + "; " + different, rule: rule) }
        return Verdict(.partly, "decodable and peaking late, but " + different, rule: rule)
    }

    /// How a probe's intervals are drawn, for its rule.
    static let pairedRule = "paired differences and intervals come from a bootstrap that draws the fold groups (speakers, words, "
        + "clips) when the folds are grouped, else the clips, so clips of one speaker count once; "

    /// Why `best` does not beat `control` on the same rows (`what` says what the control
    /// gives), or nil when the 95% interval of its lead lies above 0.
    static func control(_ best: LinearProbe.Layer, _ control: LinearProbe.Layer, _ what: String) -> String? {
        guard let lead = best.lead(over: control) else { return what + ", on other rows than the probe's: no paired comparison" }
        return lead.low > 0 ? nil : what + "; the best layer's lead over it " + lead.text(places: 3) + " (\(lead.pairs) groups drawn)"
    }

    /// Why a probe's peak is not late, or nil when it is: a best layer in the lower half "peaks
    /// early" when it leads the best upper-half layer with the paired difference's interval
    /// above 0; whichever half the best layer is in, the peak is not resolved when its lead
    /// over the other half's best layer has an interval reaching 0.
    static func peak(_ best: LinearProbe.Layer, _ layers: [LinearProbe.Layer], of count: Int) -> String? {
        let late = best.layer >= count / 2
        let other = layers.filter { ($0.layer >= count / 2) != late }.max { $0.accuracy < $1.accuracy }
        if let other, let lead = best.lead(over: other), lead.low <= 0 {
            return String(format: "decodable, but the peak is not resolved: the best layer, %d (%.3f), leads layer %d (%.3f) by %@",
                          best.layer, best.accuracy, other.layer, other.accuracy, lead.text(places: 3))
        }
        return late ? nil : "decodable, but peaks early"
    }

    /// Patching the last encoder layer with silence on a span deletes the words spoken there.
    /// `windows` holds, per window of the last layer's sweep, what the patch did to the words
    /// (`SpanDeletion`). Windows without words are the control: a change there is no deletion.
    public static func silencePatch(windows: [SpanDeletion.Outcome], clips: Int) -> Verdict {
        let rule = "reproduced when at least half of the windows that hold words, and at least \(minimumWindows) of them, lose words "
            + "there and nowhere else when silenced at the last encoder layer (fewer words within one word of the window, every other "
            + "word kept); partly when some window does; not reproduced when none does; " + tooFewClipsRule
        let spoken = windows.filter { $0 != .noWords }.count
        guard spoken > 0 else { return Verdict(.notTested, "no window holds words", rule: rule) }
        let deleted = windows.filter { $0 == .deleted }.count
        let other = windows.filter { $0 == .other }.count
        let interval = WilsonInterval(successes: deleted, trials: spoken)
        let words = String(format: "%d of %d windows with words delete them, 95%% interval [%.2f, %.2f]; %d change the transcript otherwise",
                           deleted, spoken, interval.low, interval.high, other)
        if let few = tooFewClips(clips) { return Verdict(.notTested, few + " (here " + words + ")", rule: rule) }
        guard deleted > 0 else { return Verdict(.notReproduced, words, rule: rule) }
        guard deleted * 2 >= spoken else { return Verdict(.partly, words, rule: rule) }
        guard spoken >= minimumWindows else { return Verdict(.partly, "too few windows: " + words, rule: rule) }
        return Verdict(.reproduced, words, rule: rule)
    }

    /// Windows with words that the silence-patch rule needs before it says "reproduced".
    public static let minimumWindows = 5

    /// Alignment heads: of the `top` heads by monotonicity × sharpness (as many as the model
    /// lists), `hits` are listed alignment heads; the model has `heads` cross-attention heads.
    /// Chance is `top · top / heads` hits: k heads drawn blindly hold that many listed ones.
    public static func alignmentHeads(hits: Int, top: Int, heads: Int, clips: Int) -> Verdict {
        let rule = "reproduced when at least half of the top k heads by monotonicity × sharpness are alignment heads, k being how many the model lists; "
            + "partly when fewer, but more than chance (k × k / all cross-attention heads); not reproduced otherwise; " + tooFewClipsRule
        guard top > 0, heads > 0 else { return Verdict(.notTested, "the model lists no alignment heads", rule: rule) }
        if let few = tooFewClips(clips) {
            return Verdict(.notTested, few + String(format: " (here %d of the top %d, chance %.1f)", hits, top, Double(top * top) / Double(heads)), rule: rule)
        }
        if hits * 2 >= top { return Verdict(.reproduced, rule: rule) }
        return Double(hits) > Double(top * top) / Double(heads) ? Verdict(.partly, rule: rule) : Verdict(.notReproduced, rule: rule)
    }

    /// What "resolves most loops" means in both loop rules.
    static let mostLoopsRule = "resolves most loops, the 95% interval of its share at or above half, a loop counting only when the "
        + "patched transcript stops looping and its WER against the reference text falls below both the loop's and 1"

    /// One cross-attention head alone resolves most loops: per loop, whether the best single
    /// head and the median head resolved it (strictly, when `judged`: also lowered the WER
    /// against the reference text). The median head is the control: loops that any patch breaks
    /// say nothing about one head.
    public static func singleHead(loops: Int, judged: Bool, best: [Bool], median: [Bool], heads: Int, clips: Int) -> Verdict {
        let rule = "reproduced when one cross-attention head, patched alone, " + mostLoopsRule + ", and more loops than the median head by "
            + "an exact McNemar test at 0.05 after a Bonferroni correction for the heads the best was chosen from; partly when it resolves "
            + "at least a quarter without that, or there are no reference texts; not tested on loops from fewer than \(minimumClips) clips"
        guard loops > 0, best.count == loops, median.count == loops else { return Verdict(.notTested, "no looping transcript in these conditions", rule: rule) }
        let b = best.filter { $0 }.count, m = median.filter { $0 }.count
        let interval = WilsonInterval(successes: b, trials: loops)
        let test = McNemar(b: zip(best, median).filter { $0 && !$1 }.count, c: zip(best, median).filter { !$0 && $1 }.count)
        // The best head is the best of many: its lead over the median is corrected for all of them.
        let p = test.corrected(for: max(1, heads))
        // The section's table says "improves" for a loop counted under the rule, "stops" without texts.
        let words = String(format: "the best head %@ %d of %d loops, 95%% interval [%.2f, %.2f]; the median head %d (McNemar p = %.3g, "
                           + "corrected for %d heads %.3g)", judged ? "improves" : "stops", b, loops, interval.low, interval.high, m, test.p, heads, p)
        if let few = tooFewClips(clips) { return Verdict(.notTested, "loops from " + few + " (here " + words + ")", rule: rule) }
        guard judged else { return Verdict(.partly, "no reference texts, so stopping a loop is all that is counted: " + words, rule: rule) }
        if interval.low >= 0.5 && p < 0.05 { return Verdict(.reproduced, words, rule: rule) }
        return Verdict(b * 4 >= loops ? .partly : .notReproduced, words, rule: rule)
    }

    /// Localised encoder attention: transcription holds at ±75 frames, degrades at ±50 and is
    /// lost at ±20. `full` is the mean WER with full attention, `windows` the mean WER per radius.
    /// `windows` holds each radius's mean WER and its clip-by-clip change from the next wider
    /// window (full attention for ±75), with the change's 95% interval.
    /// `kept` is the mean share of the reference's words full attention keeps, and ±20's
    /// clip-by-clip change from it.
    public static func attentionWindows(full: Double, windows: [(radius: Int, wer: Double, change: PairedDifference)],
                                        kept: (full: Double, change20: PairedDifference), clips: Int) -> Verdict {
        let rule = "reproduced when ±75 frames holds, ±50 degrades and ±20 loses most words, partly when one or two of them do, judged "
            + "on each clip's change from a wider window with its 95% interval: ±75 holds when its change in WER from full "
            + "attention stays below +0.10 at the top of its interval, ±50 degrades when its change in WER from ±75 is above 0 at the bottom "
            + "of its interval, ±20 loses most words when the share of the reference's words its transcript keeps falls from full "
            + "attention's by more than half of full attention's share at the top of its interval (WER alone also counts inserted "
            + "words); " + tooFewClipsRule
        let byRadius = Dictionary(windows.map { ($0.radius, $0) }, uniquingKeysWith: { a, _ in a })
        guard clips > 0, let w75 = byRadius[75], let w50 = byRadius[50], let w20 = byRadius[20] else {
            return Verdict(.notTested, "no clips, or the ±75, ±50 and ±20 windows were not all run", rule: rule)
        }
        if let few = tooFewClips(clips) { return Verdict(.notTested, few, rule: rule) }
        let holds = w75.change.high < 0.10, degrades = w50.change.low > 0, lost = kept.change20.high < -kept.full / 2
        // Each part is confirmed, refuted (its whole interval on the other side), or not shown
        // either way: an interval from -0.45 to +1.47 was called "does not hold".
        let parts = [holds ? "±75 holds" : w75.change.low >= 0.10 ? "±75 does not hold" : "±75 is not shown to hold",
                     degrades ? "±50 degrades" : w50.change.high <= 0 ? "±50 does not degrade" : "±50 is not shown to degrade",
                     lost ? "±20 loses most words" : kept.change20.low >= -kept.full / 2 ? "±20 keeps most words" : "±20 is not shown to lose most words"]
        let words = String(format: "mean WER %.2f with full attention, %.2f at ±75 (%@), %.2f at ±50 (%@ from ±75), %.2f at ±20 over %d clips; "
                           + "words kept %.2f with full attention, %.2f at ±20 (%@): ",
                           full, w75.wer, w75.change.text, w50.wer, w50.change.text, w20.wer, clips,
                           kept.full, kept.full + kept.change20.mean, kept.change20.text) + parts.joined(separator: ", ")
        let count = [holds, degrades, lost].filter { $0 }.count
        return Verdict(count == 3 ? .reproduced : count > 0 ? .partly : .notReproduced, words, rule: rule)
    }

    /// Clips a claim about the model in general needs before any verdict: one clip illustrates a
    /// method, it does not test a claim.
    public static let minimumClips = 20
    static let tooFewClipsRule = "not tested on fewer than \(minimumClips) clips"

    /// The "not tested" detail for data of fewer than `minimumClips` clips, else nil.
    /// Grouped folds and the intervals drawn over their groups say little with few groups: two
    /// speakers make two folds, each testing words the other voice spoke in training.
    static let minimumGroups = 5
    static let tooFewGroupsRule = "not tested when the folds are grouped and a class has fewer than \(minimumGroups) groups (speakers, words)"

    static func tooFewClips(_ clips: Int) -> String? {
        clips >= minimumClips ? nil
            : "\(clips) clip\(clips == 1 ? "" : "s"); a verdict needs at least \(minimumClips)"
    }

    /// "0.144 is 71 points below the majority baseline (0.856); a verdict needs 10 above".
    static func against(_ value: Double, _ baseline: Double, _ name: String, points: Int) -> String {
        let gap = Int(((value - baseline) * 100).rounded())
        let side = gap == 0 ? "level with" : gap > 0 ? "\(gap) point\(gap == 1 ? "" : "s") above" : "\(-gap) point\(gap == -1 ? "" : "s") below"
        return String(format: "%.3f is %@ %@ (%.3f); the rule needs %d above", value, side, name, baseline, points)
    }

    /// A section of the report that did not run.
    public static func notRun(_ why: String) -> Verdict {
        Verdict(.notTested, why, rule: "not tested when the report did not run the experiment")
    }

    /// Repetition: cross-attention at one decoder layer resolves most loops, and more than
    /// self-attention or the MLP. `cross` and `other` are the best cross_out layer and the best
    /// self_out or mlp_out layer: per loop, whether each resolved it (and, when `judged`, also
    /// lowered the WER against the reference text); `layers` is how many cross_out layers the
    /// best was chosen from.
    public static func repetition(loops: Int, judged: Bool, cross: [Bool], other: [Bool], layers: Int, clips: Int) -> Verdict {
        let rule = "reproduced when the best cross_out layer " + mostLoopsRule
            + ", and more loops than the best self_out or mlp_out layer by an exact McNemar test at 0.05 after a Bonferroni correction "
            + "for the cross_out layers the best was chosen from, that best self_out or mlp_out layer resolving fewer than a quarter (the "
            + "paper: they barely matter); partly when only some of these hold (half or more of the loops by count is enough), or there "
            + "are no reference texts; not reproduced when none does; not tested on loops from fewer than \(minimumClips) clips"
        guard loops > 0, cross.count == loops, other.count == loops else {
            return Verdict(.notTested, "no looping transcript in these conditions", rule: rule)
        }
        let c = cross.filter { $0 }.count, o = other.filter { $0 }.count
        let share = WilsonInterval(successes: c, trials: loops)
        // The section's table says "improves" for a loop counted under the rule, "stops" without texts.
        let verb = judged ? "improves" : "stops"
        if let few = tooFewClips(clips) {
            return Verdict(.notTested, "loops from " + few + " (here the best cross_out layer \(verb) \(c) of \(loops), self_out or mlp_out \(o))", rule: rule)
        }
        let test = McNemar(b: zip(cross, other).filter { $0 && !$1 }.count, c: zip(cross, other).filter { !$0 && $1 }.count)
        // The best of the cross_out layers leads by construction: its test is corrected for them.
        let p = test.corrected(for: max(1, layers))
        let words = String(format: "cross_out %@ %d of %d loops, 95%% interval [%.2f, %.2f]; self_out or mlp_out %d (McNemar p = %.3g, "
                           + "corrected for %d layers %.3g)", verb, c, loops, share.low, share.high, o, test.p, layers, p)
        guard judged else { return Verdict(.partly, "no reference texts, so stopping a loop is all that is counted: " + words, rule: rule) }
        // A significant difference the other way is no lead.
        let most = share.low >= 0.5, lead = c > o && p < 0.05, minor = o * 4 < loops
        if most && lead && minor { return Verdict(.reproduced, words, rule: rule) }
        guard c * 2 >= loops || lead else { return Verdict(.notReproduced, words + "; fewer than half, and no significant lead", rule: rule) }
        var missing: [String] = []
        if !most { missing.append("most loops (" + (c * 2 >= loops ? "half or more by count, but the interval reaches below half)" : "fewer than half)")) }
        if !lead { missing.append("a significant lead") }
        if !minor { missing.append("that self_out and mlp_out barely matter (self_out or mlp_out resolves a quarter or more)") }
        return Verdict(.partly, words + "; not shown: " + missing.joined(separator: "; "), rule: rule)
    }

    /// Contextual bias: shares of sentences whose transcript follows the context (and the sound),
    /// clean and under the strongest of the encoder patches on the word's own frames (with its
    /// paired test against clean), and with the context silenced; the sentences were spoken in
    /// `voices` voices of `synthesizers` synthesizers. Silencing the context itself is the
    /// positive control, reported beside it: that it removes the bias says nothing about where
    /// the bias lives.
    public static func contextBias(sentences: Int, clean: Double, cleanSound: Double, strongest: ContextBias.Summary.Condition, tried: Int,
                                   alone: Double, voices: Int, synthesizers: Int) -> Verdict {
        let rule = "reproduced when the strongest encoder patch on the word's own frames (attn_out: what they take in from the context) "
            + "lowers the share of transcripts that follow the context, by an exact McNemar test against the clean run significant at 0.05 "
            + "after a Bonferroni correction for every patch tried, and raises the share that follow the sound, on at least 200 sentences "
            + "in at least 4 voices of 2 synthesizers; partly when significant on fewer, or without the sound's share rising"
        guard clean > 0 else { return Verdict(.notTested, "no context-driven substitutions", rule: rule) }
        guard strongest.context < clean, let test = strongest.test else { return Verdict(.notReproduced, "no encoder patch on the word lowers it", rule: rule) }
        let p = test.corrected(for: tried)
        let words = String(format: "%.0f%% → %.0f%% over %d sentences, corrected p = %.3g over %d patches; follows the sound %.0f%% → %.0f%%; "
                           + "the word alone is heard as the predicted word in %.0f%%",
                           100 * clean, 100 * strongest.context, sentences, p, tried, 100 * cleanSound, 100 * strongest.sound, 100 * alone)
        guard p < 0.05 else { return Verdict(.notReproduced, "not significant: " + words, rule: rule) }
        guard strongest.sound > cleanSound else { return Verdict(.partly, "the sound's share does not rise: " + words, rule: rule) }
        guard sentences >= 200, voices >= 4, synthesizers >= 2 else {
            return Verdict(.partly, "too few sentences or voices (\(voices) voices of \(synthesizers) synthesizers): " + words, rule: rule)
        }
        return Verdict(.reproduced, words, rule: rule)
    }
}
