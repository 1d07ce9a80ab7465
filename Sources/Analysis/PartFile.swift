import Foundation
import Model

/// `--shard i/n`: this worker's share of the rows (i, i+n, i+2n, …).
public struct Shard: Sendable {
    public let index: Int, count: Int

    public init(_ text: String) throws {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 0, i < n else {
            throw InputError("--shard \(text)", "a shard is i/n with 0 <= i < n, e.g. 0/4")
        }
        index = i
        count = n
    }

    public func owns(_ row: Int) -> Bool { row % count == index }
}

/// A JSONL part written by a sharded run and read by `asrlens merge`: a header line
/// (`asrlens_part`, shard, of, `asrlens_commit`, the run's settings), one line per record, and a
/// last line with the part's timing, which also marks the part as complete.
public enum PartFile {
    /// The part's text from Codable values: a header line (the header's keys with
    /// `asrlens_part`, `shard`, `of` and `asrlens_commit`), one line per record, and the end line.
    /// Shards may be run over several sessions, so the commit is the part's own, not a setting.
    /// `modelSHA256` (`WhisperModel.weightsSHA256`) is a setting: parts of one name's different
    /// weights do not merge.
    public static func text(kind: String, shard: Shard, header: some Encodable, records: [some Encodable], seconds: Double,
                            modelSHA256: String, commit: String = SourceRevision.current) throws -> String {
        var lines = [try JSONText.encode(Head(kind: kind, shard: shard, commit: commit, modelSHA256: modelSHA256, header: header))]
        for r in records { lines.append(try JSONText.encode(r)) }
        lines.append(try JSONText.encode(End(end: true, seconds: seconds, contentSHA256: checksum(lines[...]))))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The last line: the part is complete, how long it took, and the SHA-256 of the lines
    /// before it, so that a part edited by hand does not merge into a changed result.
    private struct End: Encodable {
        let end: Bool, seconds: Double, contentSHA256: String
        enum CodingKeys: String, CodingKey { case end, seconds, contentSHA256 = "content_sha256" }
    }

    /// SHA-256 of the header and record lines, each ended by a newline.
    static func checksum<S: StringProtocol>(_ lines: ArraySlice<S>) -> String {
        Array(lines.map { $0 + "\n" }.joined().utf8).withUnsafeBytes { SHA256.hex(of: $0) }
    }

    /// A header line: the run's settings with the part's own fields among them.
    private struct Head<H: Encodable>: Encodable {
        let kind: String, shard: Shard, commit: String, modelSHA256: String, header: H
        enum Keys: String, CodingKey { case kind = "asrlens_part", shard, of, commit = "asrlens_commit", modelSHA256 = "model_sha256" }
        func encode(to encoder: Swift.Encoder) throws {
            try header.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(modelSHA256, forKey: .modelSHA256)
            try c.encode(kind, forKey: .kind)
            try c.encode(shard.index, forKey: .shard)
            try c.encode(shard.count, forKey: .of)
            try c.encode(commit, forKey: .commit)
        }
    }

    public struct Part {
        public let kind: String, shard: Int, of: Int
        /// The asrlens commit that wrote the part; nil for parts from before parts recorded it.
        public let commit: String?
        /// The run's settings: the first line without the part's own fields.
        public let header: [String: JSONValue]
        public let seconds: Double
        /// The part file's path, and its header and record lines as written.
        public let path: String
        let headerLine: Substring
        let recordLines: [Substring]

        /// The header as a Codable value; a part that lacks a setting names itself.
        public func header<H: Decodable>(as type: H.Type) throws -> H {
            do { return try JSONDecoder().decode(H.self, from: Data(headerLine.utf8)) } catch {
                throw InputError(path, "the \(kind) part's header is incomplete")
            }
        }

        /// The records as Codable values; an incomplete one is named by its number.
        public func records<R: Decodable>(as type: R.Type) throws -> [R] {
            try recordLines.enumerated().map { n, line in
                do { return try JSONDecoder().decode(R.self, from: Data(line.utf8)) } catch {
                    throw InputError(path, "record \(n + 1): a \(kind) record is incomplete")
                }
            }
        }
    }

    public static func read(_ path: String) throws -> Part {
        try FileProblem.checkReadable(path, as: .fileOrPipe("a part file"))
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw InputError(path, "cannot be read as UTF-8 text")
        }
        return try parse(text, source: path)
    }

    /// A part from its text; `path` names it in errors.
    public static func parse(_ text: String, source path: String) throws -> Part {
        // Lines may end in CRLF (a part edited on Windows); "\r\n" is one Character, so split on newlines, not "\n".
        let lines = text.split(whereSeparator: \.isNewline)
        guard !lines.isEmpty else { throw InputError(path, "is empty; a part holds a header line, its records and an end line") }
        let objects = try lines.enumerated().map { n, line -> [String: JSONValue] in
            guard let o = try? JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8)) else {
                // A last line without its newline is where a copy or a run stopped.
                if n == lines.count - 1, !text.hasSuffix("\n") {
                    throw InputError(path, "is incomplete: its last line (\(n + 1)) is cut short; was it copied or written only in part?")
                }
                throw InputError("\(path):\(n + 1)", "is not a JSON object")
            }
            return o
        }
        func int(_ v: JSONValue?) -> Int? { if case .number(let n)? = v, n == n.rounded(), abs(n) < 1e9 { return Int(n) }; return nil }
        guard let head = objects.first, case .string(let kind)? = head["asrlens_part"], let shard = int(head["shard"]), let of = int(head["of"]) else {
            throw InputError(path, "is not an asrlens part (its first line has no asrlens_part, shard and of)")
        }
        guard (1...10_000).contains(of), (0..<of).contains(shard) else {
            throw InputError(path, "its header says shard \(shard) of \(of); a part is shard i of n with 0 <= i < n <= 10000")
        }
        guard objects.count >= 2, objects.last?["end"] == .bool(true) else {
            throw InputError(path, "is incomplete (no end line); was its run interrupted?")
        }
        // Parts written before the end line held a checksum have none to compare.
        if case .string(let sum)? = objects.last?["content_sha256"], sum != checksum(lines.dropLast()) {
            throw InputError(path, "its lines do not match the checksum on its end line (content_sha256); was the part edited? Run its shard again")
        }
        var header = head
        var commit: String?
        if case .string(let c)? = head["asrlens_commit"] { commit = c }
        for key in ["asrlens_part", "shard", "of", "asrlens_commit"] { header[key] = nil }
        var seconds = 0.0
        if case .number(let s)? = objects.last?["seconds"] { seconds = s }
        return Part(kind: kind, shard: shard, of: of, commit: commit, header: header, seconds: seconds, path: path, headerLine: lines[0],
                    recordLines: Array(lines.dropFirst().dropLast()))
    }

    /// Paths that a content hash beside them stands for: the same clip or data set mounted at
    /// another path on another node is the same input.
    static let hashedPaths = ["clip": "window_sha256", "data": "data_sha256"]

    /// A header as runs are compared: a path whose content hash is recorded counts by the hash.
    static func comparable(_ header: [String: JSONValue]) -> [String: JSONValue] {
        var h = header
        for (path, hash) in hashedPaths where h[hash] != nil && h[hash] != .null { h[path] = nil }
        return h
    }

    /// What tells two parts' runs apart, named for the message: the kind, the shard count, or
    /// the first setting (by name) that differs.
    static func difference(_ a: Part, _ b: Part) -> String {
        if a.kind != b.kind { return "a \(a.kind) part, not a \(b.kind) one" }
        if a.of != b.of { return "\(a.of) shards, not \(b.of)" }
        // A setting the user chose is named before the counts that follow from it (a sweep's
        // source changes its reference_layers too).
        let derived: Set = ["clean_layers", "reference_layers", "planned_cells", "rows"]
        let (ha, hb) = (comparable(a.header), comparable(b.header))
        let keys = Set(ha.keys).union(hb.keys).sorted { (derived.contains($0) ? 1 : 0, $0) < (derived.contains($1) ? 1 : 0, $1) }
        let key = keys.first { ha[$0] != hb[$0] }
        if key == "model_sha256" {
            if ha["model_sha256"] == nil || hb["model_sha256"] == nil { return "one of the two parts predates the weights' hash (model_sha256); run that shard again" }
            return "its model's weights differ (model_sha256), though the name may be the same"
        }
        return key.map { "its setting '\($0)' differs" } ?? "its settings differ"
    }

    /// Checks that the parts' records, `rows[k]` in `parts[k]`, are the rows `expected` of a
    /// whole run, each once and in the part of the shard that owns it. A part edited or made
    /// by another run would otherwise merge into a result with rows lost or counted twice.
    static func checkRows(_ parts: [Part], rows: [[Int]], expected: [Int], noun: String = "row") throws {
        // A shard owns the rows at positions shard, shard + n, … of the run's list.
        let position = Dictionary(uniqueKeysWithValues: expected.enumerated().map { ($0.element, $0.offset) })
        var seen: [Int: String] = [:]
        for (part, rows) in zip(parts, rows) {
            for r in rows {
                guard let at = position[r] else {
                    throw InputError(part.path, "\(noun) \(r) is not one of the \(expected.count) \(noun)s the run examines; was the part edited, or made by another run?")
                }
                guard at % part.of == part.shard else {
                    throw InputError(part.path, "\(noun) \(r) belongs to shard \(at % part.of) of \(part.of), not to this part's shard \(part.shard)")
                }
                if let other = seen[r] { throw InputError(part.path, "\(noun) \(r) is given twice (also in \(other))") }
                seen[r] = part.path
            }
        }
        if let missing = expected.first(where: { seen[$0] == nil }), let owner = parts.first(where: { position[missing]! % $0.of == $0.shard }) {
            let count = expected.filter { seen[$0] == nil }.count
            throw InputError(owner.path, "lacks \(noun) \(missing)" + (count > 1 ? " and \(count - 1) more \(noun)s of the run" : "") + "; was the part edited, or its run cut short?")
        }
    }

    /// Reads parts and checks that they are one run's complete set: the same kind and
    /// settings, and every shard 0..<n exactly once.
    /// `kind`, when given, is the only kind of part accepted: a sweep part handed to the report
    /// as a repetition part was answered "shards 1, 2 are missing".
    public static func readSet(_ paths: [String], kind: String? = nil) throws -> [Part] {
        let parts = try paths.map(read)
        if let kind, let other = zip(parts, paths).first(where: { $0.0.kind != kind }) {
            throw InputError(other.1, "is a \(other.0.kind) part, not a \(kind) part")
        }
        let first = parts[0]
        for (p, path) in zip(parts, paths) {
            guard p.kind == first.kind, p.of == first.of, comparable(p.header) == comparable(first.header) else {
                throw InputError(path, "belongs to a different run than \(paths[0]) (\(difference(p, first)))")
            }
        }
        let shards = parts.map(\.shard).sorted()
        guard shards == Array(0..<first.of) else {
            let missing = Set(0..<first.of).subtracting(shards).sorted(), twice = shards.filter { s in shards.filter { $0 == s }.count > 1 }
            throw InputError(paths[0], "the parts do not make a whole run of \(first.of) shards"
                             + (missing.isEmpty ? "" : "; " + Self.shards(missing) + " missing")
                             + (twice.isEmpty ? "" : "; " + Self.shards(Set(twice).sorted()) + " given twice"))
        }
        return parts
    }

    /// "shard 1 is" or "shards 1, 3 are".
    static func shards(_ list: [Int]) -> String {
        list.count == 1 ? "shard \(list[0]) is" : "shards \(list.map(String.init).joined(separator: ", ")) are"
    }
}
