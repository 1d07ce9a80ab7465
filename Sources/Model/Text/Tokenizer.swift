import Foundation

/// Whisper's byte-level BPE tokenizer: decoding from the vocabulary, encoding with
/// `tokenizer.json`'s merges and the GPT-2 pre-tokenizer (spec §7.5).
public final class Tokenizer: @unchecked Sendable {
    public let vocabulary: Vocabulary
    public let specials: SpecialTokens
    private let ranks: [String: Int]        // "A B" → merge rank
    private let encoder: [String: Int]      // token string → id (ordinary tokens)
    private var cache: [String: [Int]] = [:]
    private let lock = NSLock()

    /// GPT-2's pre-tokenizer: contractions, letters, digits, other symbols, whitespace.
    private static let pattern = try! NSRegularExpression(
        pattern: #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)

    /// Decoding only needs the vocabulary; encoding needs merges too.
    public init(vocabulary: Vocabulary, specials: SpecialTokens, merges: [String]) {
        self.vocabulary = vocabulary
        self.specials = specials
        var ranks: [String: Int] = [:]
        for (i, m) in merges.enumerated() where ranks[m] == nil { ranks[m] = i }
        self.ranks = ranks
        var enc: [String: Int] = [:]
        for (i, t) in vocabulary.tokens.enumerated() where i < specials.eot && enc[t] == nil { enc[t] = i }
        self.encoder = enc
    }

    /// Whether `encode` is available (merges were loaded).
    public var canEncode: Bool { !ranks.isEmpty }

    /// Reads the merges of a `tokenizer.json` ("A B" strings or [A, B] pairs).
    public static func merges(fromTokenizerJSON url: URL) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(url.path, FileProblem.describe(error, reading: "tokenizer.json"))
        }
        let file: TokenizerFile
        do { file = try JSONDecoder().decode(TokenizerFile.self, from: data) } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            throw InputError(url.path, "unreadable merge entry at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw InputError(url.path, "not a tokenizer.json with model.merges")
        }
        return file.model.merges.map(\.text)
    }

    /// The part of `tokenizer.json` that holds the merges.
    private struct TokenizerFile: Decodable {
        struct Model: Decodable { let merges: [Merge] }
        let model: Model
    }

    /// A merge, written as "A B" or as the pair ["A", "B"].
    private struct Merge: Decodable {
        let text: String
        init(from decoder: Swift.Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { text = s; return }
            let pair = try c.decode([String].self)
            guard pair.count == 2 else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "a merge pair has \(pair.count) parts") }
            text = pair[0] + " " + pair[1]
        }
    }

    // MARK: - Decoding

    /// Text of the ids below EOT (specials and timestamps dropped), UTF-8 decoded lossily.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids where id >= 0 && id < specials.eot && id < vocabulary.count {
            bytes.append(contentsOf: ByteLevel.decode(vocabulary.tokens[id]))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A display form of one token: text tokens as their text, specials as written. A token that
    /// holds part of a character (byte-level BPE splits Chinese and Japanese characters) shows
    /// its stray bytes in hex, `<E5 85>`, so that such tokens are told apart: each was `�`.
    public func display(_ id: Int) -> String {
        guard id >= 0 && id < vocabulary.count else { return "<\(id)>" }
        if id < specials.eot { return Self.displayBytes(ByteLevel.decode(vocabulary.tokens[id])) }
        return vocabulary.tokens[id]
    }

    /// Text of `ids` as `decode` gives it, with the special tokens among them written where they
    /// stand (`<|th|> Nifri`): for views of what a layer decoded, where a transcript of a lone
    /// language token read as nothing at all.
    public func displayText(_ ids: [Int]) -> String {
        var out = "", run: [Int] = []
        for id in ids {
            if id >= specials.eot && id < vocabulary.count {
                out += decode(run) + vocabulary.tokens[id]
                run = []
            } else {
                run.append(id)
            }
        }
        return out + decode(run)
    }

    /// UTF-8 bytes as text, each run of bytes that are no whole character written `<E5 85>`.
    static func displayBytes(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var out = "", stray: [UInt8] = [], i = 0
        func flush() {
            if !stray.isEmpty { out += "<" + stray.map { String(format: "%02X", $0) }.joined(separator: " ") + ">"; stray = [] }
        }
        while i < bytes.count {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0
            if length > 0, i + length <= bytes.count, let ch = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                flush()
                out += ch
                i += length
            } else {
                stray.append(lead)
                i += 1
            }
        }
        flush()
        return out
    }

    // MARK: - Encoding

    /// Token ids of ordinary text, without special tokens.
    public func encode(_ text: String) -> [Int] {
        let ns = text as NSString
        var ids: [Int] = []
        for match in Self.pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let piece = ns.substring(with: match.range)
            ids.append(contentsOf: encodePiece(ByteLevel.encode(Array(piece.utf8))))
        }
        return ids
    }

    private func encodePiece(_ piece: String) -> [Int] {
        lock.lock()
        if let hit = cache[piece] { lock.unlock(); return hit }
        lock.unlock()
        var parts = piece.unicodeScalars.map { String($0) }
        while parts.count > 1 {
            var best = Int.max, at = -1
            for i in 0..<(parts.count - 1) {
                if let r = ranks[parts[i] + " " + parts[i + 1]], r < best { best = r; at = i }
            }
            if at < 0 { break }
            let merged = parts[at] + parts[at + 1]
            var next: [String] = []
            next.reserveCapacity(parts.count)
            var i = 0
            while i < parts.count {
                if i < parts.count - 1 && parts[i] == parts[at] && parts[i + 1] == parts[at + 1] {
                    next.append(merged); i += 2
                } else {
                    next.append(parts[i]); i += 1
                }
            }
            parts = next
        }
        // Every single byte symbol is in the vocabulary, so lookups only fail on a broken file.
        let ids = parts.compactMap { encoder[$0] }
        lock.lock(); cache[piece] = ids; lock.unlock()
        return ids
    }
}
