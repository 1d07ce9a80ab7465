import Foundation
import Model

/// Thousands of random patch toggles on one engine, as a long explorer session makes them
/// (`asrlens soak`): resident memory is sampled, and results are checked against from-scratch
/// runs of the same set.
public struct Soak {
    /// One line of the memory curve.
    public struct Sample: Codable, Sendable {
        public let toggle: Int, residentMiB: Double, active: Int, memoised: Int, checksPassed: Int, seconds: Double, memoMiB: Double

        public static let tsvHeader = "toggle\trss_mib\tactive\tmemoised\tchecks_passed\tseconds\tmemo_mib"
        public var tsv: String {
            String(format: "%d\t%.1f\t%d\t%d\t%d\t%.1f\t%.1f", toggle, residentMiB, active, memoised, checksPassed, seconds, memoMiB)
        }
    }

    let engine: Engine
    let seed: UInt64
    private var rng: Gaussian

    public init(engine: Engine, seed: UInt64) {
        self.engine = engine; self.seed = seed
        rng = Gaussian(seed: seed)
    }

    private mutating func pick(_ n: Int) -> Int { Int(rng.bits() % UInt64(n)) }

    /// A patch at any site and layer, on a random span, from a random source.
    mutating func randomPatch() -> Patch {
        let hyper = engine.model.hyper
        let sources: [PatchSource] = [.zero, .mean, .silence, .noise(scale: 1, seed: seed), .scale(0.5)]
        let site: Site, positions: Range<Int>
        if pick(3) == 0 {
            let points = Site.Point.decoderComponents + [.crossHead(pick(hyper.decoderHeads)), .selfHead(pick(hyper.decoderHeads))]
            let point = points[pick(points.count)]
            let a = pick(engine.tokenPositions), b = a + 1 + pick(engine.tokenPositions - a)
            positions = a..<b
            site = Site(.decoder, pick(hyper.decoderLayers), point)
        } else {
            let points = Site.Point.encoderComponents + [.head(pick(hyper.encoderHeads)), .out]
            let point = points[pick(points.count)]
            let a = pick(max(1, engine.audioFrames)), b = min(hyper.audioPositions, a + 1 + pick(100))
            positions = a..<b
            site = point == .out ? .encoderOut(layers: hyper.encoderLayers) : Site(.encoder, pick(hyper.encoderLayers), point)
        }
        return Patch(site: site, positions: .range(positions), source: sources[pick(sources.count)])
    }

    /// Each toggle adds a random patch or removes an active one (at most 4 stay on) and runs the
    /// set as the explorer does; every `checkEvery` toggles the result must equal a fresh run's
    /// (same tokens and text, clean-token log-probs within 1e-4), or this throws.
    public mutating func run(toggles: Int, checkEvery: Int, sample: Int, onSample: (Sample) -> Void) throws {
        var active: [Patch] = []
        var checks = 0
        let started = Date()
        for i in 1...toggles {
            if active.count < 4 && (active.isEmpty || pick(2) == 0) { active.append(randomPatch()) } else { active.remove(at: pick(active.count)) }
            let set = PatchSet(active)
            let run = try engine.run(set)
            if i % checkEvery == 0 {
                let fresh = try engine.run(set, useMemo: false, incremental: false)
                let worst = zip(run.cleanTokenLogprobs, fresh.cleanTokenLogprobs).map { abs($0 - $1) }.max() ?? 0
                guard run.tokens == fresh.tokens, run.text == fresh.text, worst <= 1e-4 else {
                    throw InputError("toggle \(i)", "the result for \(set) differs from a fresh computation (max |Δ log-prob| \(worst))")
                }
                checks += 1
            }
            if i % sample == 0 || i == toggles {
                onSample(Sample(toggle: i, residentMiB: ProcessStats.residentMB(), active: active.count, memoised: engine.memoCount, checksPassed: checks,
                                seconds: Date().timeIntervalSince(started), memoMiB: Double(engine.memoBytes) / 1_048_576))
            }
        }
    }
}
