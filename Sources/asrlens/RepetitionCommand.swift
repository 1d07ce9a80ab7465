import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens repetition DATA.tsv`: find loops and the patches that resolve them.
struct RepetitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repetition",
        abstract: "Find where the model loops (plain, noisy, truncated, encoder lens) and which decoder patches resolve each loop.",
        discussion: """
            Each clip's first 30 s window is transcribed as it is, with white noise at --snr dB, and cut to --keep of its \
            length; the encoder lens of each is read too. For every looping transcript, each decoder component per layer \
            (self_out, cross_out, mlp_out) and each cross-attention head is patched over all tokens with its value from a \
            reference run (--reference silence or noise), and the loop counts as resolved when the patched transcript no \
            longer loops. The table gives the fraction of loops each patch resolves. Rows whose audio cannot be read are \
            skipped and counted. With --shard i/n it examines rows i, i+n, … and writes a JSONL part for `asrlens merge`.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "silence or noise: the run the patched activations come from.")
    var reference: RepetitionHunt.Reference = .silence

    @Option(name: .long, help: "SNR in dB of white noise for a noisy condition; repeat for several (negative as --snr=-5; default 0, -5, -10).")
    var snr: [Double] = [0, -5, -10]

    @Option(name: .long, help: "Fraction of each clip kept for the truncated condition.")
    var keep: Double = 0.6

    @OptionGroup var sharding: ShardOptions

    @Argument(help: "A TSV with a 'path' column (other columns are ignored).")
    var data: String

    func validate() throws {
        guard keep > 0 && keep < 1 else { throw ValidationError("--keep must be between 0 and 1 (exclusive)") }
        try RepetitionHunt.Settings.checkSNR(snr)
    }

    func run() throws {
        let set = try LabelledSet(tsv: data)
        guard !set.rows.isEmpty else { throw InputError(data, "has no rows") }
        let part = try sharding.part
        let model = try modelOptions.load()
        let settings = RepetitionHunt.Settings(snrDB: snr, keep: keep, reference: reference)
        let started = Date()
        let records = try Self.hunt(set, indices: set.rows.indices.filter { part?.owns($0) ?? true }, model: model, settings: settings)
        let report = RepetitionReport(model: model.name, data: data, rows: set.rows.count, settings: settings,
                                      layers: model.hyper.decoderLayers, heads: model.hyper.decoderHeads,
                                      encoderLayers: model.hyper.encoderLayers, records: records, seconds: Date().timeIntervalSince(started))
        if let part {
            try PartFile.write(kind: "repetition", shard: part, header: report.header, records: records.map(\.object), seconds: report.seconds, to: sharding.out)
            return
        }
        try report.print(output)
    }

    /// Examines the given rows under every condition; unreadable rows are kept as skipped.
    static func hunt(_ set: LabelledSet, indices: [Int], model: WhisperModel, settings: RepetitionHunt.Settings) throws -> [RepetitionRecord] {
        let progress = Progress("repetition")
        var records: [RepetitionRecord] = []
        for (n, i) in indices.enumerated() {
            let path = set.rows[i].path
            do {
                let samples = try AudioFile.load(path)
                // Noise seeded by the file's content: a clip gets the same noise wherever it is listed.
                let seed = UInt64(try SHA256.hex(ofFile: URL(fileURLWithPath: path)).prefix(16), radix: 16) ?? 0
                let cases = try RepetitionHunt.conditions(samples, settings: settings, seed: seed).map { name, audio in
                    try RepetitionHunt.examine(model: model, condition: name, samples: audio, settings: settings, seed: seed)
                }
                records.append(RepetitionRecord(row: i, path: path, cases: cases))
            } catch let error as InputError {
                records.append(RepetitionRecord(row: i, path: path, skipped: error.description))
                StandardError.write("asrlens: \(error.description) (row skipped)\n")
            }
            progress.update(n + 1, of: indices.count)
        }
        return records
    }
}

extension RepetitionHunt.Reference: ExpressibleByArgument {}

/// One row's cases, or why it was skipped.
struct RepetitionRecord {
    let row: Int
    let path: String
    var cases: [RepetitionHunt.Case] = []
    var skipped: String?

    init(row: Int, path: String, cases: [RepetitionHunt.Case]) { self.row = row; self.path = path; self.cases = cases }
    init(row: Int, path: String, skipped: String) { self.row = row; self.path = path; self.skipped = skipped }

    var object: [String: Any] {
        if let skipped { return ["row": row, "path": path, "skipped": skipped] }
        return ["row": row, "path": path, "cases": cases.map { c in
            ["condition": c.condition, "text": c.text, "loop": c.loop, "lens_loops": c.lensLoops,
             "trials": c.trials.map { t in
                 var o: [String: Any] = ["component": t.component, "layer": t.layer, "resolved": t.resolved]
                 if let h = t.head { o["head"] = h }
                 return o
             }] as [String: Any]
        }]
    }

    init(object o: [String: Any], source: String) throws {
        guard let row = o["row"] as? Int, let path = o["path"] as? String else { throw InputError(source, "a record has no row or path") }
        self.row = row
        self.path = path
        if let s = o["skipped"] as? String { skipped = s; return }
        guard let list = o["cases"] as? [[String: Any]] else { throw InputError(source, "row \(row) has no cases") }
        cases = try list.map { c in
            guard let condition = c["condition"] as? String, let text = c["text"] as? String, let loop = c["loop"] as? Bool,
                  let lens = c["lens_loops"] as? [Int], let trials = c["trials"] as? [[String: Any]] else {
                throw InputError(source, "row \(row) has an incomplete case")
            }
            return RepetitionHunt.Case(condition: condition, text: text, loop: loop, lensLoops: lens, trials: try trials.map { t in
                guard let component = t["component"] as? String, let layer = t["layer"] as? Int, let resolved = t["resolved"] as? Bool else {
                    throw InputError(source, "row \(row) has an incomplete trial")
                }
                return RepetitionHunt.Trial(component: component, layer: layer, head: t["head"] as? Int, resolved: resolved)
            })
        }
    }
}

/// A repetition hunt's result in every output form: shared by `repetition`, `merge` and `report`.
struct RepetitionReport {
    let model: String, data: String, rows: Int
    let settings: RepetitionHunt.Settings
    let layers: Int, heads: Int, encoderLayers: Int
    let records: [RepetitionRecord]
    let seconds: Double

    var header: [String: Any] {
        ["model": model, "data": data, "rows": rows, "snr_db": settings.snrDB, "keep": settings.keep,
         "reference": settings.reference.rawValue, "decoder_layers": layers, "decoder_heads": heads, "encoder_layers": encoderLayers]
    }

    init(model: String, data: String, rows: Int, settings: RepetitionHunt.Settings, layers: Int, heads: Int, encoderLayers: Int,
         records: [RepetitionRecord], seconds: Double) {
        self.model = model; self.data = data; self.rows = rows; self.settings = settings; self.layers = layers; self.heads = heads
        self.encoderLayers = encoderLayers; self.records = records.sorted { $0.row < $1.row }; self.seconds = seconds
    }

    /// `records` come with the part file each was read from, which a bad one's error names.
    init(header h: [String: Any], records: [(source: String, object: [String: Any])], seconds: Double, source: String) throws {
        guard let model = h["model"] as? String, let data = h["data"] as? String, let rows = h["rows"] as? Int,
              let snr = (h["snr_db"] as? [Any])?.compactMap({ ($0 as? Double) ?? ($0 as? Int).map(Double.init) }), let keep = h["keep"] as? Double,
              let reference = (h["reference"] as? String).flatMap(RepetitionHunt.Reference.init(rawValue:)),
              let layers = h["decoder_layers"] as? Int, let heads = h["decoder_heads"] as? Int, let enc = h["encoder_layers"] as? Int
        else { throw InputError(source, "the repetition part's header is incomplete") }
        guard rows >= 0, rows <= 10_000_000, (1...1000).contains(layers), (1...1000).contains(heads), (1...1000).contains(enc),
              snr.allSatisfy(RepetitionHunt.Settings.snrRange.contains), keep > 0, keep <= 1 else {
            throw InputError(source, "the repetition part's header holds impossible values (layers and heads 1 to 1000, SNR within "
                             + "\(Int(RepetitionHunt.Settings.snrRange.lowerBound)) to \(Int(RepetitionHunt.Settings.snrRange.upperBound)) dB, keep in (0, 1])")
        }
        self.init(model: model, data: data, rows: rows, settings: .init(snrDB: snr, keep: keep, reference: reference), layers: layers,
                  heads: heads, encoderLayers: enc, records: try records.map { try RepetitionRecord(object: $0.object, source: $0.source) }, seconds: seconds)
    }

    var cases: [RepetitionHunt.Case] { records.flatMap(\.cases) }
    var summary: RepetitionHunt.Summary { .init(cases, layers: layers, heads: heads) }
    var conditions: [String] { settings.conditions }

    /// Loops per condition, and clips whose encoder lens loops at each inner layer.
    var counts: (transcript: [String: Int], lens: [Int: Int]) {
        var t: [String: Int] = [:], lens: [Int: Int] = [:]
        for c in cases {
            if c.loop { t[c.condition, default: 0] += 1 }
            for l in c.lensLoops where l < encoderLayers - 1 { lens[l, default: 0] += 1 }
        }
        return (t, lens)
    }

    /// The text tables: loops found, then the fraction each patch resolves.
    var lines: [String] {
        let examined = records.filter { $0.skipped == nil }.count
        let (t, lens) = counts
        let s = summary
        var out = ["repetition hunt on \(model): \(examined) clips × \(conditions.count) conditions (plain, white noise at "
                   + settings.snrDB.map { String(format: "%g", $0) }.joined(separator: "/") + String(format: " dB SNR, truncated to %.0f%%), ", 100 * settings.keep)
                   + "patches from \(settings.reference.rawValue) (\(records.count - examined) skipped)"]
        out.append("loops in the transcript: " + conditions.map { "\($0) \(t[$0] ?? 0)/\(examined)" }.joined(separator: ", "))
        out.append("loops in the encoder lens (same \(conditions.count * examined) cases, inner layers): "
                   + (0..<max(0, encoderLayers - 1)).map { "L\($0) \(lens[$0] ?? 0)" }.joined(separator: ", "))
        guard s.loops > 0 else { out.append("no transcript loops, so no patches were tried"); return out }
        out.append("")
        out.append("fraction of the \(s.loops) looping transcripts each patch resolves (decoder layer in columns):")
        out += resolvedTable.text.split(separator: "\n").map(String.init)
        out.append("")
        out.append("single cross-attention heads, most loops resolved first:")
        out += headTable(top: 5).text.split(separator: "\n").map(String.init)
        return out
    }

    /// Per component (rows) and decoder layer (columns): the fraction of loops resolved.
    var resolvedTable: Table {
        let s = summary
        return Table(headers: ["component"] + (0..<layers).map { "L\($0)" },
                     rows: (RepetitionHunt.components.map(\.name) + ["any cross head"]).map { c in
                         [c] + (0..<layers).map { l in
                             String(format: "%.2f", s.entries.first { $0.component == c && $0.layer == l && $0.head == nil }?.fraction ?? 0)
                         }
                     })
    }

    func headTable(top: Int) -> Table {
        let s = summary
        return Table(headers: ["head", "loops resolved", "fraction"],
                     rows: s.heads.prefix(top).map { ["dec.\($0.layer).cross_head.\($0.head ?? 0)", "\($0.resolved)/\(s.loops)", String(format: "%.2f", $0.fraction)] })
    }

    var json: [String: Any] {
        let (t, lens) = counts
        let s = summary
        var o = header
        o["seconds"] = seconds
        o["examined"] = records.filter { $0.skipped == nil }.count
        o["skipped"] = records.filter { $0.skipped != nil }.count
        o["loops"] = t
        o["lens_loops"] = Dictionary(uniqueKeysWithValues: lens.map { ("\($0.key)", $0.value) })
        o["resolved"] = s.entries.map { e -> [String: Any] in
            var x: [String: Any] = ["component": e.component, "layer": e.layer, "resolved": e.resolved, "fraction": e.fraction]
            if let h = e.head { x["head"] = h }
            return x
        }
        o["cases"] = records.filter { $0.skipped == nil }.flatMap { r in r.cases.map { ["row": r.row, "path": r.path, "condition": $0.condition,
                                                                                          "text": $0.text, "loop": $0.loop, "lens_loops": $0.lensLoops] as [String: Any] } }
        return o
    }

    func print(_ output: OutputOptions) throws {
        switch output.resolved {
        case .json: Swift.print(try JSONText.encode(json))
        default: for line in lines { Swift.print(line) }
        }
    }
}
