import Foundation

/// Which rows of a site a patch replaces: encoder frames, or decoder token indices
/// (token t is the row that predicts transcript token t).
public enum Positions: Hashable, Sendable, CustomStringConvertible {
    case all
    case range(Range<Int>)

    public var description: String {
        switch self {
        case .all: return "all"
        case .range(let r): return "\(r.lowerBound):\(r.upperBound)"
        }
    }

    /// The rows within `0..<count`.
    public func rows(count: Int) -> Range<Int> {
        switch self {
        case .all: return 0..<count
        case .range(let r): return r.clamped(to: 0..<count)
        }
    }

    /// `all`, `A:B` (half-open) or a single index `A`.
    public static func parse(_ text: String, limit: Int, what: String) throws -> Positions {
        if text == "all" { return .all }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let a = Int(parts[0]), parts.count == 1 || Int(parts[1]) != nil else {
            throw InputError(text, "malformed positions (allowed: all, A:B or A)")
        }
        if parts.count == 1 {   // one index; checked before `a + 1`, which could overflow
            guard a >= 0, a < limit else { throw InputError(text, "positions out of range (\(what) are 0:\(limit))") }
            return .range(a..<(a + 1))
        }
        let b = Int(parts[1])!
        guard b > a else {
            throw InputError(text, b == a ? "empty range (A:B covers A up to, not including, B)" : "reversed range (A:B needs A < B)")
        }
        guard a >= 0, b <= limit else {
            throw InputError(text, "positions out of range (\(what) are 0:\(limit))")
        }
        return .range(a..<b)
    }
}

/// Where replacement values come from (DESIGN.md "Sites and patches").
public enum PatchSource: Hashable, Sendable, CustomStringConvertible {
    case zero
    case mean
    case noise(scale: Float, seed: UInt64)
    case silence
    case clip(String)
    case scale(Float)
    /// Samples in memory (a synthesized reference); no string form, so not on the command line.
    case samples(NamedSamples)
    /// Tensor `name` of a `.safetensors` or `.npz` file (`asrlens activations` writes them): the
    /// site's rows, or one row for every position (`FileSource`).
    case file(path: String, name: String)

    /// 16 kHz samples and a name to show for them. Hashed by name and length, so that a patch
    /// set holding them hashes fast; equal only when the samples are equal.
    public struct NamedSamples: Hashable, Sendable {
        public let name: String
        public let samples: [Float]
        public init(_ name: String, _ samples: [Float]) { self.name = name; self.samples = samples }
        public func hash(into h: inout Hasher) { h.combine(name); h.combine(samples.count) }
    }

    public var description: String {
        switch self {
        case .zero: return "zero"
        case .mean: return "mean"
        case .noise(let s, let seed): return "noise:\(Self.number(s)):\(seed)"
        case .silence: return "silence"
        case .clip(let p): return "clip:\(Self.quoted(p))"
        case .scale(let k): return "scale:\(Self.number(k))"
        case .samples(let s): return "samples:\(s.name)"
        case .file(let path, let name): return "file:\(Self.quoted(path)):\(name)"
        }
    }

    /// A path as a script line can hold it: in double quotes (single, when it holds a double
    /// quote) when it holds ` #` (a script's comment), starts with a quote, or starts or ends
    /// with a space; else as it is. `parse` takes the quotes off again.
    static func quoted(_ path: String) -> String {
        let needs = path.contains(" #") || path.hasPrefix("\"") || path.hasPrefix("'") || path.first?.isWhitespace == true || path.last?.isWhitespace == true
        guard needs else { return path }
        return path.contains("\"") ? "'\(path)'" : "\"\(path)\""
    }

    /// `"PATH"` or `'PATH'` without its quotes, and what follows the closing quote; nil when
    /// `text` does not start with a quote. An unclosed quote is refused.
    static func unquoted(_ text: Substring, whole: String) throws -> (path: String, rest: Substring)? {
        guard let q = text.first, q == "\"" || q == "'" else { return nil }
        guard let close = text.dropFirst().firstIndex(of: q) else { throw InputError(whole, "an unclosed quote") }
        return (String(text[text.index(after: text.startIndex)..<close]), text[text.index(after: close)...])
    }

    /// A number as the user would type it: `1`, not `1.0` (and the shortest exact form otherwise).
    static func number(_ x: Float) -> String {
        let s = "\(x)"
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }

    /// Largest `scale:` factor and `noise:` scale: far past anything that keeps Whisper's
    /// activations meaningful, and small enough that one patch cannot overflow float32.
    public static let maxFactor: Float = 1000

    public static func parse(_ text: String) throws -> PatchSource {
        let allowed = "zero, mean, noise:SCALE:SEED, silence, clip:PATH, scale:K, file:PATH:NAME"
        switch text {
        case "zero": return .zero
        case "mean": return .mean
        case "silence": return .silence
        default: break
        }
        if text.hasPrefix("clip:") {
            var path = String(text.dropFirst(5))
            // clip:"take #2.wav", as a script needs it: the quotes are no part of the name.
            if let (inside, after) = try unquoted(text.dropFirst(5), whole: text) {
                guard after.isEmpty else { throw InputError(text, "unexpected text after the quoted path") }
                path = inside
            }
            guard !path.isEmpty else { throw InputError(text, "clip source needs a path (clip:PATH)") }
            return .clip(path)
        }
        if text.hasPrefix("file:") {
            if let (path, after) = try unquoted(text.dropFirst(5), whole: text) {
                guard after.hasPrefix(":"), after.count > 1, !path.isEmpty else {
                    throw InputError(text, "a file source needs a path and a tensor name (file:PATH:NAME)")
                }
                return .file(path: path, name: String(after.dropFirst()))
            }
            // The name follows the last colon, so a path may hold colons.
            let rest = text.dropFirst(5)
            guard let colon = rest.lastIndex(of: ":"), colon != rest.startIndex, rest.index(after: colon) != rest.endIndex else {
                throw InputError(text, "a file source needs a path and a tensor name (file:PATH:NAME)")
            }
            return .file(path: String(rest[..<colon]), name: String(rest[rest.index(after: colon)...]))
        }
        if text.hasPrefix("scale:") {
            guard let k = Float(text.dropFirst(6)), k.isFinite else { throw InputError(text, "scale needs a number (scale:K)") }
            guard abs(k) <= maxFactor else { throw InputError(text, "the factor must be between -\(Int(maxFactor)) and \(Int(maxFactor))") }
            return .scale(k)
        }
        if text.hasPrefix("noise:") {
            let p = text.split(separator: ":", omittingEmptySubsequences: false)
            guard p.count == 3, !p[1].isEmpty, !p[2].isEmpty else { throw InputError(text, "noise needs a scale and a seed (noise:SCALE:SEED)") }
            guard let s = Float(p[1]), s.isFinite, s >= 0, s <= maxFactor else {
                throw InputError(text, "the noise scale must be a number from 0 to \(Int(maxFactor))")
            }
            guard let seed = UInt64(p[2]) else { throw InputError(text, "the seed must be a whole number from 0 to \(UInt64.max)") }
            return .noise(scale: s, seed: seed)
        }
        throw InputError(text, "unknown patch source\(Suggestion.didYouMean(text, among: ["zero", "mean", "silence"])) (allowed: \(allowed))")
    }
}

/// One patch: replace `site` at `positions` with values from `source`.
public struct Patch: Hashable, Sendable, CustomStringConvertible {
    public let site: Site
    public let positions: Positions
    public let source: PatchSource

    public init(site: Site, positions: Positions, source: PatchSource) {
        self.site = site
        self.positions = positions
        self.source = source
    }

    public var description: String { "\(site)@\(positions)=\(source)" }

    /// Parses `SITE@POSITIONS=SOURCE`, e.g. `enc.2.resid_post@100:150=zero`.
    /// `frames` and `tokens` bound the positions of encoder and decoder sites.
    public static func parse(_ text: String, hyper: Hyperparameters, frames: Int, tokens: Int) throws -> Patch {
        guard let at = text.firstIndex(of: "@"), let eq = text[at...].firstIndex(of: "=") else {
            throw InputError(text, "malformed patch (expected SITE@POSITIONS=SOURCE, e.g. enc.3.resid_post@100:150=zero)")
        }
        let site = try Site.parse(String(text[..<at]), hyper: hyper)
        let isEncoder = site.stack == .encoder
        let positions = try Positions.parse(String(text[text.index(after: at)..<eq]),
                                            limit: isEncoder ? frames : tokens,
                                            what: isEncoder ? "the 30 s window's encoder frames" : "the transcript's tokens")
        let source = try PatchSource.parse(String(text[text.index(after: eq)...]))
        return Patch(site: site, positions: positions, source: source)
    }
}

/// An ordered list of patches, and optionally localised encoder attention; equal sets hash equally.
public struct PatchSet: Hashable, Sendable, CustomStringConvertible {
    public var patches: [Patch]
    /// When set, every encoder layer's self-attention sees only the frames within ±this many
    /// frames of each frame (20 ms each); nil for the model's full attention.
    public var attentionWindow: Int?

    public init(_ patches: [Patch] = [], attentionWindow: Int? = nil) { self.patches = patches; self.attentionWindow = attentionWindow }

    /// No patch and full attention: the clean run.
    public var isEmpty: Bool { patches.isEmpty && attentionWindow == nil }
    public var description: String {
        let window = attentionWindow.map { ["attention-window=\($0)"] } ?? []
        return isEmpty ? "clean" : (window + patches.map(\.description)).joined(separator: " ")
    }

    /// Whether the set changes the encoder (else the clean encoder output is reused whole).
    public var touchesEncoder: Bool { attentionWindow != nil || patches.contains { $0.site.stack == .encoder } }

    /// The largest window, in frames either side, that `attentionWindow` may be: a 30 s window's 1,500 frames.
    public static let attentionWindowRange = 0...1500
}
