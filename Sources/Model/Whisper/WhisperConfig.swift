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

    init(suppressIDs: [Int], suppressIDsBegin: [Int], langIDs: [Int], alignmentHeads: [[Int]]) {
        self.suppressIDs = suppressIDs; self.suppressIDsBegin = suppressIDsBegin; self.langIDs = langIDs; self.alignmentHeads = alignmentHeads
    }

    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Every CTranslate2 conversion writes both lists; without them decoding would differ
        // from faster-whisper's without a word.
        suppressIDs = try c.decode([Int].self, forKey: .suppressIDs)
        suppressIDsBegin = try c.decode([Int].self, forKey: .suppressIDsBegin)
        langIDs = try c.decodeIfPresent([Int].self, forKey: .langIDs) ?? []
        alignmentHeads = try c.decodeIfPresent([[Int]].self, forKey: .alignmentHeads) ?? []
    }

    public static func load(_ url: URL) throws -> WhisperConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InputError(url.path, FileProblem.describe(error, reading: "config.json"))
        }
        do { return try JSONDecoder().decode(WhisperConfig.self, from: data) } catch DecodingError.keyNotFound(let key, _) {
            throw InputError(url.path, "has no \(key.stringValue) (a CTranslate2 Whisper config.json lists suppress_ids and suppress_ids_begin)")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let key = context.codingPath.first?.stringValue ?? "a value"
            throw InputError(url.path, "\(key) has the wrong type (\(context.debugDescription.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))))")
        } catch {
            throw InputError(url.path, "not a valid Whisper config.json")
        }
    }

    /// Checks the ids and heads against the model they configure: a token id outside the
    /// vocabulary or a head the decoder does not have would otherwise be ignored or trap.
    func validate(vocabularySize: Int, decoderLayers: Int, heads: Int, source: String) throws {
        for (name, ids) in [("suppress_ids", suppressIDs), ("suppress_ids_begin", suppressIDsBegin), ("lang_ids", langIDs)] {
            // -1 in suppress_ids means "the non-speech symbols", as in openai-whisper.
            if let bad = ids.first(where: { !(0..<vocabularySize).contains($0) && !(name == "suppress_ids" && $0 == -1) }) {
                throw InputError(source, "\(name) holds \(bad), outside the vocabulary (0 to \(vocabularySize - 1))")
            }
        }
        for pair in alignmentHeads {
            guard pair.count == 2, (0..<decoderLayers).contains(pair[0]), (0..<heads).contains(pair[1]) else {
                throw InputError(source, "alignment_heads holds \(pair), but the decoder has layers 0 to \(decoderLayers - 1) and heads 0 to \(heads - 1)")
            }
        }
    }
}
