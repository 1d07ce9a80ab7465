import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens soak`: thousands of random patch toggles on one engine, as a long explorer session
/// makes them, with resident memory sampled and results checked against fresh computations.
struct SoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Toggle random patches many times; print the memory curve and check sampled results against fresh runs.",
        discussion: """
            Each toggle adds a random patch (any encoder or decoder site and layer, a random span, a source among zero, \
            mean, silence, noise, scale) or removes one of the active patches (at most 4 stay on), then runs the set as \
            the explorer does (memoised, incremental). Every --check-every toggles the result is compared with a \
            from-scratch run of the same set (no memo, no reuse): same tokens and text, clean-token log-probs within 1e-4. \
            Prints one TSV line per --sample toggles: toggle, resident MiB, active patches, memoised sets, checks passed, \
            seconds, MiB the memo holds.
            """)

    @OptionGroup var clip: ClipOptions

    @Option(name: .long, help: "Number of toggles.")
    var toggles: Int = 10_000

    @Option(name: .long, help: "Compare with a fresh computation every N toggles.")
    var checkEvery: Int = 100

    @Option(name: .long, help: "Print a memory sample every N toggles.")
    var sample: Int = 100

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard toggles >= 1, checkEvery >= 1, sample >= 1 else { throw ValidationError("--toggles, --check-every and --sample must be at least 1") }
    }

    func run() throws {
        let engine = try clip.engine()
        let hyper = engine.model.hyper
        var rng = Gaussian(seed: seed)
        func pick(_ n: Int) -> Int { Int(rng.bits() % UInt64(n)) }
        let sources: [PatchSource] = [.zero, .mean, .silence, .noise(scale: 1, seed: seed), .scale(0.5)]
        func randomPatch() -> Patch {
            let site: Site, positions: Range<Int>
            if pick(3) == 0 {
                let point = (Site.Point.decoderComponents + [.crossHead(pick(hyper.decoderHeads)), .selfHead(pick(hyper.decoderHeads))])[pick(7)]
                let a = pick(engine.tokenPositions), b = a + 1 + pick(engine.tokenPositions - a)
                positions = a..<b
                site = Site(.decoder, pick(hyper.decoderLayers), point)
            } else {
                let point = (Site.Point.encoderComponents + [.head(pick(hyper.encoderHeads)), .out])[pick(6)]
                let frames = max(1, engine.audioFrames)
                let a = pick(frames), b = min(hyper.audioPositions, a + 1 + pick(100))
                positions = a..<b
                site = point == .out ? .encoderOut(layers: hyper.encoderLayers) : Site(.encoder, pick(hyper.encoderLayers), point)
            }
            return Patch(site: site, positions: .range(positions), source: sources[pick(sources.count)])
        }
        var active: [Patch] = []
        var checks = 0
        let started = Date()
        print("toggle\trss_mib\tactive\tmemoised\tchecks_passed\tseconds\tmemo_mib")
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
                print(String(format: "%d\t%.1f\t%d\t%d\t%d\t%.1f\t%.1f", i, ProcessStats.residentMB(), active.count, engine.memoCount, checks,
                             Date().timeIntervalSince(started), Double(engine.memoBytes) / 1_048_576))
                fflush(stdout)
            }
        }
    }
}
