import Foundation
/// faster-whisper's sequential `transcribe` (spec §7.4) with greedy, temperature-0 decoding:
/// windows of 3000 frames, no-speech skipping, timestamp segments, language detection.
public struct Transcriber: Sendable {
    public let model: WhisperModel

    public init(model: WhisperModel) { self.model = model }

    public struct Options: Sendable {
        /// A language code, or nil to detect it on multilingual models.
        public var language: String?
        public var timestamps = false
        /// Prompt each window with the previous windows' tokens (faster-whisper's default).
        public var conditionOnPreviousText = false
        public var noSpeechThreshold: Float = 0.6
        public var logProbThreshold: Float = -1.0
        public init(language: String? = nil, timestamps: Bool = false) {
            self.language = language
            self.timestamps = timestamps
        }
    }

    /// Throws when `options` ask for what the model cannot do: a language other than English
    /// on an English-only model.
    public func check(_ options: Options) throws {
        guard let language = options.language else { return }
        // On an English-only model anything but English is refused as that first: a hint
        // towards another code would only lead to this refusal. English by name (`english`) or
        // with a region (`en-US`) gets the hint towards `en`.
        let bare = language.lowercased().trimmingCharacters(in: .whitespaces)
        let primary = bare.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? bare
        if !model.specials.isMultilingual, !bare.isEmpty, primary != "en", Self.code(named: bare) != "en", Self.twoLetter(bare) != "en" {
            throw InputError("--language '\(language)'", "model \(model.name) is English-only; use --language en or a multilingual model")
        }
        try Self.checkCode(language, model: model)
    }

    /// Throws for a `--language` that is no code at all: empty, a language's name (`German`,
    /// `english`, `Deutsch`, `日本語`: its code is suggested), or not lower-case as Whisper's codes are.
    /// With `model`, a name whose code the model lacks (`cantonese` on base) is refused as that.
    public static func checkCode(_ language: String, model: WhisperModel? = nil) throws {
        let subject = "--language '\(language)'"
        if ["auto", "detect", "none"].contains(language.lowercased()) {
            throw InputError(subject, "omit --language and the language is detected (on multilingual models)")
        }
        if language != language.trimmingCharacters(in: .whitespaces), !language.trimmingCharacters(in: .whitespaces).isEmpty {
            throw InputError(subject, "a code holds no spaces: use --language \(language.trimmingCharacters(in: .whitespaces))")
        }
        // `fr-FR`, `pt_BR`, `zh-Hans`: Whisper's codes are bare.
        if let cut = language.firstIndex(where: { $0 == "-" || $0 == "_" }), cut != language.startIndex {
            throw InputError(subject, "Whisper's codes carry no region or script: use --language \(language[..<cut].lowercased())")
        }
        // ISO 639-2 codes (`eng`, `deu`): Whisper's are two letters.
        if let two = twoLetter(language) {
            throw InputError(subject, "an ISO 639-2 code; Whisper's code for the language is \(two): use --language \(two)")
        }
        if language.count > 1, language.count > 3 || !language.allSatisfy(\.isASCII), let code = code(named: language) {
            if let model, model.specials.isMultilingual, model.specials.languageID(code) == nil {
                throw InputError(subject, "its code, \(code), is not one of model \(model.name)'s \(model.specials.languages.count) languages")
            }
            throw InputError(subject, "a language's name, not its code: use --language \(code)")
        }
        guard !language.isEmpty, language == language.lowercased() else {
            let lower = language.lowercased()
            throw InputError(subject, "not a language code (lower-case, such as en or de)" + (lower.count <= 3 && !lower.isEmpty ? ": use --language \(lower)" : ""))
        }
    }

    /// Whisper's two-letter code for a three-letter ISO 639-2 code that is not Whisper's own
    /// (`eng` → `en`, `deu` → `de`; `haw` is Whisper's, and stays).
    static func twoLetter(_ code: String) -> String? {
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLowercase }), !WhisperLanguages.codes.contains(code),
              let two = Locale.Language(identifier: code).languageCode?.identifier(.alpha2), two != code, WhisperLanguages.codes.contains(two) else { return nil }
        return two
    }

    /// Whisper's code of a language named in English (as openai-whisper names it) or in itself
    /// ("German", "Deutsch", "francais" → "de", "de", "fr"; case and accents ignored); nil for a
    /// language Whisper does not have (Klingon, Esperanto).
    static func code(named name: String) -> String? {
        func key(_ s: String) -> String { s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        let english = Locale(identifier: "en"), wanted = key(name)
        if let code = WhisperLanguages.codeByName[wanted] { return code }
        return Locale.isoLanguageCodes.filter { code in
            WhisperLanguages.codes.contains(code)
                && [english, Locale(identifier: code)].contains { $0.localizedString(forLanguageCode: code).map(key) == wanted }
        }.min { ($0.count, $0) < ($1.count, $1) }
    }

    /// One emitted segment.
    public struct Segment: Sendable {
        public var start: Double
        public var end: Double
        public var tokens: [Int]
        public var text: String
        public var noSpeechProb: Float
        public var avgLogprob: Float
        /// The feature frame (10 ms) at which the window holding the segment starts, as
        /// openai-whisper's result names it.
        public var seek: Int

        public init(start: Double, end: Double, tokens: [Int], text: String, noSpeechProb: Float, avgLogprob: Float, seek: Int = 0) {
            self.start = start; self.end = end; self.tokens = tokens; self.text = text; self.noSpeechProb = noSpeechProb; self.avgLogprob = avgLogprob
            self.seek = seek
        }
    }

    /// A 30-second window whose output faster-whisper drops as silence: its no-speech
    /// probability is above the threshold and its average log-prob below its own.
    public struct DroppedWindow: Sendable, Equatable {
        public var start: Double
        public var noSpeechProb: Float
        public var avgLogprob: Float
    }

    public struct Transcript: Sendable {
        public var language: String
        public var languageProbability: Float
        public var segments: [Segment]
        /// The windows dropped as silence, in order; their tokens are not in `segments`.
        public var dropped: [DroppedWindow] = []
        public var tokens: [Int] { segments.flatMap(\.tokens) }

        public init(language: String, languageProbability: Float, segments: [Segment], dropped: [DroppedWindow] = []) {
            self.language = language; self.languageProbability = languageProbability; self.segments = segments; self.dropped = dropped
        }
        public var text: String { segments.map(\.text).joined() }
        /// The first segment's no-speech probability, else the first dropped window's (nil when
        /// the audio held no window at all).
        public var noSpeechProb: Float? { segments.first?.noSpeechProb ?? dropped.first?.noSpeechProb }
    }

    public static let framesPerWindow = 3000
    static let secondsPerFrame = 0.01
    static let inputStride = 2

    public func transcribe(samples: [Float], options: Options) throws -> Transcript {
        try transcribe(features: LogMel(nMels: model.hyper.nMels)(samples), options: options)
    }

    /// A file, read as a stream when it can be (16 kHz with a known length), so that memory
    /// holds its features and not its samples; otherwise loaded whole.
    public func transcribe(file: String, options: Options) throws -> Transcript {
        let logMel = LogMel(nMels: model.hyper.nMels)
        let features = try AudioStream.open(file).map { try logMel($0) } ?? logMel(AudioFile.load(file))
        return try transcribe(features: features, options: options)
    }

    /// Transcribes whole-file features `[nMels, frames]`.
    public func transcribe(features: Matrix, options: Options) throws -> Transcript {
        let specials = model.specials
        let contentFrames = features.cols - 1
        var languageProbability: Float = 1
        let language = try self.language(features: features, requested: options.language) { languageProbability = $0 }
        let decoder = GreedyDecoder(decoder: model.decoder, specials: specials, config: model.config)
        var segments: [Segment] = [], dropped: [DroppedWindow] = []
        var seek = 0
        var history: [Int] = []
        while seek < contentFrames {
            let timeOffset = Double(seek) * Self.secondsPerFrame
            let size = min(Self.framesPerWindow, contentFrames - seek)
            let kv = model.decoder.crossKeysValues(model.encoder(Self.window(features, from: seek, count: size)))
            let prompt = self.prompt(language: language, previous: options.conditionOnPreviousText ? history : [],
                                     timestamps: options.timestamps)
            let result = decoder.decode(prompt: prompt, kv: kv, timestamps: options.timestamps)
            if result.noSpeechProb > options.noSpeechThreshold && !(result.avgLogprob > options.logProbThreshold) {
                dropped.append(DroppedWindow(start: timeOffset, noSpeechProb: result.noSpeechProb, avgLogprob: result.avgLogprob))
                seek += size
                continue
            }
            let (pieces, nextSeek) = split(result.tokens, timeOffset: timeOffset, seek: seek, size: size)
            let windowSeek = seek
            seek = nextSeek
            for piece in pieces {
                let text = model.tokenizer.decode(piece.tokens)
                if piece.start == piece.end || text.allSatisfy(\.isWhitespace) { continue }
                history += piece.tokens
                segments.append(Segment(start: piece.start, end: piece.end, tokens: piece.tokens, text: text,
                                        noSpeechProb: result.noSpeechProb, avgLogprob: result.avgLogprob, seek: windowSeek))
            }
        }
        return Transcript(language: language, languageProbability: languageProbability, segments: segments, dropped: dropped)
    }

    /// The language to decode in: `requested` (checked), "en" for English-only models, else the
    /// one detected on the first 30 s of `features` (computed only then), the extra last frame
    /// included, as faster-whisper does.
    public func language(features: @autoclosure () throws -> Matrix, requested: String?, probability: (Float) -> Void = { _ in }) throws -> String {
        let specials = model.specials
        if let requested { try check(Options(language: requested, timestamps: false)) }   // never ignored, on any model
        guard specials.isMultilingual else { return "en" }
        if let code = requested {
            guard specials.languageID(code) != nil else {
                let known = "(known: \(specials.languages.map(\.code).joined(separator: " ")))"
                if WhisperLanguages.codes.contains(code) {
                    throw InputError("--language '\(code)'", "a Whisper code, but not one of model \(model.name)'s \(specials.languages.count) languages \(known)")
                }
                let meant = WhisperLanguages.countryCodes[code].map { "; \(code) is a country's code, the language's is \($0)" } ?? ""
                throw InputError("--language '\(code)'", "unknown language code\(meant) \(known)")
            }
            return code
        }
        let all = try features()
        let window = Self.window(all, from: 0, count: min(Self.framesPerWindow, all.cols))
        let kv = model.decoder.crossKeysValues(model.encoder(window))
        guard let best = LanguageDetector(decoder: model.decoder, specials: specials, config: model.config).detect(kv: kv).first else {
            throw InputError(model.directory.path, "the model is multilingual but lists no language tokens to detect from; give --language")
        }
        probability(best.probability)
        return best.code
    }

    /// faster-whisper's `get_prompt` (spec §7.1), without prefix or hotwords.
    public func prompt(language: String, previous: [Int], timestamps: Bool) -> [Int] {
        let s = model.specials
        var p: [Int] = []
        if !previous.isEmpty {
            p.append(s.startOfPrevious)
            p += previous.suffix(GreedyDecoder.maxLength / 2 - 1)
        }
        p.append(s.sot)
        if s.isMultilingual {
            p.append(s.languageID(language) ?? s.sot + 1)
            p.append(s.transcribe)
        }
        if !timestamps { p.append(s.noTimestamps) }
        return p
    }

    /// Features of one window: `count` frames from `from`, zero-padded to 3000 (spec §5.4).
    public static func window(_ features: Matrix, from start: Int, count: Int) -> Matrix {
        var out = Matrix(zeros: features.rows, framesPerWindow)
        let n = min(count, framesPerWindow)
        for m in 0..<features.rows {
            for t in 0..<n { out.data[m * framesPerWindow + t] = features.data[m * features.cols + start + t] }
        }
        return out
    }

    /// faster-whisper's `_split_segments_by_timestamps`: segments of one window and the next seek.
    func split(_ tokens: [Int], timeOffset: Double, seek: Int, size: Int)
        -> (pieces: [(start: Double, end: Double, tokens: [Int])], seek: Int) {
        let tb = model.specials.timestampBegin
        let precision = 0.02
        let singleEnding = tokens.count >= 2 && tokens[tokens.count - 2] < tb && tokens[tokens.count - 1] >= tb
        let consecutive = tokens.indices.filter { $0 > 0 && tokens[$0] >= tb && tokens[$0 - 1] >= tb }
        guard !consecutive.isEmpty else {
            var duration = Double(size) * Self.secondsPerFrame
            if let last = tokens.last(where: { $0 >= tb }), last != tb { duration = Double(last - tb) * precision }
            return ([(timeOffset, timeOffset + duration, tokens)], seek + size)
        }
        var slices = consecutive
        if singleEnding { slices.append(tokens.count) }
        var pieces: [(Double, Double, [Int])] = []
        var last = 0
        for current in slices {
            let sliced = Array(tokens[last..<current])
            pieces.append((timeOffset + Double(sliced[0] - tb) * precision,
                           timeOffset + Double(sliced[sliced.count - 1] - tb) * precision, sliced))
            last = current
        }
        let next = singleEnding ? seek + size : seek + (tokens[last - 1] - tb) * Self.inputStride
        return (pieces, next > seek ? next : seek + size)
    }
}
