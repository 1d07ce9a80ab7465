import Foundation

/// Whisper decoding metadata from `config.json` (spec §6.3).
public struct WhisperConfig: Sendable, Decodable {
    public var suppressIDs: [Int]
    public var suppressIDsBegin: [Int]
    public var langIDs: [Int]
    /// (layer, head) pairs whose cross-attention follows the alignment.
    public var alignmentHeads: [[Int]]

    enum CodingKeys: String, CodingKey {
        case suppressIDs = "suppress_ids", suppressIDsBegin = "suppress_ids_begin"
        case langIDs = "lang_ids", alignmentHeads = "alignment_heads"
    }

    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        suppressIDs = try c.decodeIfPresent([Int].self, forKey: .suppressIDs) ?? []
        suppressIDsBegin = try c.decodeIfPresent([Int].self, forKey: .suppressIDsBegin) ?? []
        langIDs = try c.decodeIfPresent([Int].self, forKey: .langIDs) ?? []
        alignmentHeads = try c.decodeIfPresent([[Int]].self, forKey: .alignmentHeads) ?? []
    }

    public static func load(_ url: URL) throws -> WhisperConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(url.path, FileProblem.describe(error, reading: "config.json"))
        }
        do { return try JSONDecoder().decode(WhisperConfig.self, from: data) } catch {
            throw InputError(url.path, "not a valid Whisper config.json")
        }
    }
}
