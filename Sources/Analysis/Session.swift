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

    public static var commands: [String] { ScriptCommand.usages }

    /// Runs one `:` command line. Blank lines and `#` comments do nothing.
    public func execute(_ line: String) throws {
        let command = try ScriptCommand.parse(line, hyper: engine.model.hyper, frames: engine.model.hyper.audioPositions,
                                              tokens: engine.tokenPositions, attention: attentionKind)
        switch command {
        case .nothing: break
        case .patch(let p):
            if case .clip(let path) = p.source { _ = try AudioFile.load(path) }
            patches.append(p)
        case .unpatch:
            guard !patches.isEmpty else { throw InputError(line.trimmingCharacters(in: .whitespaces), "no patch to remove") }
            patches.removeLast()
        case .clear: patches.removeAll()
        case .layer(let l): layer = l
        case .head(let h): head = h
        case .kind(let k): attentionKind = k
        case .lnPost(let on): lnPost = on
        case .export(let view, let format, let path): try AtomicFile.write(try render(view, format), to: path)
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
