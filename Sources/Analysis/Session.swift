import Foundation
import Model

/// The state behind the explorer and `asrlens run`: one clip's engine, the active patches and
/// view settings, driven by the `:` command language, with every view available as data.
public final class Session: @unchecked Sendable {
    public let engine: Engine
    public private(set) var patches: [Patch] = []
    public var lnPost = true
    public var attentionKind = AttentionKind.cross
    public var layer = 0
    public var head = 0

    /// cross: one cross-attention head; alignment / mean: the mean of the alignment heads / of
    /// every cross-attention head; self: decoder self-attention; encoder: encoder self-attention.
    public enum AttentionKind: String, CaseIterable, Sendable { case cross, `self`, encoder, alignment, mean }

    /// The views that `:export` can write.
    public enum View: String, CaseIterable, Sendable {
        case transcript, lens, encoderLens = "encoder-lens", attention, heads, words, patch
    }

    public init(engine: Engine) { self.engine = engine }

    public var patchSet: PatchSet { PatchSet(patches) }

    /// Replaces the active patches (the explorer's toggles and undo).
    public func setPatches(_ list: [Patch]) { patches = list }

    /// The current run: clean, or patched with the active patches.
    public func currentRun() throws -> Run { try engine.run(patchSet) }

    // MARK: - Commands

    public static let commands = [
        ":patch SITE@POSITIONS=SOURCE", ":unpatch", ":clear", ":layer L", ":head H",
        ":kind cross|self|encoder|alignment|mean", ":lnpost on|off", ":export VIEW FORMAT PATH",
    ]

    /// Runs one `:` command line. Blank lines and `#` comments do nothing.
    public func execute(_ line: String) throws {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.hasPrefix("#") { return }
        guard text.hasPrefix(":") else {
            throw InputError(text, "not a command (commands start with ':'; allowed: \(Self.commands.joined(separator: ", ")))")
        }
        let words = text.dropFirst().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let hyper = engine.model.hyper
        func argument(_ i: Int, _ usage: String) throws -> String {
            guard i < words.count else { throw InputError(text, "missing argument (usage: \(usage))") }
            return words[i]
        }
        func number(_ s: String, _ range: Range<Int>, _ what: String) throws -> Int {
            guard let n = Int(s), range.contains(n) else {
                throw InputError(s, "\(what) out of range (\(range.lowerBound) to \(range.upperBound - 1))")
            }
            return n
        }
        switch words.first ?? "" {
        case "patch":
            patches.append(try Patch.parse(try argument(1, ":patch SITE@POSITIONS=SOURCE"), hyper: hyper,
                                           frames: hyper.audioPositions, tokens: engine.tokenPositions))
            if case .clip(let path) = patches.last!.source { _ = try AudioFile.load(path) }
        case "unpatch":
            guard !patches.isEmpty else { throw InputError(text, "no patch to remove") }
            patches.removeLast()
        case "clear":
            patches.removeAll()
        case "layer":
            let kindLayers = attentionKind == .encoder ? hyper.encoderLayers : hyper.decoderLayers
            layer = try number(try argument(1, ":layer L"), 0..<kindLayers, "layer")
        case "head":
            head = try number(try argument(1, ":head H"), 0..<(attentionKind == .encoder ? hyper.encoderHeads : hyper.decoderHeads), "head")
        case "kind":
            let k = try argument(1, ":kind cross|self|encoder|alignment|mean")
            guard let kind = AttentionKind(rawValue: k) else { throw InputError(k, "unknown attention kind (allowed: cross, self, encoder, alignment, mean)") }
            attentionKind = kind
        case "lnpost":
            let v = try argument(1, ":lnpost on|off")
            guard v == "on" || v == "off" else { throw InputError(v, "expected on or off") }
            lnPost = v == "on"
        case "export":
            let usage = ":export VIEW FORMAT PATH"
            let viewName = try argument(1, usage), formatName = try argument(2, usage)
            let path = words.count > 3 ? words[3...].joined(separator: " ") : try argument(3, usage)
            guard let view = View(rawValue: viewName) else {
                throw InputError(viewName, "unknown view (allowed: \(View.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let format = Table.Format(rawValue: formatName) else {
                throw InputError(formatName, "unknown format (allowed: text, tsv, json, md)")
            }
            try AtomicFile.write(try render(view, format), to: path)
        default:
            throw InputError(text, "unknown command (allowed: \(Self.commands.joined(separator: ", ")))")
        }
    }

    /// Runs a script of `:` commands; an error names the script line.
    public func runScript(_ text: String, name: String) throws {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            do { try execute(String(line)) } catch let e as InputError {
                throw InputError("\(name):\(i + 1)", "\(e.subject): \(e.problem)")
            }
        }
    }

    // MARK: - Views as data

    /// A view in one of the export formats.
    public func render(_ view: View, _ format: Table.Format) throws -> String {
        let (table, json) = try data(view)
        switch format {
        case .text: return table.text
        case .tsv: return table.tsv
        case .md: return table.markdown
        case .json:
            let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }

    /// A view as a table and as a JSON-ready object.
    public func data(_ view: View) throws -> (Table, Any) {
        let run = try currentRun()
        let tok = engine.model.tokenizer
        switch view {
        case .transcript:
            let table = Table(headers: ["index", "token", "text", "logprob"], rows: run.tokens.enumerated().map { i, t in
                [String(i), String(t), tok.display(t), i < run.cleanTokenLogprobs.count ? String(format: "%.4f", run.cleanTokenLogprobs[i]) : ""]
            })
            return (table, ["language": engine.language, "tokens": run.tokens, "text": run.text,
                            "patches": patches.map(\.description)] as [String: Any])
        case .lens:
            let lens = LogitLens(engine: engine, run: run)
            return (LensReport.table(lens, tokenizer: tok), LensReport.json(lens, tokenizer: tok))
        case .encoderLens:
            let lens = EncoderLens(engine: engine, lnPost: lnPost)
            return (LensReport.table(lens), LensReport.json(lens))
        case .patch:
            let effect = PatchEffect(engine: engine, patched: run)
            return (LensReport.table(effect, tokenizer: tok), LensReport.json(effect))
        case .heads:
            let ranking = HeadRanking(engine: engine, run: run)
            return (AttentionReport.table(ranking), AttentionReport.json(ranking))
        case .words:
            let words = WordAlignment(engine: engine, run: run)
            return (AttentionReport.table(words), AttentionReport.json(words))
        case .attention:
            let m = attentionMatrix(run)
            let labels = attentionKind == .encoder ? (0..<m.rows).map(String.init) : (engine.cleanTokens + [engine.model.specials.eot]).map(tok.display)
            return (Heatmap.table(m, rowLabels: labels, columnLabel: String.init),
                    ["kind": attentionKind.rawValue, "layer": layer, "head": head,
                     "rows": labels, "weights": (0..<m.rows).map { m.row($0).map(Double.init) }] as [String: Any])
        }
    }

    /// The attention map the settings select, cut to the frames that carry audio.
    public func attentionMatrix(_ run: Run) -> Matrix {
        AttentionMaps.select(attentionKind, engine, run, layer: layer, head: head, frames: engine.audioFrames)
    }
}
