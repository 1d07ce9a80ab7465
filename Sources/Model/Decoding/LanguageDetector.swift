/// CTranslate2's `detect_language`: one decoder step on sot, softmax over the language ids only.
public struct LanguageDetector: Sendable {
    public let decoder: Decoder
    public let specials: SpecialTokens
    public let languageIDs: [Int]

    public init(decoder: Decoder, specials: SpecialTokens, config: WhisperConfig) {
        self.decoder = decoder
        self.specials = specials
        self.languageIDs = config.langIDs.isEmpty ? specials.languages.map(\.id) : config.langIDs
    }

    /// (language code, probability), most probable first.
    public func detect(kv: [Matrix]) -> [(code: String, probability: Float)] {
        var cache = KVCache(layers: decoder.blocks.count)
        let logits = decoder.logits(decoder([specials.sot], cache: &cache, kv: kv)).data
        let scores = FastMath.logSoftmax(languageIDs.map { logits[$0] })
        return zip(languageIDs, scores)
            .map { (code: specials.languageCode($0.0) ?? "\($0.0)", probability: expf($0.1)) }
            .sorted { $0.probability > $1.probability }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
