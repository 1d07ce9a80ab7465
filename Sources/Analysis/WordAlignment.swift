import Foundation
import Model

/// Word-level timestamps as faster-whisper computes them (`word_timestamps=True`, CTranslate2's
/// `align`): the alignment heads' cross-attention over the frames that hold audio, z-scored
/// along tokens, median-filtered along time and averaged over heads; the monotonic path by
/// dynamic time warping; a word spans the frames its tokens align to. Then faster-whisper's
/// finishing rules: words split at spaces and punctuation, punctuation merged into its word
/// (keeping the word's times), and over-long words cut at sentence ends and after a pause.
public struct WordAlignment: Sendable {
    public struct Word: Sendable, Equatable {
        /// The word as decoded, its leading space included (" Mr.").
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
    /// Where the transcript's last words are heard, in seconds from the window's start (nil
    /// without text): the median, over the rows that predict the last three tokens, of the frame
    /// with audio that the alignment heads' mean attention weighs most. The words' DTW path must end on the last frame with
    /// audio, so when a decode stops at an early end of text their times stretch over audio that
    /// was never transcribed; this estimate does not. The row predicting EOT is left out: its
    /// attention is diffuse and often peaks on the first frames.
    public let textEnd: Double?
    /// Whether the window's audio after `textEnd` holds sound (`hasSound`): false after an end
    /// of text followed by silence, where nothing was left untranscribed.
    public let soundAfterText: Bool
    /// Whether the clean decode stopped at the token cap (`Engine.tokenLimit`), not at an end of
    /// text: a loop, most often.
    public let capped: Bool

    public static let framesPerSecond = 50.0

    /// Aligns the clean transcript of an engine with the model's alignment heads (or the given
    /// heads), under `run`'s patches (the clean run by default).
    public init(engine: Engine, run: Run? = nil, heads: [(layer: Int, head: Int)]? = nil) {
        let run = run ?? engine.clean!
        let chosen = heads ?? AttentionMaps.alignmentHeads(engine)
        let tokens = engine.alignmentTokens
        capped = engine.cleanTokens.count >= engine.tokenLimit
        guard !tokens.isEmpty, !chosen.isEmpty else { words = []; textEnd = nil; soundAfterText = false; return }
        let tokenizer = engine.model.tokenizer
        let eot = engine.model.specials.eot
        // CTranslate2 aligns to the window's log-mel frames halved, rounding down.
        let frames = max(1, min(engine.windowFrames / 2, engine.cleanKV[0].rows))
        // Rows of the whole sequence: prompt, T tokens, EOT. The path runs over the T + 1 rows
        // from the last prompt token's (predicting the first word) to the last token's.
        let maps = engine.alignmentAttention(run, heads: chosen)
        var mean = Matrix(zeros: maps[0].rows, frames)
        var attention = Matrix(zeros: maps[0].rows, maps[0].cols)
        for m in maps {
            attention = attention + m
            var w = Self.renormalised(m, frames: frames)
            Self.standardizeColumns(&w)
            mean = mean + Self.medianFilterRows(w, width: 7)
        }
        let end = Self.textEnd(attention, frames: frames, predicting: (engine.tokenRow0 + max(0, tokens.count - 3))..<(engine.tokenRow0 + tokens.count))
        textEnd = end
        soundAfterText = Self.hasSound(engine.window, frames: engine.windowFrames, after: end)
        let scale = 1 / Float(maps.count)
        for i in mean.data.indices { mean.data[i] *= scale }
        let path = Self.dtw(mean.rows(engine.tokenRow0..<(engine.tokenRow0 + tokens.count + 1)))
        // The time at which the path first reaches each row.
        var jumpTimes: [Double] = []
        var lastRow = -1
        for (row, col) in path where row != lastRow {
            jumpTimes.append(Double(col) / Self.framesPerSecond)
            lastRow = row
        }
        let split = Self.splitIntoWords(tokens + [eot], tokenizer: tokenizer, eot: eot, language: engine.language)
        var timed: [Timed] = []
        var boundary = 0
        for (text, group) in zip(split.words, split.tokens).dropLast() {
            let start = jumpTimes[min(boundary, jumpTimes.count - 1)]
            boundary += group.count
            timed.append(Timed(text: text, tokens: group, start: start, end: jumpTimes[min(boundary, jumpTimes.count - 1)]))
        }
        let window = (start: engine.windowStart, end: engine.windowStart + Double(engine.windowFrames) / 100)
        words = Self.finish(timed, window: window).map {
            Word(text: $0.text, tokens: $0.tokens, start: $0.start - window.start, end: $0.end - window.start)
        }
    }

    /// A decode that ended well before the window's audio did: at its first end of text, or at
    /// the token cap.
    public struct EarlyEnd: Sendable, Equatable {
        /// Clip seconds: where the text is heard to end, and where the window's audio ends.
        public let textEnd: Double, audioEnd: Double
        /// Whether the words' times run on past `textEnd`, over audio that was not transcribed.
        public let stretched: Bool
        /// Whether the decode stopped at the token cap rather than at an end of text.
        public let capped: Bool

        public init(textEnd: Double, audioEnd: Double, stretched: Bool, capped: Bool) {
            self.textEnd = textEnd; self.audioEnd = audioEnd; self.stretched = stretched; self.capped = capped
        }

        /// Where the text ends and the audio does, and the `--offset` that reaches the rest,
        /// to two decimals: "decoded up to 9.98 s of 35.00 s".
        public var textEndSeconds: String { String(format: "%.2f", textEnd) }
        public var extent: String { "decoded up to \(textEndSeconds) s of \(String(format: "%.2f", audioEnd)) s" }

        /// Why the decode stopped there, and what that means for the word times.
        public var cause: String {
            (capped ? "the decode stopped at the token cap (its text loops, most likely), not at an end of text"
                    : "a decode ends at its first end of text, as faster-whisper's without timestamps")
                + (stretched ? "; the word times stretch over the audio after it" : "")
        }

        /// One line for a command's stderr or an export's header.
        public var note: String { "\(extent): \(cause); for speech after it, give --offset \(textEndSeconds)" }
    }

    /// The early end of this window's text, if it ends more than 2 s before the window's audio
    /// (faster-whisper without timestamps leaves that audio untranscribed too).
    public func earlyEnd(windowStart: Double, audioEnd: Double) -> EarlyEnd? {
        guard let textEnd, soundAfterText, audioEnd - (windowStart + textEnd) > 2 else { return nil }
        let stretched = (words.last?.end ?? 0) - textEnd > 2
        return EarlyEnd(textEnd: windowStart + textEnd, audioEnd: audioEnd, stretched: stretched, capped: capped)
    }

    /// Whether the log-mel frames from half a second after `seconds` to the audio's end (the
    /// first `frames` of `features`, [mels, 100 a second]) hold sound: half a second of frames
    /// whose mean over the mel bands reaches halfway from the quietest frame to the speech before
    /// `seconds` (its 90th percentile). Trailing silence and a quiet room stay below that, and the
    /// end of a last word that `seconds` cut short is shorter.
    static func hasSound(_ features: Matrix, frames: Int, after seconds: Double) -> Bool {
        let n = min(frames, features.cols), split = min(n, Int(seconds * 100)), tail = min(n, split + 50)
        guard split > 0, tail < n else { return false }
        let level = (0..<n).map { t in (0..<features.rows).reduce(Float(0)) { $0 + features[$1, t] } / Float(features.rows) }
        let speech = level[0..<split].sorted()[(split - 1) * 9 / 10], floor = level.min()!
        guard speech > floor else { return false }
        let loud = floor + (speech - floor) / 2
        return level[tail...].filter { $0 >= loud }.count >= 50
    }

    /// The median of the rows' most attended frames among the first `frames`, in seconds
    /// (`textEnd`). The attention is not renormalised over those frames, as the words' is: a head
    /// that looks past the audio, as some do at the end of the text, would then weigh as much as
    /// one that looks at it, and its few in-audio weights often peak on the first frames.
    static func textEnd(_ attention: Matrix, frames: Int, predicting rows: Range<Int>) -> Double {
        let peaks = rows.map { r in (0..<frames).max { attention[r, $0] < attention[r, $1] }! }.sorted()
        return Double(peaks[(peaks.count - 1) / 2]) / framesPerSecond
    }

    /// A word while faster-whisper's rules adjust it: times in seconds.
    struct Timed {
        var text: String, tokens: [Int], start: Double, end: Double
    }

    /// faster-whisper's `add_word_timestamps` for a window decoded as one segment, its times
    /// `timed` from the start of the window: words at sentence ends cut to twice the median word
    /// length, punctuation merged, times made the clip's (rounded to 10 ms), and the first words
    /// after a pause (here: the window's start) and the last word kept within bounds.
    static func finish(_ timed: [Timed], window: (start: Double, end: Double)) -> [Timed] {
        var alignment = timed
        let durations = alignment.map { $0.end - $0.start }.filter { $0 != 0 }
        let median = min(0.7, Self.median(durations))
        let longest = median * 2
        if !durations.isEmpty {
            for i in alignment.indices.dropFirst() where alignment[i].end - alignment[i].start > longest {
                if contains(sentenceEnds, alignment[i].text) {
                    alignment[i].end = alignment[i].start + longest
                } else if contains(sentenceEnds, alignment[i - 1].text) {
                    alignment[i].start = alignment[i].end - longest
                }
            }
        }
        mergePunctuation(&alignment)
        var words = alignment.filter { !$0.text.isEmpty }.map {
            Timed(text: $0.text, tokens: $0.tokens, start: rounded(window.start + $0.start), end: rounded(window.start + $0.end))
        }
        guard !words.isEmpty else { return [] }
        let lastSpeech = window.start
        if words[0].end - lastSpeech > median * 4,
           words[0].end - words[0].start > longest || (words.count > 1 && words[1].end - words[0].start > longest * 2) {
            if words.count > 1 && words[1].end - words[1].start > longest {
                let boundary = max(words[1].end / 2, words[1].end - longest)
                words[0].end = boundary
                words[1].start = boundary
            }
            words[0].start = max(0, words[0].end - longest)
        }
        if window.start < words[0].end && window.start - 0.5 > words[0].start {
            words[0].start = max(0, min(words[0].end - median, window.start))
        }
        if window.end > words[words.count - 1].start && window.end + 0.5 < words[words.count - 1].end {
            words[words.count - 1].end = max(words[words.count - 1].start + median, window.end)
        }
        return words
    }

    static let sentenceEnds = ".。!！?？"
    static let prepended = "\"'“¿([{-"
    static let appended = "\"'.。,，!！?？:：”)]}、"
    /// Python's `string.punctuation`.
    static let asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

    /// Python's `needle in haystack` on strings: a substring test, true for the empty string.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        needle.isEmpty || haystack.contains(needle)
    }

    /// faster-whisper's `merge_punctuations`: an opening mark joins the word after it, a closing
    /// one the word before; the word keeps its own times and the mark's entry is emptied.
    static func mergePunctuation(_ alignment: inout [Timed]) {
        guard alignment.count > 1 else { return }
        var i = alignment.count - 2, j = alignment.count - 1
        while i >= 0 {
            let previous = alignment[i]
            if previous.text.hasPrefix(" ") && contains(prepended, previous.text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                alignment[j].text = previous.text + alignment[j].text
                alignment[j].tokens = previous.tokens + alignment[j].tokens
                alignment[i].text = ""
                alignment[i].tokens = []
            } else {
                j = i
            }
            i -= 1
        }
        i = 0; j = 1
        while j < alignment.count {
            if !alignment[i].text.hasSuffix(" ") && contains(appended, alignment[j].text) {
                alignment[i].text += alignment[j].text
                alignment[i].tokens += alignment[j].tokens
                alignment[j].text = ""
                alignment[j].tokens = []
            } else {
                i = j
            }
            j += 1
        }
    }

    /// numpy's median (the mean of the middle two of an even count), 0 for none.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let s = values.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// Python's `round(x, 2)`.
    static func rounded(_ x: Double) -> Double { (x * 100).rounded(.toNearestOrEven) / 100 }

    /// Splits tokens into words as faster-whisper does: first into pieces that decode to whole
    /// characters, then, except in languages written without spaces, pieces join the word before
    /// unless they start with a space, are punctuation or are special tokens.
    static func splitIntoWords(_ tokens: [Int], tokenizer: Tokenizer, eot: Int, language: String) -> (words: [String], tokens: [[Int]]) {
        let pieces = splitOnCharacters(tokens, tokenizer: tokenizer, eot: eot)
        if ["zh", "ja", "th", "lo", "my", "yue"].contains(language) { return pieces }
        var words: [String] = [], groups: [[Int]] = []
        for (piece, group) in zip(pieces.words, pieces.tokens) {
            let special = group[0] >= eot
            let punctuation = contains(asciiPunctuation, piece.trimmingCharacters(in: .whitespacesAndNewlines))
            if special || piece.hasPrefix(" ") || punctuation || words.isEmpty {
                words.append(piece)
                groups.append(group)
            } else {
                words[words.count - 1] += piece
                groups[groups.count - 1] += group
            }
        }
        return (words, groups)
    }

    /// faster-whisper's `split_tokens_on_unicode`: a piece ends where the tokens so far decode
    /// without a replacement character that the whole text does not also have.
    static func splitOnCharacters(_ tokens: [Int], tokenizer: Tokenizer, eot: Int) -> (words: [String], tokens: [[Int]]) {
        // Text tokens decode together (a character's bytes may span tokens); special ones by name.
        func decode(_ ids: [Int]) -> String {
            var out = "", run: [Int] = []
            for id in ids {
                if id >= eot { out += tokenizer.decode(run) + tokenizer.display(id); run = [] } else { run.append(id) }
            }
            return out + tokenizer.decode(run)
        }
        let replacement: Unicode.Scalar = "\u{FFFD}"
        let full = Array(decode(tokens).unicodeScalars)
        var words: [String] = [], groups: [[Int]] = [], current: [Int] = []
        var offset = 0
        for t in tokens {
            current.append(t)
            let decoded = decode(current)
            let scalars = Array(decoded.unicodeScalars)
            let bad = scalars.firstIndex(of: replacement).map { $0 + offset }
            if bad == nil || (bad! < full.count && full[bad!] == replacement) {
                words.append(decoded)
                groups.append(current)
                current = []
                offset += scalars.count
            }
        }
        return (words, groups)
    }

    /// Each row a softmax over the first `frames` columns only, as CTranslate2 takes it over the
    /// frames that hold audio: the probabilities renormalised over those frames.
    static func renormalised(_ m: Matrix, frames: Int) -> Matrix {
        var out = Matrix(zeros: m.rows, frames)
        for r in 0..<m.rows {
            var sum: Float = 0
            for c in 0..<frames { sum += m[r, c] }
            let inv = sum > 0 ? 1 / sum : 0
            for c in 0..<frames { out[r, c] = m[r, c] * inv }
        }
        return out
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

    /// Dynamic time warping that maximises the summed weights (CTranslate2's `negative_dtw`):
    /// the monotonic path from the first cell to the last as (row, column) pairs. A diagonal or
    /// vertical step is taken only when strictly cheaper than the others; ties step along time.
    static func dtw(_ m: Matrix) -> [(Int, Int)] {
        let n = m.rows, t = m.cols
        var cost = [Float](repeating: .infinity, count: (n + 1) * (t + 1))
        var trace = [UInt8](repeating: 2, count: (n + 1) * (t + 1))
        cost[0] = 0
        for j in 1...t {
            for i in 1...n {
                let c0 = cost[(i - 1) * (t + 1) + j - 1], c1 = cost[(i - 1) * (t + 1) + j], c2 = cost[i * (t + 1) + j - 1]
                let (best, move): (Float, UInt8) = c0 < c1 && c0 < c2 ? (c0, 0) : (c1 < c0 && c1 < c2 ? (c1, 1) : (c2, 2))
                cost[i * (t + 1) + j] = best - m[i - 1, j - 1]
                trace[i * (t + 1) + j] = move
            }
        }
        for i in 0...n { trace[i * (t + 1)] = 1 }
        for j in 0...t { trace[j] = 2 }
        var i = n, j = t
        var path: [(Int, Int)] = []
        while i > 0 || j > 0 {
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
