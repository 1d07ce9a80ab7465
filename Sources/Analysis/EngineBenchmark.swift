import Dispatch
import Foundation
import Model

/// The incremental engine's speed and memory on one clip (`asrlens bench-engine`): a patch on
/// the last encoder layer against a full recompute, decoder-only toggles, toggling back to a
/// memoised set, and resident memory once 20 sets are memoised. A benchmark, not a test.
public struct EngineBenchmark: Codable, Sendable {
    public let model: String, tokens: Int, repeats: Int, audioPositions: Int
    /// Median milliseconds.
    public let full: Double, incremental: Double, decoderToggle: Double, decoderWorst: Double, back: Double, backToClean: Double
    /// The encoder patch that `full` and `incremental` time, in the CLI's grammar.
    public let patch: String
    public let work: WorkCounters
    public let memoised: Int
    public let residentMiB: Double
    /// A full encoder pass over the 30 s window (median ms), its arithmetic rate, and the rate
    /// of the encoder's largest matrix product (fc1 on 1,500 rows) alone: the floor it could reach.
    public let encoder: Double, encoderGFLOPs: Double, linearGFLOPs: Double

    /// Runs every figure `repeats` times on `engine` and keeps the medians.
    public init(engine: Engine, repeats: Int) throws {
        let hyper = engine.model.hyper
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, repeats) {
                let t0 = DispatchTime.now()
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6)
            }
            return times.sorted()[times.count / 2]
        }
        func set(_ site: Site, _ positions: Range<Int>, _ source: PatchSource = .zero) -> PatchSet {
            PatchSet([Patch(site: site, positions: .range(positions), source: source)])
        }
        let third = engine.audioFrames / 3
        let encoderPatch = set(Site(.encoder, hyper.encoderLayers - 1, .residPost), third..<(third + 50))
        patch = encoderPatch.patches.map(\.description).joined()
        let whisper = engine.model
        encoder = median { _ = whisper.encoder(engine.window) }
        encoderGFLOPs = Self.encoderFLOPs(hyper, frames: engine.window.cols) / encoder / 1e6
        let fc1 = whisper.encoder.blocks[0].mlp.fc1
        let rows = Matrix(rows: hyper.audioPositions, cols: fc1.inFeatures, data: (0..<(hyper.audioPositions * fc1.inFeatures)).map { Float($0 % 7) / 7 })
        let linear = median { _ = fc1(rows) }
        linearGFLOPs = 2 * Double(rows.rows * fc1.inFeatures * fc1.outFeatures) / linear / 1e6
        full = try median { _ = try engine.run(encoderPatch, useMemo: false, incremental: false) }
        incremental = try median { _ = try engine.run(encoderPatch, useMemo: false, incremental: true) }
        work = try engine.run(encoderPatch, useMemo: false).work
        let decoderPatch = set(Site(.decoder, hyper.decoderLayers - 1, .crossOut), max(0, engine.cleanTokens.count - 2)..<engine.tokenPositions)
        decoderToggle = try median { _ = try engine.run(decoderPatch, useMemo: false) }
        let early = set(Site(.decoder, 0, .selfOut), 0..<engine.tokenPositions)
        decoderWorst = try median { _ = try engine.run(early, useMemo: false) }
        _ = try engine.run(decoderPatch)
        back = try median { _ = try engine.run(decoderPatch) }
        backToClean = try median { _ = try engine.run(PatchSet()) }
        for i in 0..<20 {
            _ = try engine.run(set(Site(.encoder, i % hyper.encoderLayers, .residPost), (i * 10)..<(i * 10 + 40), .noise(scale: 1, seed: UInt64(i))))
        }
        residentMiB = ProcessStats.residentMB()
        memoised = engine.memoCount
        model = engine.model.name
        tokens = engine.cleanTokens.count
        self.repeats = repeats
        audioPositions = hyper.audioPositions
    }

    /// Multiply-adds × 2 of one encoder pass over `frames` mel frames: the two convolutions,
    /// then per block the QKV, attention (QKᵀ and AV), output and MLP products.
    static func encoderFLOPs(_ h: Hyperparameters, frames: Int) -> Double {
        let t = Double(frames / 2), d = Double(h.dModel), f = Double(h.ffnWidth)
        let convs = 2 * Double(frames) * Double(h.nMels * 3) * d + 2 * t * 3 * d * d
        let block = 2 * t * d * 3 * d + 2 * 2 * t * t * d + 2 * t * d * d + 2 * 2 * t * d * f
        return convs + Double(h.encoderLayers) * block
    }

    /// The figures as the command prints them, with their targets.
    public var lines: [String] {
        let last = work.encoderBlocks.count - 1
        return [
            "model \(model), \(tokens) tokens, median of \(repeats)",
            String(format: "full recompute (enc.%d patch, from scratch)   %8.1f ms", last, full),
            String(format: "incremental  (enc.%d.resid_post, 50 frames)   %8.1f ms  = %.0f%% of full (target <= 35%%)", last, incremental, 100 * incremental / full),
            "  work: encoder blocks \(work.encoderBlocks), partial rows \(work.encoderPartialRows), cross K/V rows \(work.crossKVRows) of \(audioPositions), "
                + "decoder blocks \(work.decoderBlocks), steps \(work.decoderSteps)",
            String(format: "decoder-only patch toggle (last layer, last 2)  %8.1f ms  (target <= 30 ms)", decoderToggle),
            String(format: "decoder-only patch toggle (dec.0, every token)  %8.1f ms  (worst case: every block, every row)", decoderWorst),
            String(format: "toggle back to a memoised set                   %8.3f ms  (target <= 1 ms); to clean %.3f ms", back, backToClean),
            String(format: "resident memory with %d memoised patch sets      %8.0f MiB", memoised, residentMiB),
            String(format: "full encoder pass (30 s window)                 %8.1f ms  = %.0f GFLOP/s; its fc1 product alone %.0f GFLOP/s",
                   encoder, encoderGFLOPs, linearGFLOPs),
        ]
    }
}
