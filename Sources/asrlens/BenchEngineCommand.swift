import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens bench-engine`: the incremental engine's speed and memory figures (a benchmark, not a test).
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-engine",
        abstract: "Benchmark patching: last-encoder-layer patch vs full recompute, decoder toggle, toggle back, memory.")

    @OptionGroup var clip: ClipOptions

    @Option(name: .long, help: "Repetitions per figure (the median is reported).")
    var repeats: Int = 5

    func run() throws {
        let engine = try clip.engine()
        let hyper = engine.model.hyper
        func patch(_ text: String) throws -> PatchSet {
            PatchSet([try Patch.parse(text, hyper: hyper, frames: hyper.audioPositions, tokens: engine.tokenPositions)])
        }
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, repeats) {
                let t0 = DispatchTime.now()
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6)
            }
            return times.sorted()[times.count / 2]
        }
        let last = hyper.encoderLayers - 1
        let encoderPatch = try patch("enc.\(last).resid_post@\(engine.audioFrames / 3):\(engine.audioFrames / 3 + 50)=zero")
        let full = try median { _ = try engine.run(encoderPatch, useMemo: false, incremental: false) }
        let incremental = try median { _ = try engine.run(encoderPatch, useMemo: false, incremental: true) }
        let work = try engine.run(encoderPatch, useMemo: false).work
        let decoderPatch = try patch("dec.\(hyper.decoderLayers - 1).cross_out@\(max(0, engine.cleanTokens.count - 2)):\(engine.tokenPositions)=zero")
        let decoderToggle = try median { _ = try engine.run(decoderPatch, useMemo: false) }
        let early = try patch("dec.0.self_out@0:\(engine.tokenPositions)=zero")
        let decoderWorst = try median { _ = try engine.run(early, useMemo: false) }
        _ = try engine.run(decoderPatch)
        let back = try median { _ = try engine.run(decoderPatch) }
        let backClean = try median { _ = try engine.run(PatchSet()) }
        for i in 0..<20 {
            _ = try engine.run(try patch("enc.\(i % hyper.encoderLayers).resid_post@\(i * 10):\(i * 10 + 40)=noise:1:\(i)"))
        }
        let rss = ProcessStats.residentMB()
        print("model \(engine.model.name), clip \(clip.file), \(engine.cleanTokens.count) tokens, median of \(repeats)")
        print(String(format: "full recompute (enc.%d patch, from scratch)   %8.1f ms", last, full))
        print(String(format: "incremental  (enc.%d.resid_post, 50 frames)   %8.1f ms  = %.0f%% of full (target <= 35%%)", last, incremental, 100 * incremental / full))
        print("  work: encoder blocks \(work.encoderBlocks), partial rows \(work.encoderPartialRows), cross K/V rows \(work.crossKVRows) of \(hyper.audioPositions), decoder blocks \(work.decoderBlocks), steps \(work.decoderSteps)")
        print(String(format: "decoder-only patch toggle (last layer, last 2)  %8.1f ms  (target <= 30 ms)", decoderToggle))
        print(String(format: "decoder-only patch toggle (dec.0, every token)  %8.1f ms  (worst case: every block, every row)", decoderWorst))
        print(String(format: "toggle back to a memoised set                   %8.3f ms  (target <= 1 ms); to clean %.3f ms", back, backClean))
        print(String(format: "resident memory with %d memoised patch sets      %8.0f MiB", engine.memoCount, rss))
    }
}
