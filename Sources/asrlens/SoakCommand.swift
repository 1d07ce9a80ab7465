import Analysis
import ArgumentParser
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
    @Option(name: .long, parsing: .unconditional, help: "Number of toggles.") var toggles: Int = 10_000
    @Option(name: .long, parsing: .unconditional, help: "Compare with a fresh computation every N toggles.") var checkEvery: Int = 100
    @Option(name: .long, parsing: .unconditional, help: "Print a memory sample every N toggles.") var sample: Int = 100
    @Option(name: .long, parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        for (option, value) in [("--toggles", toggles), ("--check-every", checkEvery), ("--sample", sample)] {
            try require(option, value, atLeast: 1)
        }
    }

    func run() throws {
        var soak = Soak(engine: try clip.engine(), seed: seed)
        print(Soak.Sample.tsvHeader)
        try soak.run(toggles: toggles, checkEvery: checkEvery, sample: sample) { print($0.tsv) }
    }
}
