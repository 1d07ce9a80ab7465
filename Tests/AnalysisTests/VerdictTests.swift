import Testing
import Analysis

/// The report's verdict rules, at and either side of each threshold.
@Suite struct VerdictTests {
    /// A claim about the model is not judged on one clip (the report's sweep and head ranking run
    /// on one), nor on too few: the numbers stay in the detail, the outcome is "not tested".
    @Test func verdictsOnFewerThanTwentyClipsAreNotTested() {
        #expect(Verdict.silencePatch(windows: [.deleted, .deleted, .deleted, .deleted, .deleted], clips: 1).outcome == .notTested)
        let heads = Verdict.alignmentHeads(hits: 6, top: 6, heads: 24, clips: 1)
        #expect(heads.outcome == .notTested && (heads.detail ?? "").contains("here 6 of the top 6"), "\(heads.detail ?? "")")
        #expect(Verdict.probe(best: Self.layer(3, 97), baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 19).outcome == .notTested)
        #expect(Verdict.tokenProbe(best: Self.layer(3, 97), majority: 0.5, logprob: Self.layer(0, 50), decoderLayers: 4, clips: 4).outcome == .notTested)
        let loops = Verdict.repetition(loops: 5, judged: true, cross: [false, false, false, false, false], other: [true, false, false, false, false], layers: 1, clips: 3)
        #expect(loops.outcome == .notTested && (loops.detail ?? "").contains("improves 0 of 5"), "\(loops.detail ?? "")")
        #expect(Verdict.singleHead(loops: 5, judged: true, best: [true, false, false, false, false], median: [false, false, false, false, false], heads: 24, clips: 3).outcome == .notTested)
    }

    /// Grouped folds over two speakers are two folds, and an interval drawn over two groups says
    /// little: a probe's verdict needs five groups in every class.
    @Test func aProbeOnFewerThanFiveGroupsAClassIsNotTested() {
        let two = Verdict.probe(best: Self.layer(3, 97), baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 120, groups: ("speaker", 2))
        #expect(two.outcome == .notTested && two.detail == "a class has only 2 speakers to group its folds by; a verdict needs 5", "\(two.detail ?? "")")
        #expect(two.rule.contains("fewer than 5 groups"))
        #expect(Verdict.probe(best: Self.layer(3, 97), baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 120, groups: ("word", 5)).outcome == .reproduced)
    }

    /// "Peaks early" only when the early best leads every late layer by a paired interval above 0.
    @Test func anEarlyPeakWithinTheIntervalOfALateLayerIsNotCalledEarly() {
        let layers = [Self.layer(0, 99), Self.layer(1, 90), Self.layer(2, 91), Self.layer(3, 97)]
        let overlap = Verdict.probe(best: layers[0], baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20, layers: layers)
        #expect(overlap.outcome == .partly && (overlap.detail ?? "").contains("peak is not resolved: the best layer, 0 (0.990), leads layer 3 (0.970) by +0.020 [+0.000, "), "\(overlap.detail ?? "")")
        let lower = [Self.layer(0, 99), Self.layer(1, 90), Self.layer(2, 80), Self.layer(3, 80)]
        let early = Verdict.probe(best: lower[0], baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20, layers: lower)
        #expect(early.detail == "decodable, but peaks early")
    }

    /// A probe far below its baseline is said to be below it, with both numbers, not "within".
    @Test func aProbeBelowItsBaselineSaysSo() {
        let below = Verdict.tokenProbe(best: Self.layer(3, 14), majority: 0.856, logprob: Self.layer(0, 3), decoderLayers: 4, clips: 20)
        #expect(below.outcome == .notReproduced && (below.detail ?? "").contains("is 72 points below the majority baseline (0.856)"), "\(below.detail ?? "")")
        let near = Verdict.probe(best: Self.layer(3, 60), baseline: 0.5, input: nil, encoderLayers: 4, clips: 20)
        #expect((near.detail ?? "").contains("10 points above the majority baseline") && (near.detail ?? "").contains("needs 20 above"), "\(near.detail ?? "")")
    }

    @Test func logitLensNeedsMostTokensFinalEarlyAndTheMedianInTheUpperHalf() {
        // Four decoder layers: lens rows 0 (embedding) … 4 (the last layer); upper half = rows 3, 4.
        #expect(Verdict.logitLens(saturation: [3, 3, 3, 4, 2], decoderLayers: 4, clips: 20).outcome == .reproduced)
        let fewEarly = Verdict.logitLens(saturation: [3, 4, 4, 4, nil], decoderLayers: 4, clips: 20)
        #expect(fewEarly.outcome == .partly && fewEarly.text.contains("1 of 5 tokens"), "one early token is not gradual formation: \(fewEarly.text)")
        let settledLow = Verdict.logitLens(saturation: [1, 1, 2, 0, 4], decoderLayers: 4, clips: 20)
        #expect(settledLow.outcome == .partly && settledLow.text.contains("median at layer 0"), "\(settledLow.text)")
        #expect(Verdict.logitLens(saturation: [4, 4, nil], decoderLayers: 4, clips: 20).outcome == .notReproduced)
        #expect(Verdict.logitLens(saturation: [], decoderLayers: 4, clips: 20).outcome == .notTested)
    }

    @Test func encoderLensNeedsOnlyTheUpperHalfToTranscribeAndLoopsOrFluentUngroundedTextBelowTheTop() {
        let none = [0.0, 0, 0, 0]
        #expect(Verdict.encoderLens(grounded: [2, 3], loops: [0, 0.5, 0, 0], ungrounded: none, encoderLayers: 4, clips: 20).outcome == .reproduced)
        let noLoops = Verdict.encoderLens(grounded: [3], loops: [0, 0.1, 0.2, 0], ungrounded: none, encoderLayers: 4, clips: 20)
        #expect(noLoops.outcome == .partly, "looping layers: none is not the paper's pattern: \(noLoops.text)")
        let fluent = Verdict.encoderLens(grounded: [3], loops: none, ungrounded: [0, 0, 0.3, 0], encoderLayers: 4, clips: 20)
        #expect(fluent.outcome == .reproduced && fluent.text.contains("layer 2 give fluent ungrounded text"), "\(fluent.text)")
        let unmeasured = Verdict.encoderLens(grounded: [3], loops: none, ungrounded: nil, encoderLayers: 4, clips: 20)
        #expect(unmeasured.outcome == .partly && unmeasured.text.contains("fluency was not measured"), "\(unmeasured.text)")
        #expect(Verdict.encoderLens(grounded: [3], loops: [0, 0, 0, 1], ungrounded: [0, 0, 0, 1], encoderLayers: 4, clips: 20).outcome == .partly,
                "the last layer's own loops and text do not count")
        #expect(Verdict.encoderLens(grounded: [1, 2, 3], loops: [0, 1, 0, 0], ungrounded: none, encoderLayers: 4, clips: 20).outcome == .notReproduced)
        #expect(Verdict.encoderLens(grounded: [], loops: [1, 1, 1, 1], ungrounded: none, encoderLayers: 4, clips: 20).outcome == .notReproduced, "no layer transcribes: nothing reproduced")
    }

    /// ±75, ±50 and ±20 windows with mean WER 0, 0.1 and 1; ±75's change from full attention is
    /// 0 [−0.02, +0.02], ±20's from ±50 +0.9 [+0.8, +1.0], and ±50's from ±75 as given.
    static func windows(change50: (mean: Double, low: Double, high: Double), wer20: Double = 1) -> [(radius: Int, wer: Double, change: PairedDifference)] {
        [(75, 0, PairedDifference(mean: 0, low: -0.02, high: 0.02, pairs: 20)),
         (50, 0.1, PairedDifference(mean: change50.mean, low: change50.low, high: change50.high, pairs: 20)),
         (20, wer20, PairedDifference(mean: wer20 - 0.1, low: wer20 - 0.2, high: wer20, pairs: 20))]
    }

    /// Full attention keeps 0.9 of the reference's words; ±20 keeps 0.2 (lost) or 0.7 (kept).
    static func kept(lost: Bool = true) -> (full: Double, change20: PairedDifference) {
        (0.9, lost ? PairedDifference(mean: -0.7, low: -0.8, high: -0.6, pairs: 20) : PairedDifference(mean: -0.2, low: -0.3, high: -0.1, pairs: 20))
    }

    /// ±20 "loses most words" from the words its transcript keeps, not from a WER that inserted
    /// words raise: tiny.en's full attention already has mean WER 0.61 on the synthetic set, and
    /// ±20's 2.23 there is mostly insertions (found by a review).
    @Test func twentyFramesLoseMostWordsOnlyWhenMostWordsAreGone() {
        let inserting = Verdict.attentionWindows(full: 0.6, windows: Self.windows(change50: (0.1, 0.05, 0.15), wer20: 2.2),
                                                 kept: Self.kept(lost: false), clips: 48)
        #expect(inserting.outcome == .partly && inserting.text.contains("±20 keeps most words"), "\(inserting.text)")
        #expect(inserting.text.contains("words kept 0.90 with full attention, 0.70 at ±20"), "\(inserting.text)")
        let lost = Verdict.attentionWindows(full: 0.6, windows: Self.windows(change50: (0.1, 0.05, 0.15), wer20: 0.9), kept: Self.kept(), clips: 48)
        #expect(lost.outcome == .reproduced, "\(lost.text)")
    }

    /// ±50 degrades only when its interval clears 0: a mean rise whose interval holds 0 is not
    /// enough.
    @Test func theWindowVerdictJudgesEachPartOnItsPairedInterval() {
        let sure = Verdict.attentionWindows(full: 0, windows: Self.windows(change50: (0.1, 0.05, 0.15)), kept: Self.kept(), clips: 48)
        #expect(sure.outcome == .reproduced && sure.text.contains("±75 holds, ±50 degrades, ±20 loses most words"), "\(sure.text)")
        let unsure = Verdict.attentionWindows(full: 0, windows: Self.windows(change50: (0.05, -0.02, 0.12)), kept: Self.kept(), clips: 48)
        #expect(unsure.outcome == .partly && unsure.text.contains("(+0.05 [-0.02, +0.12] from ±75)"), "\(unsure.text)")
        #expect(unsure.text.contains("±50 is not shown to degrade"))
        // An interval on both sides of the threshold neither shows ±75 holding nor refutes it
        // (a trial's report said "±75 does not hold" from +0.51 [-0.45, +1.47]).
        let wide = Verdict.attentionWindows(full: 0, windows: [(75, 0.5, PairedDifference(mean: 0.51, low: -0.45, high: 1.47, pairs: 20))]
                                            + Self.windows(change50: (0.1, 0.05, 0.15)).dropFirst(), kept: Self.kept(), clips: 48)
        #expect(wide.text.contains("±75 is not shown to hold, ±50 degrades"), "\(wide.text)")
        let none = Verdict.attentionWindows(full: 0, windows: [(75, 0.5, PairedDifference(mean: 0.5, low: 0.3, high: 0.7, pairs: 48))]
                                            + Self.windows(change50: (0, -0.1, 0.1), wer20: 0.2).dropFirst(), kept: Self.kept(lost: false), clips: 48)
        #expect(none.outcome == .notReproduced && none.text.contains("±75 does not hold"), "\(none.text)")
    }

    /// One clip illustrates a method; the lens and attention-window claims need a survey.
    @Test func lensAndWindowVerdictsNeedTwentyClips() {
        let one = Verdict.logitLens(saturation: [3, 3, 3, 4, 2], decoderLayers: 4, clips: 1)
        #expect(one.outcome == .notTested && one.text.contains("1 clip; a verdict needs at least 20"), "\(one.text)")
        #expect(Verdict.encoderLens(grounded: [2, 3], loops: [0, 0.5, 0, 0], ungrounded: nil, encoderLayers: 4, clips: 19).outcome == .notTested)
        #expect(Verdict.attentionWindows(full: 0, windows: Self.windows(change50: (0.1, 0.05, 0.15)), kept: Self.kept(), clips: 19).outcome == .notTested)
        #expect(Verdict.attentionWindows(full: 0, windows: Self.windows(change50: (0.1, 0.05, 0.15)), kept: Self.kept(), clips: 20).outcome == .reproduced)
    }

    /// Fluency counts dictionary words: the paper's fluent hallucination against lens noise.
    @Test func fluencyIsTheShareOfRealWords() throws {
        try #require(Fluency.available, "the wamerican word list is installed by scripts/setup.sh")
        #expect(Fluency.of("The lamp on the desk was still warm.") == 1)
        #expect(Fluency.of("Mine go zzkq.")! < 0.7)
        #expect(Fluency.of("...") == nil && Fluency.of("") == nil)
        #expect(Fluency.isFluent("I'm going to try to do this.") && !Fluency.isFluent("And") && !Fluency.isFluent("blorf snarg quib"))
    }

    /// A layer (or control) with the first `correct` of 100 held-out rows right: of two such
    /// layers, the better one is right wherever the other is.
    static func layer(_ l: Int, _ correct: Int) -> LinearProbe.Layer {
        LinearProbe.Layer(layer: l, hits: (0..<100).map { $0 < correct })
    }
    static func input(_ correct: Int) -> ProbeExperiment.InputBaseline { .init(name: "log-mel", result: layer(0, correct)) }

    @Test func probeNeedsTwentyPointsOverTheMajorityAndAPairedLeadOverTheInputBaseline() {
        #expect(Verdict.probe(best: Self.layer(3, 70), baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20).outcome == .reproduced)
        #expect(Verdict.probe(best: Self.layer(3, 69), baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20).outcome == .notReproduced)
        let early = Verdict.probe(best: Self.layer(1, 90), baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20)
        #expect(early.outcome == .partly && early.text == "partly: decodable, but peaks early")
    }

    @Test func aProbeAtTheInputBaselineIsNotReproduced() {
        // 2 rows of 100 make the lead: a resample misses both about one time in seven.
        let atInput = Verdict.probe(best: Self.layer(3, 97), baseline: 0.5, input: Self.input(95), encoderLayers: 4, clips: 20)
        #expect(atInput.outcome == .notReproduced && atInput.text.contains("the input alone (log-mel) gives 0.950"), "\(atInput.text)")
        #expect(Verdict.probe(best: Self.layer(3, 97), baseline: 0.5, input: Self.input(80), encoderLayers: 4, clips: 20).outcome == .reproduced)
        let unknown = Verdict.probe(best: Self.layer(3, 97), baseline: 0.5, input: nil, encoderLayers: 4, clips: 20)
        #expect(unknown.outcome == .partly, "without a control a probe is never reproduced")
    }

    /// Found by a review of the reports: 216 clips of 15 speakers were counted as 216
    /// independent trials, and a probe was compared with its control by the probe's interval
    /// alone, as if the two had been tested on different clips.
    @Test func clusteredRowsWidenTheIntervalAndPairingDecidesTheLead() {
        // 5 speakers of 20 clips each, the probe right on all of 3 speakers' clips and none of 2.
        let speakers = (0..<100).map { $0 / 20 }
        let clustered = LinearProbe.Layer(layer: 0, hits: speakers.map { $0 < 3 }, clusters: speakers)
        let wilson = WilsonInterval(successes: 60, trials: 100)
        #expect(clustered.accuracy == 0.6 && clustered.units == 5)
        #expect(clustered.interval.halfWidth > 2 * wilson.halfWidth, "five speakers are not 100 trials: \(clustered.interval) against \(wilson)")
        let alone = LinearProbe.Layer(layer: 0, hits: speakers.map { $0 < 3 })
        #expect(alone.interval == .init(low: wilson.low, high: wilson.high), "ungrouped rows keep Wilson's interval")
        // A perfect probe: the bootstrap alone would give [1, 1]; Wilson's bound stays.
        let perfect = LinearProbe.Layer(layer: 0, hits: speakers.map { _ in true }, clusters: speakers)
        #expect(perfect.interval.low == WilsonInterval(successes: 100, trials: 100).low)

        // 5 points ahead: within the probe's own interval, yet right wherever the control is.
        let control = Self.layer(0, 75), probe = Self.layer(3, 80)
        #expect(probe.accuracy - control.accuracy < probe.interval.halfWidth)
        #expect(Verdict.probe(best: probe, baseline: 0.5, input: .init(name: "log-mel", result: control), encoderLayers: 4, clips: 100).outcome == .reproduced)
        // The same accuracies, disagreeing on 25 rows each way: no lead.
        let other = LinearProbe.Layer(layer: 0, hits: (0..<100).map { $0 < 55 || ($0 >= 80 && $0 < 100) })
        #expect(other.accuracy == 0.75)
        let unpaired = Verdict.probe(best: probe, baseline: 0.5, input: .init(name: "log-mel", result: other), encoderLayers: 4, clips: 100)
        #expect(unpaired.outcome == .notReproduced && unpaired.text.contains("the best layer's lead over it +0.050 ["), "\(unpaired.text)")
        // A late layer's lead that one speaker's clips make: resampling clips it is resolved,
        // resampling speakers (a third of draws lack that speaker) it is not.
        let lateHits = speakers.map { $0 < 3 }, earlyHits = speakers.indices.map { speakers[$0] < 3 && $0 >= 12 }
        func verdict(_ clusters: [Int]?) -> Verdict {
            let none = LinearProbe.Layer(layer: 0, hits: speakers.map { _ in false }, clusters: clusters)
            let late = LinearProbe.Layer(layer: 3, hits: lateHits, clusters: clusters), early = LinearProbe.Layer(layer: 0, hits: earlyHits, clusters: clusters)
            return Verdict.probe(best: late, baseline: 0.4, input: .init(name: "log-mel", result: none), encoderLayers: 4, clips: 100, layers: [early, late])
        }
        #expect(verdict(nil).outcome == .reproduced, "\(verdict(nil).text)")
        let bySpeaker = verdict(speakers)
        #expect(bySpeaker.outcome == .partly && bySpeaker.text.contains("the peak is not resolved: the best layer, 3 (0.600), leads layer 0 (0.480) by +0.120 [+0.000, "),
                "\(bySpeaker.text)")
    }

    @Test func wilsonIntervalsMatchTheirFormula() {
        // Reference values from the closed form (Wilson 1927), z = 1.96.
        let a = WilsonInterval(successes: 97, trials: 100)
        #expect(abs(a.low - 0.9155) < 5e-4 && abs(a.high - 0.9897) < 5e-4, "\(a)")
        let all = WilsonInterval(successes: 10, trials: 10)
        #expect(all.high > 1 - 1e-9 && abs(all.low - 0.7225) < 5e-4, "\(all)")
        #expect(WilsonInterval(successes: 0, trials: 0).low == 0 && WilsonInterval(successes: 0, trials: 0).high == 1)
    }

    @Test func patchingRulesCountChangedWindowsAndAlignmentHits() {
        let five: [SpanDeletion.Outcome] = [.deleted, .deleted, .deleted, .other, .unchanged, .noWords]
        #expect(Verdict.silencePatch(windows: five, clips: 20).outcome == .reproduced, "3 of 5 windows with words delete them")
        let few = Verdict.silencePatch(windows: [.deleted, .deleted, .other, .noWords], clips: 20)
        #expect(few.outcome == .partly && few.text.contains("too few windows"), "\(few.text)")
        let truncating = Verdict.silencePatch(windows: [.other, .other, .other, .deleted, .other, .other], clips: 20)
        #expect(truncating.outcome == .partly && truncating.text.contains("1 of 6 windows with words"), "changing is not deleting: \(truncating.text)")
        #expect(Verdict.silencePatch(windows: [.other, .other, .unchanged, .other, .other], clips: 20).outcome == .notReproduced)
        #expect(Verdict.silencePatch(windows: [.noWords, .noWords], clips: 20).outcome == .notTested)
        #expect(Verdict.alignmentHeads(hits: 3, top: 6, heads: 24, clips: 20).outcome == .reproduced)
        // Six heads drawn blindly from 24 hold 1.5 of the 6 listed ones: 2 is above chance, 1 is not.
        #expect(Verdict.alignmentHeads(hits: 2, top: 6, heads: 24, clips: 20).outcome == .partly)
        #expect(Verdict.alignmentHeads(hits: 1, top: 6, heads: 24, clips: 20).outcome == .notReproduced)
        #expect(Verdict.alignmentHeads(hits: 0, top: 6, heads: 24, clips: 20).outcome == .notReproduced)
        #expect(Verdict.alignmentHeads(hits: 0, top: 0, heads: 24, clips: 20).outcome == .notTested)
    }

    /// The single-head claim rests on loops: none measured is "not tested" (base once showed
    /// "reproduced" here from head ablation on a clean clip); the best head must beat the
    /// median head on the same loops; stopping a loop without reference texts is at most "partly".
    @Test func theSingleHeadRuleCountsLoopsAHeadResolvesAgainstTheMedianHead() {
        func loops(_ k: Int, of n: Int = 20) -> [Bool] { (0..<n).map { $0 < k } }
        #expect(Verdict.singleHead(loops: 0, judged: true, best: [], median: [], heads: 24, clips: 20).outcome == .notTested)
        #expect(Verdict.singleHead(loops: 20, judged: true, best: loops(16), median: loops(4), heads: 24, clips: 20).outcome == .reproduced)
        let fragile = Verdict.singleHead(loops: 20, judged: true, best: loops(16), median: loops(14), heads: 24, clips: 20)
        #expect(fragile.outcome == .partly && fragile.text.contains("the best head improves 16 of 20 loops") && fragile.text.contains("the median head 14"),
                "every head breaks these loops: \(fragile.text)")
        #expect(Verdict.singleHead(loops: 20, judged: true, best: loops(5), median: loops(0), heads: 24, clips: 20).outcome == .partly)
        #expect(Verdict.singleHead(loops: 20, judged: true, best: loops(4), median: loops(0), heads: 24, clips: 20).outcome == .notReproduced)
        let unjudged = Verdict.singleHead(loops: 20, judged: false, best: loops(20), median: loops(0), heads: 24, clips: 20)
        #expect(unjudged.outcome == .partly && unjudged.text.contains("the best head stops 20 of 20 loops, 95% interval [0.84, 1.00]"), "\(unjudged.text)")
    }

    @Test func repetitionAndContextBiasRules() {
    }

    static func patch(_ context: Double, b: Int, c: Int, sound: Double = 0.5) -> ContextBias.Summary.Condition {
        .init(condition: "patch", layer: 3, context: context, sound: sound, other: 1 - context - sound, test: McNemar(b: b, c: c))
    }

    @Test func contextBiasNeedsASignificantPairedDropAfterCorrectionOnEnoughSentences() {
        // 30 sentences, 5 → 2 following the context: 3 discordant pairs cannot be significant.
        let small = Verdict.contextBias(sentences: 30, clean: 5.0 / 30, cleanSound: 0.4, strongest: Self.patch(2.0 / 30, b: 3, c: 0), tried: 8, alone: 4.0 / 30, voices: 1, synthesizers: 1)
        #expect(small.outcome == .notReproduced && small.text.contains("not significant"), "\(small.text)")
        // 240 sentences, 60 → 20 (40 flips one way, none back): significant even over 8 patches.
        let large = Verdict.contextBias(sentences: 240, clean: 0.25, cleanSound: 0.4, strongest: Self.patch(20.0 / 240, b: 40, c: 0), tried: 8, alone: 0.05, voices: 4, synthesizers: 2)
        #expect(large.outcome == .reproduced, "\(large.text)")
        let oneVoice = Verdict.contextBias(sentences: 240, clean: 0.25, cleanSound: 0.4, strongest: Self.patch(20.0 / 240, b: 40, c: 0), tried: 8, alone: 0.05, voices: 1, synthesizers: 1)
        #expect(oneVoice.outcome == .partly && oneVoice.text.contains("1 voices of 1 synthesizers"), "one voice cannot speak for speech: \(oneVoice.text)")
        #expect(Verdict.contextBias(sentences: 100, clean: 0.25, cleanSound: 0.4, strongest: Self.patch(0.05, b: 20, c: 0), tried: 8, alone: 0.05, voices: 4, synthesizers: 2).outcome == .partly)
        #expect(Verdict.contextBias(sentences: 30, clean: 0.2, cleanSound: 0.4, strongest: Self.patch(0.2, b: 1, c: 1), tried: 8, alone: 0.05, voices: 4, synthesizers: 2).outcome == .notReproduced)
        #expect(Verdict.contextBias(sentences: 30, clean: 0, cleanSound: 0.4, strongest: Self.patch(0, b: 0, c: 0), tried: 8, alone: 0, voices: 4, synthesizers: 2).outcome == .notTested)
    }

    /// Found by a review: a patch that lowers the context's share must also make transcripts
    /// follow the sound more often, as the paper's "more faithful to the sound" says.
    @Test func contextBiasNeedsTheSoundsShareToRise() {
        let fewer = Verdict.contextBias(sentences: 240, clean: 0.25, cleanSound: 0.5, strongest: Self.patch(20.0 / 240, b: 40, c: 0, sound: 0.45),
                                        tried: 8, alone: 0.05, voices: 4, synthesizers: 2)
        #expect(fewer.outcome == .partly && fewer.text.contains("the sound's share does not rise") && fewer.text.contains("follows the sound 50% → 45%"),
                "\(fewer.text)")
    }

    @Test func repetitionCountsLoopsResolvedTowardTheReferenceAndNeedsASignificantLead() {
        let cross = [Bool](repeating: true, count: 10) + [Bool](repeating: false, count: 2)   // 10 of 12: [0.55, 0.95]
        let other = [Bool](repeating: false, count: 12)
        #expect(Verdict.repetition(loops: 12, judged: true, cross: cross, other: other, layers: 1, clips: 20).outcome == .reproduced, "10 vs 0 of 12: p = 0.002")
        let unjudged = Verdict.repetition(loops: 12, judged: false, cross: cross, other: other, layers: 1, clips: 20)
        #expect(unjudged.outcome == .partly && unjudged.text.contains("no reference texts"), "\(unjudged.text)")
        // 13 of 14 against 9 of 14, the same loops: 4 discordant pairs, p = 0.125, not a difference.
        let close = Verdict.repetition(loops: 14, judged: true, cross: [Bool](repeating: true, count: 13) + [false],
                                       other: [Bool](repeating: true, count: 9) + [Bool](repeating: false, count: 5), layers: 1, clips: 20)
        #expect(close.outcome == .partly && close.text.contains("p = 0.125"), "\(close.text)")
        // 11 of 23 against 3 of 23 (tiny.en): a significant lead, but not half: partly.
        let lead = Verdict.repetition(loops: 23, judged: true, cross: [Bool](repeating: true, count: 11) + [Bool](repeating: false, count: 12),
                                      other: [Bool](repeating: true, count: 3) + [Bool](repeating: false, count: 20), layers: 1, clips: 20)
        #expect(lead.outcome == .partly, "\(lead.text)")
        // 3 of 12 against 2 of 12 (base): neither half nor a significant lead: not reproduced.
        let weak = Verdict.repetition(loops: 12, judged: true, cross: [true, true, true] + [Bool](repeating: false, count: 9),
                                      other: [true, true] + [Bool](repeating: false, count: 10), layers: 1, clips: 20)
        #expect(weak.outcome == .notReproduced && weak.text.contains("p = 1"), "\(weak.text)")
        #expect(Verdict.repetition(loops: 12, judged: true, cross: other, other: cross, layers: 1, clips: 20).outcome == .notReproduced)
        #expect(Verdict.repetition(loops: 0, judged: true, cross: [], other: [], layers: 1, clips: 20).outcome == .notTested)
    }

    /// Found by a review: the paper's "self-attention and MLP barely matter" is part of the
    /// claim; a lead the other way, or missing texts, gives what the printed rule says.
    @Test func repetitionAlsoNeedsSelfAttentionAndTheMLPToBarelyMatter() {
        let cross = [Bool](repeating: true, count: 18) + [Bool](repeating: false, count: 2)    // 18 of 20
        let other = [Bool](repeating: true, count: 6) + [Bool](repeating: false, count: 14)    // 6 of 20: a quarter or more
        let both = Verdict.repetition(loops: 20, judged: true, cross: cross, other: other, layers: 1, clips: 20)
        #expect(both.outcome == .partly && both.text.contains("self_out or mlp_out resolves a quarter or more"), "\(both.text)")
        let few = [Bool](repeating: true, count: 4) + [Bool](repeating: false, count: 16)      // 4 of 20: fewer than a quarter
        #expect(Verdict.repetition(loops: 20, judged: true, cross: cross, other: few, layers: 1, clips: 20).outcome == .reproduced)
        // Half the loops, but the other component resolves more: no lead, partly as printed.
        let half = [Bool](repeating: true, count: 10) + [Bool](repeating: false, count: 10)
        #expect(Verdict.repetition(loops: 20, judged: true, cross: half, other: cross, layers: 1, clips: 20).outcome == .partly)
        #expect(Verdict.repetition(loops: 20, judged: false, cross: few, other: cross, layers: 1, clips: 20).outcome == .partly, "no texts: partly, as printed")
    }

    /// Found by a review: "most loops" rested on a count of half or more (12 of 21, whose
    /// interval reaches 37%), and the best of 4 cross_out layers was tested as if it were the
    /// only one. tiny.en's report had these numbers.
    @Test func mostLoopsNeedsItsIntervalAboveHalfAndTheBestLayersLeadIsCorrected() {
        func loops(_ k: Int, of n: Int = 21) -> [Bool] { (0..<n).map { $0 < k } }
        let v = Verdict.repetition(loops: 21, judged: true, cross: loops(12), other: loops(5), layers: 4, clips: 20)
        #expect(v.outcome == .partly && v.text.contains("cross_out improves 12 of 21 loops, 95% interval [0.37, 0.76]")
                && v.text.contains("corrected for 4 layers 0.0625") && v.text.contains("not shown: most loops (half or more by count, but the interval reaches below half); a significant lead"), "\(v.text)")
        #expect(Verdict.repetition(loops: 21, judged: true, cross: loops(16), other: loops(3), layers: 4, clips: 20).outcome == .reproduced,
                "16 of 21 is [0.55, 0.89], and 13 discordant loops one way survive the correction")
        #expect(Verdict.singleHead(loops: 21, judged: true, best: loops(12), median: loops(0), heads: 1, clips: 20).outcome == .partly,
                "a single head is held to the same interval")
    }

    /// The best of 24 heads beats the median head by construction: its McNemar p is corrected
    /// for the heads it was chosen from (found by a review).
    @Test func theSingleHeadsLeadIsCorrectedForTheHeadsItWasChosenFrom() {
        func loops(_ k: Int, of n: Int = 21) -> [Bool] { (0..<n).map { $0 < k } }
        // 12 of 21 against 5 of the same 21: p = 0.016 alone, 0.38 over 24 heads.
        let v = Verdict.singleHead(loops: 21, judged: true, best: loops(12), median: loops(5), heads: 24, clips: 20)
        #expect(v.outcome == .partly && v.text.contains("corrected for 24 heads 0.375"), "\(v.text)")
        #expect(Verdict.singleHead(loops: 21, judged: true, best: loops(16), median: loops(5), heads: 1, clips: 20).outcome == .reproduced)
    }

    /// A late best layer whose lead over an early layer has an interval reaching 0 has no resolved peak (checked
    /// only for early bests before a review); the per-token probe is at most "partly", since it
    /// measures another quantity than the paper's.
    @Test func aLatePeakMustBeResolvedAndTheTokenProbeIsAtMostPartly() {
        let layers = [Self.layer(0, 95), Self.layer(1, 90), Self.layer(2, 91), Self.layer(3, 97)]
        let late = Verdict.probe(best: layers[3], baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20, layers: layers)
        #expect(late.outcome == .partly && (late.detail ?? "").contains("peak is not resolved: the best layer, 3 (0.970), leads layer 0 (0.950) by +0.020 [+0.000, "), "\(late.detail ?? "")")
        let clear = [Self.layer(0, 70), Self.layer(1, 75), Self.layer(2, 91), Self.layer(3, 97)]
        #expect(Verdict.probe(best: clear[3], baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20, layers: clear).outcome == .reproduced)
        let token = Verdict.tokenProbe(best: clear[3], majority: 0.5, logprob: Self.layer(0, 60), decoderLayers: 4, clips: 20, layers: clear)
        #expect(token.outcome == .partly && token.text.contains("a different quantity"), "\(token.text)")
    }

    @Test func mcNemarIsTheExactBinomialTail() {
        #expect(abs(McNemar(b: 3, c: 0).p - 0.25) < 1e-12, "2 · (½)³")
        #expect(abs(McNemar(b: 10, c: 2).p - 0.03857421875) < 1e-12, "2 · Σ_{i≤2} C(12, i) / 2¹²")
        #expect(McNemar(b: 0, c: 0).p == 1 && McNemar(b: 5, c: 5).p == 1, "a tail past the middle is capped at 1")
        #expect(McNemar(b: 10, c: 2).corrected(for: 8) == min(1, 8 * McNemar(b: 10, c: 2).p))
    }

    @Test func everyVerdictCarriesItsRule() {
        let all = [Verdict.logitLens(saturation: [3, 3], decoderLayers: 4, clips: 20), .encoderLens(grounded: [3], loops: [0, 1, 0, 0], ungrounded: nil, encoderLayers: 4, clips: 20),
                   .probe(best: Self.layer(3, 100), baseline: 0.5, input: Self.input(50), encoderLayers: 4, clips: 20), .silencePatch(windows: [.deleted], clips: 20),
                   .alignmentHeads(hits: 1, top: 1, heads: 24, clips: 20), .singleHead(loops: 2, judged: true, best: [true, false], median: [false, false], heads: 24, clips: 20), .tokenProbe(best: Self.layer(3, 95), majority: 0.5, logprob: Self.layer(0, 60), decoderLayers: 4, clips: 20),
                   .attentionWindows(full: 0, windows: Self.windows(change50: (0.1, 0.05, 0.15)), kept: Self.kept(), clips: 20),
                   .repetition(loops: 1, judged: true, cross: [true], other: [false], layers: 4, clips: 20), .contextBias(sentences: 1, clean: 1, cleanSound: 0.4, strongest: Self.patch(0, b: 1, c: 0), tried: 1, alone: 0, voices: 4, synthesizers: 2)]
        #expect(all.allSatisfy { $0.rule.hasPrefix("reproduced when") })
        #expect(Set(all.map(\.rule)).count == all.count)
    }
}
