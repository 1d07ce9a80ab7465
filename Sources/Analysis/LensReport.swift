import Foundation
import Model

/// Data forms of the lenses and of a patch's effect: tables and JSON-ready objects,
/// with the field names users' scripts rely on (issue 3, "JSON field names").
public enum LensReport {
    static func format(_ p: Float) -> String { String(format: "%.4f", p) }

    public static func table(_ lens: LogitLens, tokenizer: Tokenizer) -> Table {
        let headers = ["layer"] + lens.targets.enumerated().map { "\($0.offset):\(tokenizer.display($0.element))" }
        let rows = lens.cells.enumerated().map { k, row in
            [k == 0 ? "emb" : String(k - 1)] + row.enumerated().map { t, c in
                let mark = lens.saturation[t] == k ? "*" : ""
                return "\(tokenizer.display(c.top1))\(mark) \(format(c.finalProb))"
            }
        }
        return Table(headers: headers, rows: rows)
    }

    public static func json(_ lens: LogitLens, tokenizer: Tokenizer) -> [String: Any] {
        [
            "layers": lens.cells.enumerated().map { k, row in
                ["layer": k, "cells": row.map { c in
                    ["top": c.top.map { [$0.id, tokenizer.display($0.id), Double($0.prob)] as [Any] },
                     "final_prob": Double(c.finalProb), "final_rank": c.finalRank] as [String: Any]
                }] as [String: Any]
            },
            "tokens": lens.targets.map { [$0, tokenizer.display($0)] as [Any] },
            "saturation": lens.saturation.map { $0 as Any? ?? NSNull() },
        ]
    }

    public static func table(_ lens: EncoderLens) -> Table {
        Table(headers: ["layer", "repetition", "text"],
              rows: lens.layers.map { ["\($0.layer)", $0.repetition ? "loop" : "", $0.text.trimmingCharacters(in: .whitespaces)] })
    }

    public static func json(_ lens: EncoderLens) -> [String: Any] {
        ["ln_post": lens.lnPost,
         "layers": lens.layers.map { ["layer": $0.layer, "tokens": $0.tokens, "text": $0.text, "repetition": $0.repetition] as [String: Any] }]
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

    public static func json(_ effect: PatchEffect) -> [String: Any] {
        [
            "patches": effect.patched.patches.patches.map(\.description),
            "clean": ["tokens": effect.clean.tokens, "text": effect.clean.text] as [String: Any],
            "patched": ["tokens": effect.patched.tokens, "text": effect.patched.text] as [String: Any],
            "delta_logprob": effect.deltaLogprob.map { Double($0) },
            "wer": effect.wer,
            "repetition": effect.repetition,
            "non_finite": effect.patched.nonFinite.map { $0 as Any } ?? NSNull(),
            "changed_cells": effect.changedCells.map { [$0.layer, $0.token] },
            "layers_evaluated": effect.patched.work.layersEvaluated,
            "layers_full": effect.patched.work.layersFull,
            "work": [
                "encoder_blocks": effect.patched.work.encoderBlocks,
                "encoder_partial_rows": effect.patched.work.encoderPartialRows,
                "cross_kv_rows": effect.patched.work.crossKVRows,
                "decoder_blocks": effect.patched.work.decoderBlocks,
                "decoder_steps": effect.patched.work.decoderSteps,
            ] as [String: Any],
        ]
    }
}
