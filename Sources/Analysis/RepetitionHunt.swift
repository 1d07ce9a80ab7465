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
        public let resolved: Bool

        public init(component: String, layer: Int, head: Int?, resolved: Bool) {
            self.component = component; self.layer = layer; self.head = head; self.resolved = resolved
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

        enum CodingKeys: String, CodingKey { case condition, text, loop, trials, lensLoops = "lens_loops" }

        public init(condition: String, text: String, loop: Bool, lensLoops: [Int], trials: [Trial]) {
            self.condition = condition; self.text = text; self.loop = loop; self.lensLoops = lensLoops; self.trials = trials
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
        let kept = max(1, Int(Double(samples.count) * settings.keep))
        return [("plain", samples)] + noisy + [("truncated", Array(samples.prefix(kept)))]
    }

    /// Transcribes one condition, looks for loops in the transcript and the encoder lens, and
    /// when the transcript loops tries every patch.
    public static func examine(model: WhisperModel, condition: String, samples: [Float], settings: Settings, seed: UInt64) throws -> Case {
        let engine = try Engine(model: model, samples: samples)
        let lens = EncoderLens(engine: engine, stopAtLoop: true)
        let text = engine.clean.text
        let loop = Repetition.isLoop(text)
        guard loop else {
            return Case(condition: condition, text: text, loop: false, lensLoops: lens.layers.filter(\.repetition).map(\.layer), trials: [])
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
                trials.append(Trial(component: component, layer: l, head: head, resolved: !Repetition.isLoop(run.text)))
            }
        }
        return Case(condition: condition, text: text, loop: true, lensLoops: lens.layers.filter(\.repetition).map(\.layer), trials: trials)
    }

    /// The fraction of loops each patch resolves: per component and layer (for cross-attention
    /// heads, whether any head of the layer does, and each head alone).
    public struct Summary: Sendable {
        public struct Entry: Sendable, Equatable, Encodable {
            public let component: String
            public let layer: Int
            public let head: Int?
            public let resolved: Int
            public let fraction: Double
        }

        public let loops: Int
        public let entries: [Entry]

        public init(_ cases: [Case], layers: Int, heads: Int) {
            let looping = cases.filter(\.loop)
            loops = looping.count
            let n = Double(max(1, loops))
            var entries: [Entry] = []
            func add(_ component: String, _ layer: Int, _ head: Int?, _ count: Int) {
                entries.append(Entry(component: component, layer: layer, head: head, resolved: count, fraction: Double(count) / n))
            }
            for c in RepetitionHunt.components.map(\.name) + ["cross_head"] {
                for l in 0..<layers {
                    let count = looping.filter { $0.trials.contains { $0.component == c && $0.layer == l && $0.resolved } }.count
                    add(c == "cross_head" ? "any cross head" : c, l, nil, count)
                }
            }
            for l in 0..<layers {
                for h in 0..<heads {
                    add("cross_head", l, h, looping.filter { $0.trials.contains { $0.component == "cross_head" && $0.layer == l && $0.head == h && $0.resolved } }.count)
                }
            }
            self.entries = entries
        }

        /// Single heads, most loops resolved first.
        public var heads: [Entry] {
            entries.filter { $0.head != nil }.sorted { ($0.resolved, -$0.layer, -($0.head ?? 0)) > ($1.resolved, -$1.layer, -($1.head ?? 0)) }
        }
    }
}
