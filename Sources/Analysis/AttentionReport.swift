import Foundation
import Model

/// Data forms of the head ranking and of word timings.
public enum AttentionReport {
    public static func table(_ r: HeadRanking) -> Table {
        Table(headers: ["rank", "layer", "head", "monotonicity", "sharpness", "score", "alignment_head"],
              rows: r.entries.enumerated().map { i, e in
                  [String(i + 1), String(e.layer), String(e.head), String(format: "%.3f", e.monotonicity),
                   String(format: "%.3f", e.sharpness), String(format: "%.4f", e.score), e.isAlignmentHead ? "yes" : ""]
              })
    }

    public static func json(_ r: HeadRanking) -> [String: Any] {
        ["heads": r.entries.map { ["layer": $0.layer, "head": $0.head, "monotonicity": $0.monotonicity,
                                   "sharpness": $0.sharpness, "score": $0.score, "alignment_head": $0.isAlignmentHead] as [String: Any] }]
    }

    public static func table(_ w: WordAlignment) -> Table {
        Table(headers: ["word", "start", "end", "frames"], rows: w.words.map {
            [$0.text.trimmingCharacters(in: .whitespaces), String(format: "%.2f", $0.start), String(format: "%.2f", $0.end),
             "\($0.frames.lowerBound):\($0.frames.upperBound)"]
        })
    }

    public static func json(_ w: WordAlignment) -> [String: Any] {
        ["words": w.words.map { ["word": $0.text, "start": $0.start, "end": $0.end, "tokens": $0.tokens,
                                 "frames": [$0.frames.lowerBound, $0.frames.upperBound]] as [String: Any] }]
    }
}
