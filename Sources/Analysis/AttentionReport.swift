import Foundation
import Model

/// Table forms of the head ranking and of word timings (their JSON forms are in ViewRecords.swift).
public enum AttentionReport {
    /// The ranking, or its `top` first heads.
    public static func table(_ r: HeadRanking, top: Int? = nil) -> Table {
        Table(headers: ["rank", "layer", "head", "monotonicity", "sharpness", "score", "alignment_head"],
              rows: r.entries.prefix(top ?? r.entries.count).enumerated().map { i, e in
                  [String(i + 1), String(e.layer), String(e.head), String(format: "%.3f", e.monotonicity),
                   String(format: "%.3f", e.sharpness), String(format: "%.4f", e.score), e.isAlignmentHead ? "yes" : ""]
              })
    }

    /// Word times in the clip's seconds (`windowStart` added); frames are the window's.
    public static func table(_ w: WordAlignment, windowStart: Double) -> Table {
        Table(headers: ["word", "start", "end", "frames"], rows: w.words.map {
            [$0.text.trimmingCharacters(in: .whitespaces), String(format: "%.2f", windowStart + $0.start), String(format: "%.2f", windowStart + $0.end),
             "\($0.frames.lowerBound):\($0.frames.upperBound)"]
        })
    }
}
