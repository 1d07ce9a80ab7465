import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens sweep FILE --component C --window N --source S`, or `--heads`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Patch one component at every layer and time window, or ablate every decoder head; show the effect per cell.",
        discussion: """
            Encoder components (resid_post, attn_out, mlp_out, resid_pre) sweep windows of encoder frames (20 ms); \
            decoder components (self_out, cross_out) sweep windows of transcript tokens. --heads instead patches every \
            decoder cross-attention and self-attention head alone over all tokens (source zero by default) and ranks them. \
            Every cell equals `asrlens patch --patch` with the cell's patch; the sweep computes the clean run and the \
            reference once and starts each patched run at its layer, and reports the blocks it evaluated against running \
            each cell separately. With --shard i/n it runs cells i, i+n, … and writes a JSONL part for `asrlens merge`.
            """)

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "resid_post, attn_out, mlp_out, resid_pre (encoder) or self_out, cross_out (decoder).")
    var component: String = "resid_post"

    @Option(name: .long, help: "Window width: encoder frames, or tokens for decoder components.")
    var window: Int = 50

    @Flag(name: .long, help: "Ablate every decoder cross- and self-attention head, one at a time, and rank them.")
    var heads = false

    @Option(name: .long, help: "Patch source: zero, mean, noise:SCALE:SEED, silence, clip:PATH, scale:K (default: silence; zero with --heads).")
    var source: String?

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard window >= 1 else { throw ValidationError("--window must be at least 1") }
        _ = try point()
    }

    /// The `--component` as a site point.
    func point() throws -> Site.Point {
        guard let p = Sweep.component(named: component) else {
            throw ValidationError("unknown --component '\(component)' (allowed: \(Sweep.components.map(\.name).joined(separator: ", ")))")
        }
        return p
    }

    func run() throws {
        let source = try PatchSource.parse(self.source ?? (heads ? "zero" : "silence"))
        if case .clip(let path) = source { _ = try AudioFile.load(path) }
        let part = try sharding.part
        let engine = try clip.engine()
        let kind: Sweep.Kind = heads ? .heads : .component(try point(), window: window)
        let progress = Progress(heads ? "sweep heads" : "sweep \(component)")
        let started = Date()
        let sweep = try Sweep(engine: engine, kind: kind, source: source, owns: { part?.owns($0) ?? true }) { progress.update($0, of: $1) }
        let report = SweepReport(sweep: sweep, model: engine.model.name, clip: clip.file, seconds: Date().timeIntervalSince(started))
        if let part {
            try PartFile.write(kind: "sweep", shard: part, header: report.header, records: sweep.cells.map(SweepReport.object),
                               seconds: report.seconds, to: sharding.out)
            return
        }
        try report.print(output)
    }
}

/// A sweep's result in every output form: shared by `sweep` and `merge`.
struct SweepReport {
    let sweep: Sweep
    let model: String, clip: String
    let seconds: Double

    /// The run's settings, identical in every shard's part.
    var header: [String: Any] {
        var o: [String: Any] = ["model": model, "clip": clip, "source": sweep.source.description, "side": sweep.decoderSide ? "dec" : "enc",
                                "planned_cells": sweep.plannedCells, "clean_layers": sweep.cleanLayers,
                                "reference_layers": sweep.referenceLayers]
        switch sweep.kind {
        case .heads: o["heads"] = true
        case .component(let c, let w): o["component"] = c.name; o["window"] = w
        }
        return o
    }

    static func object(_ c: Sweep.Cell) -> [String: Any] {
        var o: [String: Any] = ["cell": c.index, "layer": c.layer, "start": c.positions.lowerBound, "end": c.positions.upperBound,
                                "patch": c.patch, "wer": c.wer, "mean_abs_delta": c.meanAbsDelta, "repetition": c.repetition,
                                "text": c.text, "layers_evaluated": c.layersEvaluated, "non_finite": c.nonFinite]
        if let h = c.head { o["head"] = h; o["attention"] = c.cross ? "cross" : "self" }
        return o
    }

    /// Rebuilds the report of a sharded run from its parts' header and records.
    /// `records` come with the part file each was read from, which a bad one's error names.
    init(header h: [String: Any], records: [(source: String, object: [String: Any])], seconds: Double, source path: String) throws {
        guard let model = h["model"] as? String, let clip = h["clip"] as? String, let source = h["source"] as? String,
              let planned = h["planned_cells"] as? Int, let cleanLayers = h["clean_layers"] as? Int,
              let referenceLayers = h["reference_layers"] as? Int else { throw InputError(path, "the sweep part's header is incomplete") }
        let kind: Sweep.Kind
        if h["heads"] as? Bool == true { kind = .heads } else {
            guard let c = h["component"] as? String, let w = h["window"] as? Int else { throw InputError(path, "the sweep part's header is incomplete") }
            guard let point = Sweep.component(named: c) else { throw InputError(path, "the sweep part's header names no sweepable component ('\(c)')") }
            kind = .component(point, window: w)
        }
        guard planned >= 1, planned <= 1_000_000, cleanLayers >= 0, referenceLayers >= 0, cleanLayers < 1 << 40, referenceLayers < 1 << 40 else {
            throw InputError(path, "the sweep part's header holds impossible counts")
        }
        var seen: [String: Int] = [:]
        let cells = try records.map { source, o -> Sweep.Cell in
            seen[source, default: 0] += 1
            let n = seen[source]! - 1, path = source
            // mean_abs_delta is null for a cell whose run blew up (NaN is not JSON).
            let delta = o["mean_abs_delta"] is NSNull ? Double.nan : o["mean_abs_delta"] as? Double
            guard let i = o["cell"] as? Int, let layer = o["layer"] as? Int, let start = o["start"] as? Int, let end = o["end"] as? Int,
                  let patch = o["patch"] as? String, let wer = o["wer"] as? Double, let delta,
                  let loop = o["repetition"] as? Bool, let text = o["text"] as? String, let work = o["layers_evaluated"] as? Int, start <= end
            else { throw InputError(path, "record \(n + 1): a sweep record is incomplete") }
            guard (0..<planned).contains(i) else { throw InputError(path, "record \(n + 1): cell \(i) is outside the sweep's \(planned) cells") }
            guard wer.isFinite, wer >= 0, delta.isNaN || delta >= 0, (0..<1000).contains(layer), (0...(1 << 40)).contains(work),
                  (o["head"] as? Int).map({ (0..<1000).contains($0) }) ?? true else {
                throw InputError(path, "record \(n + 1): cell \(i) holds impossible values (WER and |Δ log-prob| are at least 0, layers and heads 0 to 999)")
            }
            return Sweep.Cell(index: i, layer: layer, head: o["head"] as? Int, cross: o["attention"] as? String == "cross",
                              positions: start..<end, patch: patch, wer: wer, meanAbsDelta: delta, repetition: loop, text: text,
                              layersEvaluated: work)
        }
        guard cells.count == planned, Set(cells.map(\.index)) == Set(0..<planned) else {
            throw InputError(path, "the parts hold \(cells.count) cells of a sweep of \(planned)")
        }
        self.init(sweep: Sweep(kind: kind, source: try PatchSource.parse(source), cells: cells, plannedCells: planned, cleanLayers: cleanLayers,
                               referenceLayers: referenceLayers), model: model, clip: clip, seconds: seconds)
    }

    init(sweep: Sweep, model: String, clip: String, seconds: Double) {
        self.sweep = sweep; self.model = model; self.clip = clip; self.seconds = seconds
    }

    func print(_ output: OutputOptions) throws {
        let cells = sweep.kind == .heads ? sweep.ranked : sweep.cells
        if output.resolved == .text {
            for line in sweep.textPlots(top: 10) { Swift.print(line) }
            Swift.print("\n\(sweep.cells.count) cells in \(String(format: "%.1f", seconds)) s; the sweep evaluated \(sweep.layersEvaluated) blocks, "
                        + "\(sweep.cells.count) separate `asrlens patch` runs would evaluate \(sweep.separateLayers) "
                        + "(\(String(format: "%.0f", 100 * Double(sweep.layersEvaluated) / Double(max(1, sweep.separateLayers))))%)")
            return
        }
        let table = Table(headers: ["layer", "head", "start", "end", "wer", "mean_abs_delta", "repetition", "layers_evaluated", "patch"],
                          rows: cells.map { c in
                              ["\(c.layer)", c.head.map { "\(c.cross ? "cross" : "self").\($0)" } ?? "", "\(c.positions.lowerBound)",
                               "\(c.positions.upperBound)", String(format: "%.3f", c.wer), String(format: "%.4f", c.meanAbsDelta),
                               c.repetition ? "loop" : "", "\(c.layersEvaluated)", c.patch]
                          })
        var json = header
        json["seconds"] = seconds
        json["cells"] = cells.map(Self.object)
        json["work"] = ["sweep_layers": sweep.layersEvaluated, "separate_layers": sweep.separateLayers, "clean_layers": sweep.cleanLayers,
                        "reference_layers": sweep.referenceLayers]
        try output.emit(table, json: json)
    }
}
