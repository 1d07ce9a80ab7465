import Analysis
import ArgumentParser

/// `asrlens bench-engine`: the incremental engine's speed and memory figures (a benchmark, not a test).
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine",
        abstract: "Benchmark patching: last-encoder-layer patch vs full recompute, decoder toggle, toggle back, memory.",
        discussion: "Milliseconds are medians of --repeats runs on the clip's first window; each line states its target from DESIGN.md.")

    @OptionGroup var clip: ClipOptions
    @Option(name: .long, parsing: .unconditional, help: "Repetitions per figure (the median is reported).") var repeats: Int = 5
    @Flag(name: .long, help: "The figures as one JSON object.") var json = false

    func validate() throws { try require("--repeats", repeats, atLeast: 1) }

    func run() throws {
        let figures = try EngineBenchmark(engine: try clip.engine(), repeats: repeats)
        if json { print(try JSONText.encode(figures)) } else { for line in figures.lines { print(line) } }
    }
}
