import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens sweep FILE --component C --window N --source S`: layers × time windows.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Patch one component at every layer and time window; show WER and mean |Δ log-prob| per cell.",
        discussion: """
            Encoder components (resid_post, attn_out, mlp_out, resid_pre) sweep windows of encoder frames (20 ms); \
            decoder components (self_out, cross_out) sweep windows of transcript tokens. Every cell equals \
            `asrlens patch --patch SITE@A:B=SOURCE`; the sweep computes the clean run once and starts each patched run \
            at its layer, and reports the blocks it evaluated against running each cell separately.
            """)

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "resid_post, attn_out, mlp_out, resid_pre (encoder) or self_out, cross_out (decoder).")
    var component: String = "resid_post"

    @Option(name: .long, help: "Window width: encoder frames, or tokens for decoder components.")
    var window: Int = 50

    @Option(name: .long, help: "Patch source: zero, mean, noise:SCALE:SEED, silence, clip:PATH, scale:K.")
    var source: String = "silence"

    func validate() throws {
        guard window >= 1 else { throw ValidationError("--window must be at least 1") }
        guard Sweep.components.contains(component) else {
            throw ValidationError("unknown --component '\(component)' (allowed: \(Sweep.components.joined(separator: ", ")))")
        }
    }

    func run() throws {
        let engine = try clip.engine()
        if source.hasPrefix("clip:") { _ = try AudioFile.load(String(source.dropFirst(5))) }
        let progress = Progress("sweep \(component)")
        let started = Date()
        let sweep = try Sweep(engine: engine, component: component, window: window, source: source) { progress.update($0, of: $1) }
        let seconds = Date().timeIntervalSince(started)
        let table = Table(headers: ["layer", "start", "end", "wer", "mean_abs_delta", "repetition", "layers_evaluated"],
                          rows: sweep.cells.map { c in
                              ["\(c.layer)", "\(c.positions.lowerBound)", "\(c.positions.upperBound)", String(format: "%.3f", c.wer),
                               String(format: "%.4f", c.meanAbsDelta), c.repetition ? "loop" : "", "\(c.layersEvaluated)"]
                          })
        let json: [String: Any] = [
            "model": engine.model.name, "clip": clip.file, "component": component, "window": window, "source": source,
            "side": sweep.decoderSide ? "dec" : "enc", "seconds": seconds,
            "cells": sweep.cells.map { c in
                ["layer": c.layer, "start": c.positions.lowerBound, "end": c.positions.upperBound, "patch": c.patch, "wer": c.wer,
                 "mean_abs_delta": c.meanAbsDelta, "repetition": c.repetition, "layers_evaluated": c.layersEvaluated] as [String: Any]
            },
            "work": ["sweep_layers": sweep.layersEvaluated, "separate_layers": sweep.separateLayers, "clean_layers": sweep.cleanLayers],
        ]
        if output.resolved == .text { printHeatmaps(sweep, seconds: seconds); return }
        try output.emit(table, json: json)
    }

    /// Two grids, layers × windows: WER and mean |Δ log-prob|, each cell a number and a shade.
    func printHeatmaps(_ sweep: Sweep, seconds: Double) {
        let starts = Array(Set(sweep.cells.map(\.positions.lowerBound))).sorted()
        let layers = Array(Set(sweep.cells.map(\.layer))).sorted()
        let unit = sweep.decoderSide ? "tokens" : "frames"
        print("sweep \(sweep.decoderSide ? "dec" : "enc").L.\(sweep.component), windows of \(sweep.window) \(unit), source \(sweep.source): "
              + "\(layers.count) layers × \(starts.count) windows in \(String(format: "%.1f", seconds)) s")
        let ramp = Array(" .:-=+*#%@")
        for (title, value, top) in [("WER against clean", { (c: Sweep.Cell) in c.wer }, 1.0),
                                    ("mean |Δ log-prob|", { (c: Sweep.Cell) in c.meanAbsDelta }, max(1e-9, sweep.cells.map(\.meanAbsDelta).max() ?? 1))] {
            print("\n\(title)   (\(unit) from; shade: \(String(ramp)) up to \(String(format: "%.2f", top)))")
            print("      " + starts.map { String(format: "%7d", $0) }.joined())
            for l in layers {
                var line = String(format: "%@ %-2d ", sweep.decoderSide ? "dec" : "enc", l)
                for s in starts {
                    guard let c = sweep.cells.first(where: { $0.layer == l && $0.positions.lowerBound == s }) else { line += "       "; continue }
                    let v = value(c)
                    let shade = ramp[min(ramp.count - 1, Int((v / top * Double(ramp.count - 1)).rounded()))]
                    line += String(format: " %5.2f", v) + String(shade)
                }
                print(line)
            }
        }
        let loops = sweep.cells.filter(\.repetition).map { "L\($0.layer)@\($0.positions.lowerBound)" }
        if !loops.isEmpty { print("\nloops (the patched transcript repeats itself): " + loops.joined(separator: " ")) }
        print("\nwork: the sweep evaluated \(sweep.layersEvaluated) blocks; \(sweep.cells.count) separate `asrlens patch` runs would evaluate "
              + "\(sweep.separateLayers) (\(String(format: "%.0f", 100 * Double(sweep.layersEvaluated) / Double(max(1, sweep.separateLayers))))%)")
    }
}
