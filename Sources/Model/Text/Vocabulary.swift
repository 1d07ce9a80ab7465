import Foundation

/// Token strings by id, read from `vocabulary.json` or `vocabulary.txt` (spec §6.2).
public struct Vocabulary: Sendable {
    public let tokens: [String]
    public let ids: [String: Int]

    public init(tokens: [String]) {
        self.tokens = tokens
        var ids: [String: Int] = [:]
        for (i, t) in tokens.enumerated() where ids[t] == nil { ids[t] = i }
        self.ids = ids
    }

    public var count: Int { tokens.count }

    /// Loads from a model directory, preferring `vocabulary.json` as CTranslate2 does.
    public init(directory: URL) throws {
        let json = directory.appendingPathComponent("vocabulary.json")
        let txt = directory.appendingPathComponent("vocabulary.txt")
        if FileManager.default.fileExists(atPath: json.path) {
            let data = try Self.read(json)
            guard let list = try? JSONDecoder().decode([String].self, from: data) else {
                throw InputError(json.path, "not a JSON array of token strings")
            }
            self.init(tokens: list)
        } else if FileManager.default.fileExists(atPath: txt.path) {
            let data = try Self.read(txt)
            // Split on "\n" only and keep empty lines: base's id 50256 is the empty token.
            var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            if !lines.isEmpty && lines.allSatisfy({ $0.hasSuffix("\r") }) {
                lines = lines.map { String($0.dropLast()) }
            }
            self.init(tokens: lines)
        } else {
            throw InputError(directory.path, "missing vocabulary.json or vocabulary.txt")
        }
    }

    private static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw InputError(url.path, FileProblem.describe(error, reading: "vocabulary"))
        }
    }
}
