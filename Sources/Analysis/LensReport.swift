import Foundation
import Model

/// Table forms of the lenses and of a patch's effect (their JSON forms are in ViewRecords.swift).
public enum LensReport {
    static func format(_ p: Float) -> String { String(format: "%.4f", p) }

    /// The grid as on screen: a row per layer, a cell per token holding the layer's top-1, a `*`
    /// at the saturation layer, and the target's probability. Its TSV is one row per cell.
    public static func table(_ lens: LogitLens, tokenizer: Tokenizer) -> Table {
        // Past the length cap the last column predicts greedy's next choice, not EOT.
        let targets = lens.targets.enumerated().map { i, id in
            tokenizer.display(id) + (lens.capped && i == lens.targets.count - 1 ? " (past the cap)" : "")
        }
        let headers = ["layer"] + targets.enumerated().map { i, target in "\(i):\(target)" }
        func layer(_ k: Int) -> String { k == 0 ? "emb" : String(k - 1) }
        let rows = lens.cells.enumerated().map { k, row in
            [layer(k)] + row.enumerated().map { t, c in
                let mark = lens.saturation[t] == k ? "*" : ""
                return "\(tokenizer.display(c.top1))\(mark) \(format(c.finalProb))"
            }
        }
        // Data keep token ids (a token that holds part of a character shows only its bytes), the probability to
        // six significant digits (four decimals read 0.0000 on the whole embedding row), and the
        // column past the cap as a flag, not inside the token's text.
        let long = lens.cells.enumerated().flatMap { k, row in
            row.enumerated().map { t, c in
                [layer(k), String(t), String(lens.targets[t]), tokenizer.display(lens.targets[t]), String(c.top1), tokenizer.display(c.top1),
                 String(format: "%.6g", c.finalProb), String(c.finalRank), lens.saturation[t] == k ? "yes" : "no",
                 lens.capped && t == lens.targets.count - 1 ? "yes" : "no"]
            }
        }
        return Table(headers: headers, rows: rows,
                     long: Table.Long(headers: ["layer", "position", "target_id", "target", "top1_id", "top1", "target_prob", "target_rank",
                                                "saturation_layer", "past_cap"], rows: long))
    }

    /// One row per encoder layer, special tokens shown where they were decoded. `foldLoops` folds
    /// a loop's repeats for reading ("(you) ×212"), as the explorer shows them; data forms keep
    /// every word.
    public static func table(_ lens: EncoderLens, tokenizer: Tokenizer, foldLoops: Bool = false) -> Table {
        Table(headers: ["layer", "repetition", "text"], rows: lens.layers.map { layer in
            let text = tokenizer.displayText(layer.tokens).trimmingCharacters(in: .whitespaces)
            let shown = foldLoops ? LoopFold.fold(text.split(separator: " ").map(String.init)).joined(separator: " ") : text
            return ["\(layer.layer)", layer.repetition ? "loop" : "", shown]
        })
    }

    public static func table(_ effect: PatchEffect, tokenizer: Tokenizer) -> Table {
        let targets = effect.clean.tokens + [tokenizer.specials.eot]
        let rows = [targets.count, effect.clean.cleanTokenLogprobs.count, effect.patched.cleanTokenLogprobs.count, effect.deltaLogprob.count].min()!
        return Table(headers: ["token", "text", "clean_logprob", "patched_logprob", "delta"],
                     rows: (0..<rows).map { t in
                         [String(t), tokenizer.display(targets[t]), format(effect.clean.cleanTokenLogprobs[t]),
                          format(effect.patched.cleanTokenLogprobs[t]), format(effect.deltaLogprob[t])]
                     })
    }

    /// The text form's lines above the table: both transcripts, the WER, and the work done.
    public static func summary(_ effect: PatchEffect) -> [String] {
        let p = effect.patched
        var lines = ["clean:    \(effect.clean.text.trimmingCharacters(in: .whitespaces))",
                     "patched:  \(p.text.trimmingCharacters(in: .whitespaces))",
                     String(format: "wer %.3f  repetition %@  lens cells changed %d  layers evaluated %d of %d",
                            effect.wer, effect.repetition ? "yes" : "no", effect.changedCells.count, p.workWhenComputed.layersEvaluated, p.workWhenComputed.layersFull)]
        if let k = p.patches.attentionWindow {
            lines.append("encoder self-attention restricted to ±\(k) frames (--attention-window)")
        }
        // Specials decode to no text: a run that changed only them reads as unchanged.
        if let how = effect.sameTextOtherTokens {
            lines.append("the patched tokens differ from the clean ones, though the text and WER do not: \(how)")
        }
        if let site = p.nonFinite {
            lines.append("the patch blew the model up: activations are NaN or infinite from \(site) on, so the patched run has no transcript and no log-probs")
        }
        return lines + [""]
    }
}
