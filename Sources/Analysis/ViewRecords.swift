import Foundation
import Model

/// The JSON form of a view (`--json`, `:export … json`), with the field names users' scripts
/// rely on (issue 3, "JSON field names"). Numbers that a blown-up patched run makes non-finite
/// are written as `null`.
public protocol ViewRecord: Encodable {
    /// The run the record holds, "clean" or "patched (…)"; exports set it.
    var run: String? { get set }
}

/// A view's record with what says which window of which clip it describes: `window_start` (the
/// clip's seconds where the analysed 30 s window starts, `--offset`) and `model`, added beside
/// the record's own fields, so a saved result from `--offset 30` is not taken for offset 0.
public struct WindowedRecord: Encodable {
    public let record: any Encodable
    public let windowStart: Double
    public let model: String
    enum CodingKeys: String, CodingKey { case windowStart = "window_start", model }

    public init(_ record: any Encodable, engine: Engine) {
        self.record = record
        windowStart = engine.windowStart
        model = engine.model.name
    }

    public func encode(to encoder: Swift.Encoder) throws {
        try record.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)   // the record's own object, extended
        try c.encode(windowStart, forKey: .windowStart)
        try c.encode(model, forKey: .model)
    }
}

/// View 1: the run's tokens and text.
public struct TranscriptJSON: ViewRecord {
    public let language: String
    public let tokens: [Int]
    public let text: String
    public let patches: [String]
    /// Each token's log-prob under the run, as the text, tsv and md tables give it.
    public let logprobs: [FiniteOrNull]
    /// The clean run's no-speech probability, and whether faster-whisper drops the window as
    /// silence by its rule; null for a patched run.
    public let noSpeechProb: FiniteOrNull?
    public let dropped: Bool?
    public var run: String?
    enum CodingKeys: String, CodingKey { case language, tokens, text, patches, run, logprobs, noSpeechProb = "no_speech_prob", dropped }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(language, forKey: .language); try c.encode(tokens, forKey: .tokens); try c.encode(text, forKey: .text)
        try c.encode(patches, forKey: .patches); try c.encodeIfPresent(run, forKey: .run); try c.encode(logprobs, forKey: .logprobs)
        try c.encode(noSpeechProb, forKey: .noSpeechProb); try c.encode(dropped, forKey: .dropped)   // null for a patched run
    }
}

/// View 2: the logit lens, per layer (0 = embedding) and transcript token.
public struct LensJSON: ViewRecord {
    public struct Layer: Encodable {
        /// The row from the embedding: 0 is the embedding, k is decoder block k - 1.
        public let layer: Int
        /// The text table's row label: `emb`, then the decoder block's number.
        public let name: String
        public let cells: [Cell]
    }

    public struct Cell: Encodable {
        /// `[id, text, probability]` of each top token.
        public let top: [Candidate]
        public let finalProb: FiniteOrNull
        public let finalRank: Int
        enum CodingKeys: String, CodingKey { case top, finalProb = "final_prob", finalRank = "final_rank" }
    }

    public struct Candidate: Encodable {
        public let id: Int, text: String, prob: FiniteOrNull
        public func encode(to encoder: Swift.Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(id); try c.encode(text); try c.encode(prob)
        }
    }

    /// The language the decoder was prompted with (detected or given).
    public let language: String
    public let layers: [Layer]
    /// `[id, text]` of each transcript token.
    public let tokens: [Token]
    public let saturation: [Int?]
    /// The transcript stopped at the length cap: the last token is greedy's next choice past it, not EOT.
    public let capped: Bool
    /// False for the raw logit lens (`lens --raw`): no suppressed tokens before the softmax.
    public let decodingRules: Bool
    public var run: String?

    enum CodingKeys: String, CodingKey {
        case language, layers, tokens, saturation, capped, run, decodingRules = "decoding_rules"
    }

    public init(_ lens: LogitLens, tokenizer: Tokenizer, language: String) {
        self.language = language
        decodingRules = lens.decodingRules
        layers = lens.cells.enumerated().map { k, row in
            Layer(layer: k, name: k == 0 ? "emb" : String(k - 1), cells: row.map { c in
                Cell(top: c.top.map { Candidate(id: $0.id, text: tokenizer.display($0.id), prob: FiniteOrNull(Double($0.prob))) },
                     finalProb: FiniteOrNull(Double(c.finalProb)), finalRank: c.finalRank)
            })
        }
        tokens = lens.targets.map { Token(id: $0, text: tokenizer.display($0)) }
        saturation = lens.saturation
        capped = lens.capped
    }
}

/// A token as `[id, text]`.
public struct Token: Encodable {
    public let id: Int, text: String
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(id); try c.encode(text)
    }
}

/// View 3: the encoder lens.
public struct EncoderLensJSON: ViewRecord {
    public struct Layer: Encodable {
        public let layer: Int, tokens: [Int], text: String, repetition: Bool
    }

    public let language: String
    public let lnPost: Bool
    public let layers: [Layer]
    public var run: String?
    enum CodingKeys: String, CodingKey { case language, layers, run, lnPost = "ln_post" }

    public init(_ lens: EncoderLens, language: String) {
        self.language = language
        lnPost = lens.lnPost
        layers = lens.layers.map { Layer(layer: $0.layer, tokens: $0.tokens, text: $0.text, repetition: $0.repetition) }
    }
}

/// View 5: a patch set's effect on the clean run.
public struct PatchEffectJSON: ViewRecord {
    public struct Transcript: Encodable { public let tokens: [Int], text: String }
    public struct Work: Encodable {
        public let encoderBlocks: [Int], encoderPartialRows: Int, crossKVRows: Int, decoderBlocks: Int, decoderSteps: Int
        enum CodingKeys: String, CodingKey {
            case encoderBlocks = "encoder_blocks", encoderPartialRows = "encoder_partial_rows", crossKVRows = "cross_kv_rows"
            case decoderBlocks = "decoder_blocks", decoderSteps = "decoder_steps"
        }
    }

    public let language: String
    public let patches: [String]
    public let clean: Transcript, patched: Transcript
    /// Per clean token (then EOT), its teacher-forced log-prob in the clean and patched runs,
    /// and patched minus clean: the text table's three columns.
    public let cleanLogprob: [FiniteOrNull], patchedLogprob: [FiniteOrNull], deltaLogprob: [FiniteOrNull]
    /// `[layer, token]` of each lens cell whose top-1 changed; layer 0 is the embedding, so
    /// layer l + 1 is dec.l, as in the lens JSON.
    public let changedCells: [[Int]]
    public let wer: FiniteOrNull
    public let repetition: Bool
    /// The first site whose activations became non-finite; written as `null` when none did.
    public let nonFinite: String?
    public let layersEvaluated: Int, layersFull: Int
    public let work: Work
    /// `--attention-window K`: encoder self-attention restricted to ±K frames; null for none.
    public let attentionWindow: Int?
    /// Where the analysed window starts in the clip, in seconds (`--offset`).
    public let windowStart: Double
    public var run: String?

    enum CodingKeys: String, CodingKey {
        case language, patches, clean, patched, wer, repetition, work, run, attentionWindow = "attention_window", windowStart = "window_start"
        case cleanLogprob = "clean_logprob", patchedLogprob = "patched_logprob"
        case deltaLogprob = "delta_logprob", nonFinite = "non_finite", changedCells = "changed_cells"
        case layersEvaluated = "layers_evaluated", layersFull = "layers_full"
    }

    public init(_ effect: PatchEffect, language: String, windowStart: Double) {
        self.language = language
        self.windowStart = windowStart
        let p = effect.patched
        patches = p.patches.patches.map(\.description)
        attentionWindow = p.patches.attentionWindow
        clean = Transcript(tokens: effect.clean.tokens, text: effect.clean.text)
        patched = Transcript(tokens: p.tokens, text: p.text)
        let rows = effect.deltaLogprob.count
        cleanLogprob = effect.clean.cleanTokenLogprobs.prefix(rows).map { FiniteOrNull(Double($0)) }
        patchedLogprob = p.cleanTokenLogprobs.prefix(rows).map { FiniteOrNull(Double($0)) }
        deltaLogprob = effect.deltaLogprob.map { FiniteOrNull(Double($0)) }
        wer = FiniteOrNull(effect.wer)
        repetition = effect.repetition
        nonFinite = p.nonFinite
        changedCells = effect.changedCells.map { [$0.layer, $0.token] }
        // The computation's figures, also for a run the explorer took from its memo.
        let w = p.workWhenComputed
        layersEvaluated = w.layersEvaluated
        layersFull = w.layersFull
        work = Work(encoderBlocks: w.encoderBlocks, encoderPartialRows: w.encoderPartialRows, crossKVRows: w.crossKVRows,
                    decoderBlocks: w.decoderBlocks, decoderSteps: w.decoderSteps)
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(language, forKey: .language)
        try c.encode(patches, forKey: .patches)
        if let attentionWindow { try c.encode(attentionWindow, forKey: .attentionWindow) } else { try c.encodeNil(forKey: .attentionWindow) }
        try c.encode(windowStart, forKey: .windowStart)
        try c.encode(clean, forKey: .clean); try c.encode(patched, forKey: .patched)
        try c.encode(cleanLogprob, forKey: .cleanLogprob); try c.encode(patchedLogprob, forKey: .patchedLogprob)
        try c.encode(deltaLogprob, forKey: .deltaLogprob); try c.encode(wer, forKey: .wer); try c.encode(repetition, forKey: .repetition)
        if let nonFinite { try c.encode(nonFinite, forKey: .nonFinite) } else { try c.encodeNil(forKey: .nonFinite) }
        try c.encode(changedCells, forKey: .changedCells)
        try c.encode(layersEvaluated, forKey: .layersEvaluated); try c.encode(layersFull, forKey: .layersFull)
        try c.encode(work, forKey: .work); try c.encodeIfPresent(run, forKey: .run)
    }
}

/// The head ranking.
public struct HeadsJSON: ViewRecord {
    public struct Head: Encodable {
        public let layer: Int, head: Int
        public let monotonicity: FiniteOrNull, sharpness: FiniteOrNull, score: FiniteOrNull
        public let alignmentHead: Bool
        enum CodingKeys: String, CodingKey { case layer, head, monotonicity, sharpness, score, alignmentHead = "alignment_head" }

        public init(_ e: HeadRanking.Entry) {
            layer = e.layer; head = e.head; alignmentHead = e.isAlignmentHead
            monotonicity = FiniteOrNull(e.monotonicity); sharpness = FiniteOrNull(e.sharpness); score = FiniteOrNull(e.score)
        }
    }

    /// The language the decoder was prompted with (detected or given).
    public let language: String
    public let heads: [Head]
    public var run: String?
    /// The ranking, or its `top` first heads.
    public init(_ ranking: HeadRanking, top: Int? = nil, language: String) {
        self.language = language
        heads = ranking.entries.prefix(top ?? ranking.entries.count).map(Head.init)
    }
}

/// Word timings from the alignment heads: start and end in the clip's seconds, frames counted
/// from the window's start (`window_start`, in the clip's seconds).
public struct WordsJSON: ViewRecord {
    public struct Word: Encodable {
        public let word: String, start: FiniteOrNull, end: FiniteOrNull, tokens: [Int], frames: [Int]
    }

    public let language: String
    public let windowStart: Double
    public let words: [Word]
    /// Clip seconds where the text is heard to end (`WordAlignment.textEnd`); null without text.
    public let textEnd: FiniteOrNull
    public var run: String?
    enum CodingKeys: String, CodingKey { case language, windowStart = "window_start", textEnd = "text_end", words, run }

    public init(_ w: WordAlignment, language: String, windowStart: Double) {
        self.language = language
        self.windowStart = windowStart
        // To the millisecond: the sum of two binary fractions prints as 7.9399999999999995.
        func clip(_ t: Double) -> FiniteOrNull { FiniteOrNull(((windowStart + t) * 1000).rounded() / 1000) }
        words = w.words.map {
            Word(word: $0.text, start: clip($0.start), end: clip($0.end), tokens: $0.tokens, frames: [$0.frames.lowerBound, $0.frames.upperBound])
        }
        textEnd = w.textEnd.map(clip) ?? FiniteOrNull(.nan)
    }
}

/// View 4: one attention map, rows by label.
public struct AttentionJSON: ViewRecord {
    /// The language the decoder was prompted with (detected or given).
    public let language: String
    public let kind: String
    /// Null for `alignment` and `mean`, which average several heads.
    public let layer: Int?, head: Int?
    public let rows: [String]
    /// The key tokens of decoder self-attention's columns (the prompt's first); nil for the
    /// other kinds, whose columns are frames.
    public var columns: [String]? = nil
    public let weights: [[FiniteOrNull]]
    public var run: String?

    enum CodingKeys: String, CodingKey { case language, kind, layer, head, rows, columns, weights, run }
    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(language, forKey: .language); try c.encode(kind, forKey: .kind); try c.encode(layer, forKey: .layer); try c.encode(head, forKey: .head)
        try c.encode(rows, forKey: .rows); try c.encodeIfPresent(columns, forKey: .columns)
        try c.encode(weights, forKey: .weights); try c.encodeIfPresent(run, forKey: .run)
    }
}
