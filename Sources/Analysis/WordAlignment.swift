import Foundation
import Model

/// Word-level timestamps from the alignment heads, as Whisper computes them: z-score each head's
/// cross-attention along tokens, median-filter it along time (width 7), average the heads, and
/// find the monotonic path by dynamic time warping; a word spans the frames its tokens align to.
public struct WordAlignment: Sendable {
    public struct Word: Sendable, Equatable {
        public let text: String
        public let tokens: [Int]
        /// Seconds from the start of the window.
        public let start: Double
        public let end: Double
        public init(text: String, tokens: [Int], start: Double, end: Double) {
            self.text = text; self.tokens = tokens; self.start = start; self.end = end
        }

        /// Encoder frames (20 ms each) the word covers.
        public var frames: Range<Int> { Int((start * 50).rounded())..<max(Int((end * 50).rounded()), Int((start * 50).rounded()) + 1) }
    }

    public let words: [Word]

    public static let framesPerSecond = 50.0

    /// Aligns the clean transcript of an engine with the model's alignment heads
    /// (or the given heads).
    public init(engine: Engine, run: Run? = nil, heads: [(layer: Int, head: Int)]? = nil) {
        let run = run ?? engine.clean!
        let model = engine.model
        let chosen = heads ?? AttentionMaps.alignmentHeads(engine)
        let tokens = engine.cleanTokens
        guard !tokens.isEmpty, !chosen.isEmpty else { words = []; return }
        let frames = max(1, engine.audioFrames)
        // [T + 1, frames] per head, normalised along tokens, filtered along time.
        var matrix = Matrix(zeros: tokens.count + 1, frames)
        for h in chosen {
            let w = AttentionMaps.cross(engine, run, layer: h.layer, head: h.head)
            var m = Matrix(zeros: w.rows, frames)
            for r in 0..<w.rows { for c in 0..<frames { m[r, c] = w[r, c] } }
            Self.standardizeColumns(&m)
            matrix = matrix + Self.medianFilterRows(m, width: 7)
        }
        let path = Self.dtw(matrix.rows(0..<tokens.count + 1), negate: true)
        // Jump times: the frame at which the path first reaches each token row.
        var jumpTimes: [Double] = []
        var lastRow = -1
        for (row, col) in path where row != lastRow {
            jumpTimes.append(Double(col) / Self.framesPerSecond)
            lastRow = row
        }
        var out: [Word] = []
        var boundary = 0
        for group in Self.splitIntoWords(tokens, tokenizer: model.tokenizer) {
            let start = jumpTimes[min(boundary, jumpTimes.count - 1)]
            boundary += group.count
            let end = jumpTimes[min(boundary, jumpTimes.count - 1)]
            out.append(Word(text: model.tokenizer.decode(group), tokens: group, start: start, end: max(end, start)))
        }
        words = out
    }

    /// Groups tokens into words: a word starts at a token that begins with a space.
    static func splitIntoWords(_ tokens: [Int], tokenizer: Tokenizer) -> [[Int]] {
        var groups: [[Int]] = []
        for t in tokens {
            let text = tokenizer.decode([t])
            let punctuationOnly = !text.isEmpty && text.allSatisfy { $0.isPunctuation }
            if groups.isEmpty || (text.hasPrefix(" ") && !punctuationOnly) {
                groups.append([t])
            } else {
                groups[groups.count - 1].append(t)
            }
        }
        return groups
    }

    /// Subtract each column's mean over rows and divide by its standard deviation.
    static func standardizeColumns(_ m: inout Matrix) {
        for c in 0..<m.cols {
            var mean: Float = 0
            for r in 0..<m.rows { mean += m[r, c] }
            mean /= Float(m.rows)
            var v: Float = 0
            for r in 0..<m.rows { v += (m[r, c] - mean) * (m[r, c] - mean) }
            let std = max((v / Float(m.rows)).squareRoot(), 1e-10)
            for r in 0..<m.rows { m[r, c] = (m[r, c] - mean) / std }
        }
    }

    /// A running median along each row, with reflected edges.
    static func medianFilterRows(_ m: Matrix, width: Int) -> Matrix {
        guard m.cols > width / 2 else { return m }
        var out = m
        let half = width / 2
        for r in 0..<m.rows {
            for c in 0..<m.cols {
                var window: [Float] = []
                for k in (c - half)...(c + half) { window.append(m[r, LogMel.reflect(k, count: m.cols)]) }
                window.sort()
                out[r, c] = window[half]
            }
        }
        return out
    }

    /// Dynamic time warping over a cost matrix (rows: tokens, columns: frames); returns the
    /// monotonic path from (0, 0) to the last cell as (row, column) pairs.
    static func dtw(_ m: Matrix, negate: Bool) -> [(Int, Int)] {
        let n = m.rows, t = m.cols
        var cost = [Float](repeating: .infinity, count: (n + 1) * (t + 1))
        var trace = [UInt8](repeating: 0, count: (n + 1) * (t + 1))
        cost[0] = 0
        for j in 1...t {
            for i in 1...n {
                let c0 = cost[(i - 1) * (t + 1) + j - 1], c1 = cost[(i - 1) * (t + 1) + j], c2 = cost[i * (t + 1) + j - 1]
                let (best, move): (Float, UInt8) = c0 <= c1 && c0 <= c2 ? (c0, 0) : (c1 <= c2 ? (c1, 1) : (c2, 2))
                let v = m[i - 1, j - 1]
                cost[i * (t + 1) + j] = best + (negate ? -v : v)
                trace[i * (t + 1) + j] = move
            }
        }
        var i = n, j = t
        var path: [(Int, Int)] = []
        while i > 0 && j > 0 {
            path.append((i - 1, j - 1))
            switch trace[i * (t + 1) + j] {
            case 0: i -= 1; j -= 1
            case 1: i -= 1
            default: j -= 1
            }
        }
        return path.reversed()
    }
}
