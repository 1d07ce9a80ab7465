/// Ids of Whisper's special tokens, derived from the vocabulary (spec §6.1, §11.2).
public struct SpecialTokens: Equatable, Sendable {
    public let eot: Int
    public let sot: Int
    public let translate: Int
    public let transcribe: Int
    public let startOfLM: Int
    public let startOfPrevious: Int
    public let noSpeech: Int
    public let noTimestamps: Int
    public let timestampBegin: Int
    public let timestampEnd: Int
    /// Language codes in token order ("en", "zh", …) and their ids.
    public let languages: [(code: String, id: Int)]
    /// Multilingual vocabularies contain the empty token (spec §6.1); a transformers tokenizer
    /// may lack it, so 51,865 tokens or more (openai-whisper's rule; large-v3 has 51,866) count too.
    public let isMultilingual: Bool

    public static func == (a: SpecialTokens, b: SpecialTokens) -> Bool {
        a.eot == b.eot && a.sot == b.sot && a.noTimestamps == b.noTimestamps && a.timestampEnd == b.timestampEnd
    }

    public init(vocabulary v: Vocabulary, source: String) throws {
        func id(_ token: String) throws -> Int {
            guard let i = v.ids[token] else { throw InputError(source, "vocabulary lacks the special token \(token)") }
            return i
        }
        eot = try id("<|endoftext|>")
        sot = try id("<|startoftranscript|>")
        translate = try id("<|translate|>")
        transcribe = try id("<|transcribe|>")
        startOfLM = try id("<|startoflm|>")
        startOfPrevious = try id("<|startofprev|>")
        noSpeech = try v.ids["<|nospeech|>"] ?? id("<|nocaptions|>")
        noTimestamps = try id("<|notimestamps|>")
        timestampBegin = noTimestamps + 1
        timestampEnd = v.count - 1
        guard timestampBegin <= timestampEnd else { throw InputError(source, "vocabulary has no timestamp tokens") }
        var langs: [(String, Int)] = []
        if sot + 1 < translate {
            for i in (sot + 1)..<translate {
                let t = v.tokens[i]
                guard t.hasPrefix("<|"), t.hasSuffix("|>") else { continue }
                langs.append((String(t.dropFirst(2).dropLast(2)), i))
            }
        }
        languages = langs
        isMultilingual = v.ids[""] != nil || v.count >= 51_865
    }

    /// The token id of a language code, e.g. "en".
    public func languageID(_ code: String) -> Int? {
        languages.first { $0.code == code }?.id
    }

    /// The language code of a language token id.
    public func languageCode(_ id: Int) -> String? {
        languages.first { $0.id == id }?.code
    }

    public func isTimestamp(_ id: Int) -> Bool { id >= timestampBegin }
}
