import Foundation
import Model

/// A sweep's result as records: what `sweep --json` prints, what its part files hold, and how
/// `merge` puts the parts of a sharded sweep back together.
public struct SweepReport: FormattedReport {
    public let sweep: Sweep
    public let model: String, clip: String
    /// SHA-256 of the analysed window's log-mel features: parts of runs on different audio (or
    /// another `--offset`) do not merge. Nil for parts from before parts recorded it.
    public let windowSHA256: String?
    /// Where the analysed window starts in the clip, in seconds (`--offset` on the 10 ms grid).
    public let windowStart: Double?
    public let seconds: Double

    public init(sweep: Sweep, model: String, clip: String, windowSHA256: String?, windowStart: Double? = nil, seconds: Double) {
        self.sweep = sweep; self.model = model; self.clip = clip; self.windowSHA256 = windowSHA256; self.windowStart = windowStart
        self.seconds = seconds
    }

    /// The digest `windowSHA256` holds for an engine's window.
    public static func digest(of engine: Engine) -> String {
        engine.window.data.withUnsafeBytes { SHA256.hex(of: $0) }
    }

    /// The run's settings, the same in every shard's part.
    public struct Header: Codable, Equatable, Sendable {
        public let model: String, clip: String, source: String
        /// `enc` or `dec` (older parts may lack it: it follows from the component).
        public let side: String?
        public let plannedCells: Int, cleanLayers: Int, referenceLayers: Int
        /// `true` for a head sweep; a component sweep has `component` and `window` instead.
        public let heads: Bool?
        public let component: String?
        public let window: Int?
        /// `logprob` for a sweep that did not decode; absent for the transcript metric.
        public let metric: String?
        /// `--attention-window K` in every cell, and the transcript and WER of that window alone.
        public var attentionWindow: Int? = nil
        public var windowAloneWER: Double? = nil
        public var windowAloneText: String? = nil
        public var windowSHA256: String? = nil
        public var windowStart: Double? = nil

        enum CodingKeys: String, CodingKey {
            case model, clip, source, side, heads, component, window, metric
            case attentionWindow = "attention_window", windowAloneWER = "window_alone_wer", windowAloneText = "window_alone_text"
            case windowSHA256 = "window_sha256", windowStart = "window_start"
            case plannedCells = "planned_cells", cleanLayers = "clean_layers", referenceLayers = "reference_layers"
        }
    }

    /// One cell, as a JSON object.
    public struct Record: Codable, Equatable, Sendable {
        public let cell: Int, layer: Int, start: Int, end: Int
        public let patch: String
        /// Null for the logprob metric, which does not decode.
        public let wer: FiniteOrNull
        /// Null when the patched run blew up.
        public let meanAbsDelta: FiniteOrNull
        /// Null, as `wer` is, for the logprob metric: nothing was decoded to loop or to read.
        public let repetition: Bool?
        public let text: String?
        public let layersEvaluated: Int
        public let nonFinite: Bool?
        /// Null, as `wer` is, for the logprob metric; absent from parts written before it was kept.
        public let tokensChanged: Bool?
        /// Head sweeps: the head and `cross` or `self`.
        public let head: Int?
        public let attention: String?

        enum CodingKeys: String, CodingKey {
            case cell, layer, start, end, patch, wer, repetition, text, head, attention
            case meanAbsDelta = "mean_abs_delta", layersEvaluated = "layers_evaluated", nonFinite = "non_finite"
            case tokensChanged = "tokens_changed"
        }

        public init(_ c: Sweep.Cell) {
            cell = c.index; layer = c.layer; start = c.positions.lowerBound; end = c.positions.upperBound
            patch = c.patch; wer = FiniteOrNull(c.wer); meanAbsDelta = FiniteOrNull(c.meanAbsDelta)
            let decoded = !c.wer.isNaN || c.nonFinite
            repetition = decoded ? c.repetition : nil
            text = decoded ? c.text : nil
            tokensChanged = decoded ? c.tokensChanged : nil
            layersEvaluated = c.layersEvaluated; nonFinite = c.nonFinite
            head = c.head; attention = c.head == nil ? nil : c.cross ? "cross" : "self"
        }

        public func encode(to encoder: Swift.Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(cell, forKey: .cell); try c.encode(layer, forKey: .layer); try c.encode(start, forKey: .start); try c.encode(end, forKey: .end)
            try c.encode(patch, forKey: .patch); try c.encode(wer, forKey: .wer); try c.encode(meanAbsDelta, forKey: .meanAbsDelta)
            try c.encode(repetition, forKey: .repetition); try c.encode(text, forKey: .text)   // null when not decoded
            try c.encode(tokensChanged, forKey: .tokensChanged)
            try c.encode(layersEvaluated, forKey: .layersEvaluated)
            try c.encodeIfPresent(nonFinite, forKey: .nonFinite); try c.encodeIfPresent(head, forKey: .head)
            try c.encodeIfPresent(attention, forKey: .attention)
        }

        var asCell: Sweep.Cell {
            Sweep.Cell(index: cell, layer: layer, head: head, cross: attention == "cross", positions: start..<end, patch: patch, wer: wer.value,
                       meanAbsDelta: meanAbsDelta.value, repetition: repetition ?? false, text: text ?? "", layersEvaluated: layersEvaluated,
                       tokensChanged: tokensChanged ?? false)
        }
    }

    public var header: Header {
        let component: String?, window: Int?
        switch sweep.kind {
        case .heads: (component, window) = (nil, nil)
        case .component(let c, let w): (component, window) = (c.name, w)
        }
        return Header(model: model, clip: clip, source: sweep.source.description, side: sweep.decoderSide ? "dec" : "enc",
                      plannedCells: sweep.plannedCells, cleanLayers: sweep.cleanLayers, referenceLayers: sweep.referenceLayers,
                      heads: sweep.kind == .heads ? true : nil, component: component, window: window,
                      metric: sweep.metric == .logprob ? sweep.metric.rawValue : nil, attentionWindow: sweep.attentionWindow,
                      windowAloneWER: sweep.windowAlone?.wer, windowAloneText: sweep.windowAlone?.text, windowSHA256: windowSHA256,
                      windowStart: windowStart)
    }

    /// The cells in the order the outputs list them: head sweeps strongest first.
    public var listed: [Sweep.Cell] { sweep.kind == .heads ? sweep.ranked : sweep.cells }

    /// Blocks evaluated, against running each cell as a separate `asrlens patch`.
    public struct Work: Encodable {
        let sweepLayers: Int, separateLayers: Int, cleanLayers: Int, referenceLayers: Int
        enum CodingKeys: String, CodingKey {
            case sweepLayers = "sweep_layers", separateLayers = "separate_layers", cleanLayers = "clean_layers", referenceLayers = "reference_layers"
        }
    }

    enum ReportKeys: String, CodingKey { case seconds, cells, work }

    /// `--json`: the header's settings, the wall time, the cells and the work.
    public func encode(to encoder: Swift.Encoder) throws {
        try header.encode(to: encoder)
        var c = encoder.container(keyedBy: ReportKeys.self)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(listed.map(Record.init), forKey: .cells)
        try c.encode(Work(sweepLayers: sweep.layersEvaluated, separateLayers: sweep.separateLayers, cleanLayers: sweep.cleanLayers,
                          referenceLayers: sweep.referenceLayers), forKey: .work)
    }

    /// The TSV, Markdown and text tables: one row per cell. `repetition` and `tokens_changed` are
    /// yes or no, and empty for a cell that was not decoded (`--metric logprob`).
    public var table: Table {
        Table(headers: ["layer", "head", "start", "end", "wer", "mean_abs_delta", "repetition", "tokens_changed", "layers_evaluated", "patch"],
              rows: listed.map { c in
                  let record = Record(c)
                  return ["\(c.layer)", c.head.map { "\(c.cross ? "cross" : "self").\($0)" } ?? "", "\(c.positions.lowerBound)",
                          "\(c.positions.upperBound)", c.wer.isNaN ? "" : String(format: "%.3f", c.wer), String(format: "%.4f", c.meanAbsDelta),
                          record.repetition.map { $0 ? "yes" : "no" } ?? "", record.tokensChanged.map { $0 ? "yes" : "no" } ?? "",
                          "\(c.layersEvaluated)", c.patch]
              })
    }

    /// As `asrlens sweep` prints it: the plots and the cost (text), the cell table (tsv, md), or
    /// everything (json).
    public var textLines: [String] { text }
    public var formatTable: Table { table }
    /// A table row names its cell's patch only: the attention window every cell adds is said above.
    public var formatNotes: [String] { sweep.windowLine }

    /// The plain-text form: the plots, then what the sweep cost against separate runs.
    public var text: [String] {
        sweep.textPlots(top: 10) + [
            "\n\(sweep.cells.count) cells in \(String(format: "%.1f", seconds)) s; the sweep evaluated \(sweep.layersEvaluated) blocks, "
                + "\(sweep.cells.count) separate `asrlens patch` runs would evaluate \(sweep.separateLayers) "
                + "(\(String(format: "%.0f", 100 * Double(sweep.layersEvaluated) / Double(max(1, sweep.separateLayers))))%)",
        ]
    }

    /// The report of a sharded sweep from its parts (a set `PartFile.readSet` accepted): the
    /// same as the unsharded run's. A bad record is named by its part and number.
    public init(parts: [PartFile.Part]) throws {
        let path = parts[0].path
        let h = try parts[0].header(as: Header.self)
        let kind: Sweep.Kind
        if h.heads == true { kind = .heads } else {
            guard let c = h.component, let w = h.window else { throw InputError(path, "the sweep part's header is incomplete") }
            guard let point = Sweep.component(named: c) else { throw InputError(path, "the sweep part's header names no sweepable component ('\(c)')") }
            kind = .component(point, window: w)
        }
        let planned = h.plannedCells
        guard planned >= 1, planned <= 1_000_000, h.cleanLayers >= 0, h.referenceLayers >= 0, h.cleanLayers < 1 << 40, h.referenceLayers < 1 << 40 else {
            throw InputError(path, "the sweep part's header holds impossible counts")
        }
        let perPart = try parts.map { part in
            try part.records(as: Record.self).enumerated().map { n, r -> Sweep.Cell in
                guard r.start <= r.end else { throw InputError(part.path, "record \(n + 1): a sweep record is incomplete") }
                guard (0..<planned).contains(r.cell) else {
                    throw InputError(part.path, "record \(n + 1): cell \(r.cell) is outside the sweep's \(planned) cells")
                }
                let delta = r.meanAbsDelta.value
                guard (r.wer.value.isNaN && h.metric == Sweep.Metric.logprob.rawValue) || (r.wer.value.isFinite && r.wer.value >= 0), delta.isNaN || delta >= 0, (0..<1000).contains(r.layer), (0...(1 << 40)).contains(r.layersEvaluated),
                      r.head.map({ (0..<1000).contains($0) }) ?? true else {
                    throw InputError(part.path, "record \(n + 1): cell \(r.cell) holds impossible values (WER and |Δ log-prob| are at least 0, layers and heads 0 to 999)")
                }
                return r.asCell
            }
        }
        try PartFile.checkRows(parts, rows: perPart.map { $0.map(\.index) }, expected: Array(0..<planned), noun: "cell")
        let cells = perPart.flatMap { $0 }
        guard let metric = Sweep.Metric(rawValue: h.metric ?? "transcript") else { throw InputError(path, "the sweep part's header names no metric '\(h.metric ?? "")'") }
        guard h.attentionWindow.map(PatchSet.attentionWindowRange.contains) ?? true, (h.attentionWindow == nil) == (h.windowAloneWER == nil || h.windowAloneText == nil),
              h.windowAloneWER.map({ $0 >= 0 }) ?? true else {
            throw InputError(path, "the sweep part's attention window is impossible (0 to \(PatchSet.attentionWindowRange.upperBound) frames, with its WER and text)")
        }
        let alone = h.windowAloneWER.flatMap { w in h.windowAloneText.map { (wer: w, text: $0) } }
        let sweep = Sweep(kind: kind, source: try PatchSource.parse(h.source), metric: metric, attentionWindow: h.attentionWindow, windowAlone: alone,
                          cells: cells, plannedCells: planned,
                          cleanLayers: h.cleanLayers, referenceLayers: h.referenceLayers)
        self.init(sweep: sweep, model: h.model, clip: h.clip, windowSHA256: h.windowSHA256, windowStart: h.windowStart, seconds: parts.map(\.seconds).reduce(0, +))
    }
}
