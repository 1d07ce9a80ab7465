import Foundation
import Model

/// Text plots of a sweep: shaded number grids for terminals and reports.
extension Sweep {
    /// Component sweeps: layers × windows, once for WER and once for mean |Δ log-prob|.
    /// Head sweeps: layers × heads for cross- and self-attention, then the ranking.
    public func textPlots(top: Int = 10) -> [String] {
        switch kind {
        case .component(let component, let window):
            let unit = decoderSide ? "tokens" : "frames"
            let starts = Array(Set(cells.map(\.positions.lowerBound))).sorted()
            var out = ["sweep \(decoderSide ? "dec" : "enc").L.\(component.name), windows of \(window) \(unit), source \(source)"
                       + (metric == .logprob ? ", log-probs only (no decoding)" : "")] + windowLine
            for (title, value) in Self.metrics where metric == .transcript || title != Self.metrics[0].0 {
                out += [""] + grid(title: "\(title) (columns: first \(unit == "frames" ? "frame" : "token") of the window)",
                                   columns: starts.map { String($0) }, value: value) { c, i in c.positions.lowerBound == starts[i] }
            }
            let loops = cells.filter(\.repetition).map { "L\($0.layer)@\($0.positions.lowerBound)" }
            if !loops.isEmpty { out += ["", "loops (the patched transcript repeats itself): " + loops.joined(separator: " ")] }
            let hidden = cells.filter(\.hiddenChange).map { "L\($0.layer)@\($0.positions.lowerBound)" }
            if !hidden.isEmpty { out += ["", Self.hiddenChangeTitle + hidden.joined(separator: " ")] }
            let blown = cells.filter(\.nonFinite).map { "L\($0.layer)@\($0.positions.lowerBound)" }
            if !blown.isEmpty { out += ["", "blew up (activations became NaN or infinite; shown as n/a !): " + blown.joined(separator: " ")] }
            return out
        case .heads:
            let heads = (cells.compactMap(\.head).max() ?? -1) + 1
            var out = ["head sweep: every decoder head ablated alone over all tokens, source \(source)"] + windowLine
            for cross in [true, false] {
                out += [""] + grid(title: "\(cross ? "cross" : "self")-attention heads, mean |Δ log-prob| (columns: head)",
                                   columns: (0..<heads).map { String($0) }, value: { $0.meanAbsDelta },
                                   only: { $0.cross == cross }) { c, i in c.head == i }
            }
            out += ["", "strongest \(min(top, cells.count)) of \(cells.count) heads:"]
            out += headRanking(top: top).text.split(separator: "\n").map(String.init)
            let hidden = cells.filter(\.hiddenChange).map { Self.headSite($0).description }
            if !hidden.isEmpty { out += ["", Self.hiddenChangeTitle + hidden.joined(separator: " ")] }
            return out
        }
    }

    /// The attention window every cell adds, and its effect alone (WER against the clean transcript).
    var windowLine: [String] {
        guard let k = attentionWindow, let alone = windowAlone else { return [] }
        return ["every cell also restricts encoder self-attention to ±\(k) frames; that alone gives WER \(String(format: "%.3f", alone.wer)): “\(Self.clippedText(alone.text, 90))”"]
    }

    static let hiddenChangeTitle = "WER 0, yet other tokens (special tokens or spelling the words hide): "

    /// A head-sweep cell's head as a site (`dec.3.self_head.1`).
    static func headSite(_ c: Cell) -> Site { Site(.decoder, c.layer, c.cross ? .crossHead(c.head ?? 0) : .selfHead(c.head ?? 0)) }

    /// The `top` strongest heads of a head sweep as a table.
    public func headRanking(top: Int) -> Table {
        Table(headers: ["rank", "head", "mean |Δ log-prob|", "WER", "loop", "transcript"],
              rows: ranked.prefix(top).enumerated().map { r, c in
                  ["\(r + 1)", Self.headSite(c).description, String(format: "%.4f", c.meanAbsDelta),
                   c.wer.isNaN ? "-" : String(format: "%.2f", c.wer), c.repetition ? "yes" : "", Self.clippedText(c.text, 50)]
              })
    }

    static let metrics: [(String, (Cell) -> Double)] = [("WER against clean", { $0.wer }), ("mean |Δ log-prob|", { $0.meanAbsDelta })]

    /// One shaded grid, a row per layer: each cell its value and a ramp character scaled to the
    /// grid's maximum.
    func grid(title: String, columns: [String], value: (Cell) -> Double, only: (Cell) -> Bool = { _ in true },
              match: (Cell, Int) -> Bool) -> [String] {
        let chosen = cells.filter(only)
        let top = max(1e-9, chosen.map(value).filter(\.isFinite).max() ?? 0)
        let ramp = Heatmap.ramp
        var out = [title + String(format: "   shade: \"%@\" up to %.2f", String(ramp), top),
                   "      " + columns.map { $0.count > 6 ? String($0.suffix(6)) : String(repeating: " ", count: 6 - $0.count) + $0 }
                       .map { " " + $0 }.joined()]
        for l in Array(Set(chosen.map(\.layer))).sorted() {
            var line = String(format: "%@ %-2d ", decoderSide ? "dec" : "enc", l)
            for i in columns.indices {
                guard let c = chosen.first(where: { $0.layer == l && match($0, i) }) else { line += "       "; continue }
                let v = value(c)
                line += (v.isFinite ? String(format: " %5.2f", v) : "  n/a ") + String(Heatmap.glyph(v, top: top))
            }
            out.append(line)
        }
        return out
    }

    /// `text` trimmed and cut to `width` characters with an ellipsis.
    public static func clippedText(_ text: String, _ width: Int) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        return t.count <= width ? t : String(t.prefix(width - 1)) + "…"
    }
}
