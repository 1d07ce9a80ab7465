/// Greedy decoding exactly as CTranslate2 `generate(beam_size=1)` runs it for faster-whisper
/// (spec §7.2–7.3): prompt handling, logit rules, lowest-id ties, a 224-token cap.
public struct GreedyDecoder: Sendable {
    public let decoder: Decoder
    public let specials: SpecialTokens
    public let config: WhisperConfig
    public static let maxLength = 448

    public init(decoder: Decoder, specials: SpecialTokens, config: WhisperConfig) {
        self.decoder = decoder
        self.specials = specials
        self.config = config
    }

    /// What one `generate` call returns.
    public struct Result: Sendable, Equatable {
        /// Generated ids: forced prefix included, EOT excluded.
        public var tokens: [Int]
        /// Log-prob of each generated token, as `tokens` (EOT excluded).
        public var logprobs: [Float]
        /// Σ log-prob of every chosen token, EOT included.
        public var sumLogprob: Float
        /// P(no-speech) from the unfiltered logits at the sot position.
        public var noSpeechProb: Float
        /// faster-whisper's avg_logprob: sum / (tokens + 1).
        public var avgLogprob: Float { sumLogprob / Float(tokens.count + 1) }
    }

    /// Index just past the run of special tokens that starts at sot (the CT2 prompt length).
    public func promptLength(_ prompt: [Int]) -> Int {
        guard let s = prompt.firstIndex(of: specials.sot) else { return prompt.count }
        var i = s
        while i < prompt.count && prompt[i] >= specials.sot && prompt[i] <= specials.noTimestamps { i += 1 }
        return i
    }

    /// Decodes greedily after `prompt`, given every layer's cross K;V.
    /// `maxNewTokens` defaults to CT2's min(448/2, 448 − start step). `until(generated)` ends
    /// decoding early once it holds.
    public func decode(prompt: [Int], kv: [Matrix], timestamps: Bool, maxInitialTimestampIndex: Int = 50,
                       maxNewTokens: Int? = nil, isCancelled: () -> Bool = { false },
                       until: (([Int]) -> Bool)? = nil) -> Result {
        precondition(!prompt.isEmpty, "empty prompt")
        let length = max(1, promptLength(prompt))
        let prefix = Array(prompt[length...])
        let startStep = length - 1
        let sotIndex = prompt.firstIndex(of: specials.sot) ?? 0
        let limit = maxNewTokens ?? min(Self.maxLength / 2, Self.maxLength - startStep)
        let filter = LogitFilter(specials: specials, suppress: config.suppressIDs,
                                 suppressAtBegin: config.suppressIDsBegin, timestamps: timestamps,
                                 maxInitialTimestampIndex: maxInitialTimestampIndex)

        var cache = KVCache(layers: decoder.blocks.count)
        var noSpeech: Float = 0
        if startStep > 0 {
            let hidden = decoder(Array(prompt[0..<startStep]), cache: &cache, kv: kv)
            if sotIndex < startStep { noSpeech = noSpeechProbability(decoder.logits(hidden.rows(sotIndex..<(sotIndex + 1))).data) }
        }
        var input = prompt[startStep]
        var generated: [Int] = [], logprobsOfGenerated: [Float] = []
        var sum: Float = 0
        for step in 0..<limit {
            if isCancelled() { break }
            var logits = decoder.logits(decoder([input], cache: &cache, kv: kv)).data
            if step == 0 && sotIndex == startStep { noSpeech = noSpeechProbability(logits) }
            let forced = step < prefix.count ? prefix[step] : nil
            if forced == nil { filter.apply(&logits, generated: generated, sampleBegin: prefix.count) }
            let logprobs = FastMath.logSoftmax(logits)
            let token = forced ?? Self.argmax(logprobs)
            sum += logprobs[token]
            if token == specials.eot { break }
            generated.append(token)
            logprobsOfGenerated.append(logprobs[token])
            input = token
            if let until, until(generated) { break }
        }
        return Result(tokens: generated, logprobs: logprobsOfGenerated, sumLogprob: sum, noSpeechProb: noSpeech)
    }

    /// Softmax of the full, unsuppressed logits at the no-speech id.
    func noSpeechProbability(_ logits: [Float]) -> Float {
        let lp = FastMath.logSoftmax(logits)
        return expf(lp[specials.noSpeech])
    }

    /// The index of the largest value; ties go to the lowest index.
    public static func argmax(_ x: [Float]) -> Int {
        var best = 0
        for i in 1..<x.count where x[i] > x[best] { best = i }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
