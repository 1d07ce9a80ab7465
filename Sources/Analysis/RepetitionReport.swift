import Foundation
import Model

extension RepetitionHunt {
    /// One data-set row's cases, or why it was skipped: a line of a part file.
    public struct Record: Codable, Sendable {
        public let row: Int
        public let path: String
        public var cases: [Case]?
        public var skipped: String?

        public init(row: Int, path: String, cases: [Case]) { self.row = row; self.path = path; self.cases = cases }
        public init(row: Int, path: String, skipped: String) { self.row = row; self.path = path; self.skipped = skipped }
    }

    /// Examines the rows `indices` of `set` under every condition. A row whose audio cannot be
    /// read is kept as skipped and told to `events`, which also hear of progress after each row.
    public static func run(_ set: LabelledSet, indices: [Int], model: WhisperModel, settings: Settings,
                           events: ExperimentEvents = .silent) throws -> [Record] {
        try events.eachRow(indices, "repetition", { i in
            let path = set.rows[i].path
            let reference = set.rows[i].labels["text"].flatMap { $0.isEmpty ? nil : $0 }
            let samples = try AudioFile.load(path)
            // Noise seeded by the file's content: a clip gets the same noise wherever it is listed.
            let seed = UInt64(try SHA256.hex(ofFile: URL(fileURLWithPath: path)).prefix(16), radix: 16) ?? 0
            let cases = try conditions(samples, settings: settings, seed: seed).map { name, audio in
                do {
                    return try examine(model: model, condition: name, samples: audio, settings: settings, seed: seed, reference: reference)
                } catch let error as InputError {
                    throw InputError(path, "the \(name) condition: \(error.problem)")   // the file, not "samples"
                }
            }
            return Record(row: i, path: path, cases: cases)
        }, skipped: { i, error in Record(row: i, path: set.rows[i].path, skipped: error.description) })
    }
}

/// A repetition hunt's result in every output form: shared by `repetition`, `merge` and `report`.
public struct RepetitionReport: FormattedReport {
    /// The run's settings, the same in every shard's part.
    public struct Header: Codable, Equatable, Sendable {
        public let model: String, data: String, rows: Int
        /// How many sampled rows were examined, when not all (`repetition --rows`).
        public var examined: Int? = nil
        public let snrDB: [Double], keep: Double, reference: String
        public let decoderLayers: Int, decoderHeads: Int, encoderLayers: Int
        /// The examined rows' digest (`LabelledSet.digest`); nil in parts written before it was recorded.
        public var dataSHA256: String? = nil

        enum CodingKeys: String, CodingKey {
            case model, data, rows, examined, keep, reference, dataSHA256 = "data_sha256"
            case snrDB = "snr_db", decoderLayers = "decoder_layers", decoderHeads = "decoder_heads", encoderLayers = "encoder_layers"
        }
    }

    public let header: Header
    public let settings: RepetitionHunt.Settings
    public let records: [RepetitionHunt.Record]
    public let seconds: Double

    public init(model: WhisperModel, data: String, rows: Int, examined: Int? = nil, dataSHA256: String? = nil, settings: RepetitionHunt.Settings,
                records: [RepetitionHunt.Record], seconds: Double) {
        let h = model.hyper
        self.init(header: Header(model: model.name, data: data, rows: rows, examined: examined.flatMap { $0 < rows ? $0 : nil }, snrDB: settings.snrDB, keep: settings.keep, reference: settings.reference.rawValue,
                                 decoderLayers: h.decoderLayers, decoderHeads: h.decoderHeads, encoderLayers: h.encoderLayers, dataSHA256: dataSHA256),
                  settings: settings, records: records, seconds: seconds)
    }

    init(header: Header, settings: RepetitionHunt.Settings, records: [RepetitionHunt.Record], seconds: Double) {
        self.header = header; self.settings = settings; self.records = records.sorted { $0.row < $1.row }; self.seconds = seconds
    }

    /// The report of a sharded hunt from its parts (a set `PartFile.readSet` accepted).
    public init(parts: [PartFile.Part]) throws {
        let source = parts[0].path
        let h = try parts[0].header(as: Header.self)
        guard let reference = RepetitionHunt.Reference(rawValue: h.reference) else { throw InputError(source, "the repetition part's header is incomplete") }
        guard h.rows >= 0, h.rows <= 10_000_000, (h.examined ?? 0) >= 0, (h.examined ?? 0) <= h.rows, (1...1000).contains(h.decoderLayers), (1...1000).contains(h.decoderHeads), (1...1000).contains(h.encoderLayers),
              h.snrDB.allSatisfy(RepetitionHunt.Settings.snrRange.contains), h.keep > 0, h.keep <= 1 else {
            throw InputError(source, "the repetition part's header holds impossible values (layers and heads 1 to 1000, SNR within "
                             + "\(Int(RepetitionHunt.Settings.snrRange.lowerBound)) to \(Int(RepetitionHunt.Settings.snrRange.upperBound)) dB, keep in (0, 1])")
        }
        let perPart = try parts.map { try $0.records(as: RepetitionHunt.Record.self) }
        try PartFile.checkRows(parts, rows: perPart.map { $0.map(\.row) }, expected: LabelledSet.sampled(h.examined ?? h.rows, of: h.rows))
        let records = perPart.flatMap { $0 }
        self.init(header: h, settings: .init(snrDB: h.snrDB, keep: h.keep, reference: reference), records: records,
                  seconds: parts.map(\.seconds).reduce(0, +))
    }

    /// Checks that merged parts fit the report that takes them: hunted with `model`, and, when
    /// the report has the data file (`set`, read from `data`), on its rows as they are now
    /// (labels and audio bytes, `data_sha256`). `source` names the parts in a refusal.
    public func checkFits(model: String, set: LabelledSet?, data: String?, source: String) throws {
        guard header.model == model else { throw InputError(source, "is a repetition part of \(header.model), not \(model)") }
        guard let set, let data, let recorded = header.dataSHA256 else { return }
        guard set.rows.count == header.rows else {
            throw InputError(source, "was hunted on \(header.rows) rows, but \(data) has \(set.rows.count)")
        }
        guard set.digest(rows: LabelledSet.sampled(header.examined ?? header.rows, of: header.rows)) == recorded else {
            throw InputError(source, "was hunted on other data than \(data) now holds (its data_sha256 differs: labels or audio changed)")
        }
    }

    public var cases: [RepetitionHunt.Case] { records.flatMap { $0.cases ?? [] } }
    public var summary: RepetitionHunt.Summary { .init(cases, layers: header.decoderLayers, heads: header.decoderHeads) }
    public var examined: Int { records.filter { $0.skipped == nil }.count }
    /// Distinct clips with at least one looping transcript (a clip loops under several conditions).
    public var loopingClips: Int { records.filter { ($0.cases ?? []).contains(where: \.loop) }.count }

    /// Loops per condition, and clips whose encoder lens loops at each inner layer.
    public var counts: (transcript: [String: Int], lens: [Int: Int]) {
        var t: [String: Int] = [:], lens: [Int: Int] = [:]
        for c in cases {
            if c.loop { t[c.condition, default: 0] += 1 }
            for l in c.lensLoops where l < header.encoderLayers - 1 { lens[l, default: 0] += 1 }
        }
        return (t, lens)
    }

    /// The text form: loops found, then the fraction each patch resolves.
    public var lines: [String] {
        let conditions = settings.conditions
        let (t, lens) = counts
        let s = summary
        var out = ["repetition hunt on \(header.model): \(examined) clip\(examined == 1 ? "" : "s") × \(conditions.count) conditions (plain, white noise at "
                   + settings.snrDB.map { String(format: "%g", $0) }.joined(separator: "/") + String(format: " dB SNR, truncated to %g%%), ", 100 * settings.keep)
                   + "patches from \(settings.reference.rawValue) (\(records.count - examined) skipped)"]
        out.append("loops in the transcript: " + conditions.map { "\($0) \(t[$0] ?? 0)/\(examined)" }.joined(separator: ", "))
        out.append("loops in the encoder lens (same \(conditions.count * examined) cases, inner layers): "
                   + (0..<max(0, header.encoderLayers - 1)).map { "L\($0) \(lens[$0] ?? 0)" }.joined(separator: ", "))
        guard s.loops > 0 else { out.append("no transcript loops, so no patches were tried"); return out }
        out.append("")
        out.append("fraction of the \(s.loops) looping transcripts (\(loopingClips) distinct clips) each patch resolves (decoder layer in columns):")
        out += resolvedTable.text.split(separator: "\n").map(String.init)
        if s.entries.first?.improved != nil {
            out.append("")
            out.append("of those, improved (no loop, and a WER against the reference text below both the loop's and 1), with 95% intervals:")
            out += improvedTable.text.split(separator: "\n").map(String.init)
        }
        out.append("")
        out.append("single cross-attention heads, most loops \(s.entries.first?.improved != nil ? "improved" : "resolved") first:")
        out += headTable(top: 5).text.split(separator: "\n").map(String.init)
        return out
    }

    /// TSV and Markdown print one row per patch (`patchTable`), the form a spreadsheet or a
    /// plotting script reads; text prints `lines`.
    public var formatTable: Table { patchTable }
    public var textLines: [String] { lines }

    /// One row per patch tried (a component at a layer, every cross head at a layer, or one
    /// head): the loops it resolved and improved out of all loops, with 95% Wilson intervals.
    /// Improved columns are empty when the data give no reference texts; without loops no patch
    /// was tried, and the table has no rows.
    public var patchTable: Table {
        let s = summary
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        return Table(headers: ["component", "layer", "head", "loops", "resolved", "fraction", "low", "high", "improved", "improved_low", "improved_high"],
                     rows: s.tried.map { e in
                         [e.component, String(e.layer), e.head.map(String.init) ?? "", String(s.loops), String(e.resolved), f(e.fraction),
                          f(e.resolvedInterval.low), f(e.resolvedInterval.high), e.improved.map(String.init) ?? "",
                          e.improvedInterval.map { f($0.low) } ?? "", e.improvedInterval.map { f($0.high) } ?? ""]
                     })
    }

    /// Per component (rows) and decoder layer (columns): the fraction of loops resolved.
    public var resolvedTable: Table { table { String(format: "%.2f", $0.fraction) } }

    /// The same for loops resolved with a better WER: how many of the loops ("1/6", not a bare
    /// count beside a fraction's interval), with the fraction's 95% interval.
    public var improvedTable: Table {
        let loops = summary.loops
        return table { e in e.improvedInterval.map { String(format: "%d/%d [%.2f, %.2f]", e.improved ?? 0, loops, $0.low, $0.high) } ?? "–" }
    }

    private func table(_ cell: (RepetitionHunt.Summary.Entry) -> String) -> Table {
        let s = summary
        return Table(headers: ["component"] + (0..<header.decoderLayers).map { "L\($0)" },
                     rows: (RepetitionHunt.components.map(\.name) + ["any cross head"]).map { c in
                         [c] + (0..<header.decoderLayers).map { l in
                             s.entries.first { $0.component == c && $0.layer == l && $0.head == nil }.map(cell) ?? "–"
                         }
                     })
    }

    /// The `top` single cross-attention heads, in `Summary.heads`'s order, with the loops each
    /// resolves and, when the data give texts, improves.
    public func headTable(top: Int) -> Table {
        let s = summary
        let judged = s.entries.first?.improved != nil
        return Table(headers: ["head", "loops resolved", "fraction"] + (judged ? ["improved"] : []),
                     rows: s.heads.prefix(top).map {
                         [Site(.decoder, $0.layer, .crossHead($0.head ?? 0)).description, "\($0.resolved)/\(s.loops)", String(format: "%.2f", $0.fraction)]
                             + (judged ? ["\($0.improved ?? 0)/\(s.loops)"] : [])
                     })
    }

    /// A case in `--json`: where it comes from, its transcript, its WER against the reference
    /// text (when the data set gives one), and for a loop every patch tried and what it did.
    struct CaseLine: Encodable {
        let row: Int, path: String, condition: String, text: String, loop: Bool, lensLoops: [Int]
        let wer: Double?
        let trials: [RepetitionHunt.Trial]
        enum CodingKeys: String, CodingKey { case row, path, condition, text, loop, wer, trials, lensLoops = "lens_loops" }
    }

    enum ReportKeys: String, CodingKey { case seconds, examined, skipped, loops, resolved, cases, lensLoops = "lens_loops" }

    /// `--json`: the header's settings, then the counts, the fractions resolved and the cases.
    public func encode(to encoder: Swift.Encoder) throws {
        try header.encode(to: encoder)
        var c = encoder.container(keyedBy: ReportKeys.self)
        let (t, lens) = counts
        try c.encode(seconds, forKey: .seconds)
        try c.encode(examined, forKey: .examined)
        try c.encode(records.count - examined, forKey: .skipped)
        // Every condition, a count of 0 included: a condition left out would look untried.
        try c.encode(Dictionary(uniqueKeysWithValues: settings.conditions.map { ($0, t[$0] ?? 0) }), forKey: .loops)
        try c.encode(Dictionary(uniqueKeysWithValues: lens.map { ("\($0.key)", $0.value) }), forKey: .lensLoops)
        try c.encode(summary.tried, forKey: .resolved)
        try c.encode(records.filter { $0.skipped == nil }.flatMap { r in
            (r.cases ?? []).map { CaseLine(row: r.row, path: r.path, condition: $0.condition, text: $0.text, loop: $0.loop, lensLoops: $0.lensLoops,
                                           wer: $0.wer, trials: $0.trials) }
        }, forKey: .cases)
    }
}
