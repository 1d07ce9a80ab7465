import Foundation
import Model

/// Repetition hunting (paper-methods §4): find the clips and conditions where the model loops,
/// then patch each decoder component per layer, and each cross-attention head, from a reference
/// run (silence or noise) and record whether the loop disappears.
public enum RepetitionHunt {
    /// What the patched activations are copied from.
    public enum Reference: String, Sendable, CaseIterable {
        case silence, noise
    }

    public struct Settings: Sendable {
        /// SNRs of the white noise mixed into the clip, one `noisy` condition each.
        public var snrDB: [Double] = [0, -5, -10]
        /// Fraction of the clip kept for the `truncated` condition (cut mid-speech).
        public var keep: Double = 0.6
        public var reference: Reference = .silence

        public init(snrDB: [Double] = [0, -5, -10], keep: Double = 0.6, reference: Reference = .silence) {
            self.snrDB = snrDB; self.keep = keep; self.reference = reference
        }

        /// The condition names, in order: `plain`, `noisy 0dB`…, `truncated`.
        /// SNRs that mean something: from noise 60 dB louder than the speech to none audible.
        public static let snrRange: ClosedRange<Double> = -60...100
        /// The one message for an SNR outside `snrRange`.
        public static func checkSNR(_ snr: [Double]) throws {
            if let bad = snr.first(where: { !snrRange.contains($0) }) {
                throw InputError("--snr \(bad)", "an SNR must be between \(Int(snrRange.lowerBound)) and \(Int(snrRange.upperBound)) dB")
            }
        }
        public var conditions: [String] { ["plain"] + snrDB.map { "noisy \(String(format: "%g", $0))dB" } + ["truncated"] }
    }

    /// The decoder components patched per layer; cross-attention heads come on top.
    public static let components: [Site.Point] = [.selfOut, .crossOut, .mlpOut]

    /// One patch tried on a loop.
    public struct Trial: Sendable, Equatable, Codable {
        /// `self_out`, `cross_out`, `mlp_out` or `cross_head`.
        public let component: String
        public let layer: Int
        public let head: Int?
        /// The patched transcript no longer loops.
        public let resolved: Bool
        /// Resolved, and its WER against the reference text is below both the looping transcript's
        /// and the empty transcript's (see `improves`; nil when the data set gives no reference text).
        public var improved: Bool? = nil
        /// The patched transcript, when it resolved the loop.
        public var text: String? = nil

        public init(component: String, layer: Int, head: Int?, resolved: Bool, improved: Bool? = nil, text: String? = nil) {
            self.component = component; self.layer = layer; self.head = head; self.resolved = resolved
            self.improved = improved; self.text = text
        }
    }

    /// One clip under one condition.
    public struct Case: Sendable, Equatable, Codable {
        public let condition: String
        public let text: String
        public let loop: Bool
        /// Encoder layers whose lens transcript loops.
        public let lensLoops: [Int]
        /// The patches tried when the transcript loops (empty otherwise).
        public let trials: [Trial]
        /// WER of the transcript against the data set's reference text, when it gives one.
        public var wer: Double? = nil

        enum CodingKeys: String, CodingKey { case condition, text, loop, trials, wer, lensLoops = "lens_loops" }

        public init(condition: String, text: String, loop: Bool, lensLoops: [Int], trials: [Trial], wer: Double? = nil) {
            self.condition = condition; self.text = text; self.loop = loop; self.lensLoops = lensLoops; self.trials = trials; self.wer = wer
        }
    }

    /// The clip as it is (`plain`), with white noise at each SNR (`noisy`), and cut short
    /// (`truncated`). `seed` makes the noise reproducible per clip.
    public static func conditions(_ samples: [Float], settings: Settings, seed: UInt64) -> [(String, [Float])] {
        let names = settings.conditions
        let noisy = settings.snrDB.enumerated().map { k, snr -> (String, [Float]) in
            var rng = Gaussian(seed: seed &+ UInt64(k))
            let noise = (0..<samples.count).map { _ in rng.next() }
            return (names[k + 1], SyntheticSet.mix(samples, noise: noise, snrDB: snr))
        }
        // At least one 10 ms frame: a tiny --keep on a short clip left no audio to transcribe,
        // and the whole row was lost.
        let kept = max(LogMel.hop, Int(Double(samples.count) * settings.keep))
        return [("plain", samples)] + noisy + [("truncated", Array(samples.prefix(kept)))]
    }

    /// Whether a transcript loops beyond what was said: it loops by `Repetition.isLoop`, and when
    /// the words spoken (`reference`) repeat by the same rule ("thank you, thank you, thank
    /// you"), it also has more words than they do. A faithful transcript of repeated speech is
    /// no hallucination, and no patch could "resolve" it.
    public static func isHallucinatedLoop(_ text: String, reference: String?) -> Bool {
        guard Repetition.isLoop(text) else { return false }
        guard let reference, Repetition.isLoop(reference) else { return true }
        return WordErrorRate.words(text).count > WordErrorRate.words(reference).count
    }

    /// Transcribes one condition, looks for loops in the transcript and the encoder lens, and
    /// when the transcript loops tries every patch. `reference`, the words actually spoken, lets
    /// a patch count as improving the transcript and not only as stopping its loop.
    public static func examine(model: WhisperModel, condition: String, samples: [Float], settings: Settings, seed: UInt64,
                               reference: String? = nil) throws -> Case {
        let engine = try Engine(model: model, samples: samples)
        let lens = EncoderLens(engine: engine, stopAtLoop: true)
        let text = engine.clean.text
        let loop = isHallucinatedLoop(text, reference: reference)
        let wer = reference.map { WordErrorRate.of(reference: $0, hypothesis: text) }
        guard loop else {
            return Case(condition: condition, text: text, loop: false, lensLoops: lens.layers.filter(\.repetition).map(\.layer), trials: [], wer: wer)
        }
        let source: PatchSource
        switch settings.reference {
        case .silence:
            source = .silence
        case .noise:
            // White noise as long and as loud as the clip, in full scale as a file would hold it.
            let rms = (samples.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(1, samples.count))).squareRoot()
            var rng = Gaussian(seed: seed ^ 0x5EED)
            let noise = samples.indices.map { _ in max(-1, min(1, Float(rms) * rng.next())) }
            source = .samples(.init("noise-\(seed)-\(condition)", noise))
        }
        let hyper = model.hyper
        var trials: [Trial] = []
        for l in 0..<hyper.decoderLayers {
            let sites = components.map { ($0.name, nil as Int?, Site(.decoder, l, $0)) }
                + (0..<hyper.decoderHeads).map { ("cross_head", $0 as Int?, Site(.decoder, l, .crossHead($0))) }
            for (component, head, site) in sites {
                let patch = Patch(site: site, positions: .all, source: source)
                // Decoding stops once the loop is certain; the flag is that of the full transcript.
                let run = try engine.run(PatchSet([patch]), useMemo: false, until: { Repetition.loopsAlready(model.tokenizer.decode($0)) })
                let resolved = !Repetition.isLoop(run.text)
                var improved: Bool?
                if let reference, let wer { improved = resolved && improves(run.text, on: wer, reference: reference) }
                trials.append(Trial(component: component, layer: l, head: head, resolved: resolved, improved: improved, text: resolved ? run.text : nil))
            }
        }
        return Case(condition: condition, text: text, loop: true, lensLoops: lens.layers.filter(\.repetition).map(\.layer), trials: trials, wer: wer)
    }

    /// Whether a patched transcript that no longer loops brings the output closer to the words
    /// spoken: its WER is below the looping transcript's `loopWER` and below 1, the WER of saying
    /// nothing. A loop's WER is often above 1 (every repeat is an insertion), so without the second
    /// bound any short unrelated sentence would count.
    public static func improves(_ patched: String, on loopWER: Double, reference: String) -> Bool {
        let w = WordErrorRate.of(reference: reference, hypothesis: patched)
        return w < loopWER && w < 1
    }

    /// The fraction of loops each patch resolves: per component and layer (for cross-attention
    /// heads, whether any head of the layer does, and each head alone).
    public struct Summary: Sendable {
        /// One patch (or family of heads at a layer) over every loop: how many it resolved, and
        /// how many it resolved while bringing the transcript closer to the reference text.
        public struct Entry: Sendable, Equatable, Encodable {
            public let component: String
            public let layer: Int
            public let head: Int?
            public let resolved: Int
            public let fraction: Double
            /// nil without reference texts.
            public let improved: Int?
            /// 95% Wilson intervals of `resolved` and `improved` out of the loops.
            public let resolvedInterval: WilsonInterval
            public let improvedInterval: WilsonInterval?

            enum CodingKeys: String, CodingKey {
                case component, layer, head, resolved, fraction, improved
                case resolvedInterval = "resolved_interval", improvedInterval = "improved_interval"
            }
        }

        public let loops: Int
        public let entries: [Entry]
        /// Per entry (same order), which loops it resolved (strictly: also improved, when the data
        /// give reference texts): the paired outcomes that compare two patches.
        public let outcomes: [[Bool]]

        public init(_ cases: [Case], layers: Int, heads: Int) {
            let looping = cases.filter(\.loop)
            let total = looping.count
            loops = total
            let n = Double(max(1, total))
            let judged = looping.allSatisfy { $0.wer != nil } && !looping.isEmpty
            var found: [Entry] = [], paired: [[Bool]] = []
            func add(_ component: String, _ layer: Int, _ head: Int?, _ matches: (Trial) -> Bool) {
                let resolved = looping.map { $0.trials.contains { matches($0) && $0.resolved } }
                let improved = looping.map { $0.trials.contains { matches($0) && $0.improved == true } }
                let r = resolved.filter { $0 }.count, i = improved.filter { $0 }.count
                found.append(Entry(component: component, layer: layer, head: head, resolved: r, fraction: Double(r) / n,
                                     improved: judged ? i : nil, resolvedInterval: WilsonInterval(successes: r, trials: total),
                                     improvedInterval: judged ? WilsonInterval(successes: i, trials: total) : nil))
                paired.append(judged ? improved : resolved)
            }
            for c in RepetitionHunt.components.map(\.name) + ["cross_head"] {
                for l in 0..<layers {
                    add(c == "cross_head" ? "any cross head" : c, l, nil) { $0.component == c && $0.layer == l }
                }
            }
            for l in 0..<layers {
                for h in 0..<heads { add("cross_head", l, h) { $0.component == "cross_head" && $0.layer == l && $0.head == h } }
            }
            entries = found
            outcomes = paired
        }

        /// The entries of the patches that were tried: none when nothing looped (a fraction of
        /// 0 of 0 loops is no finding, so no row says 0).
        public var tried: [Entry] { loops == 0 ? [] : entries }

        /// The best layer of a component by loops improved when judged (ties broken by loops
        /// resolved), else by loops resolved, with its outcomes.
        public func best(_ component: String) -> (entry: Entry, outcomes: [Bool])? {
            zip(tried, outcomes).filter { $0.0.component == component && $0.0.head == nil }
                .max { ($0.0.improved ?? $0.0.resolved, $0.0.resolved) < ($1.0.improved ?? $1.0.resolved, $1.0.resolved) }
        }

        /// Single heads, most loops improved first when the data give texts (as the single-head
        /// verdict ranks them, so the head it names heads the table), else most resolved.
        public var heads: [Entry] {
            entries.filter { $0.head != nil }.sorted {
                ($0.improved ?? $0.resolved, $0.resolved, -$0.layer, -($0.head ?? 0)) > ($1.improved ?? $1.resolved, $1.resolved, -$1.layer, -($1.head ?? 0))
            }
        }
    }
}
