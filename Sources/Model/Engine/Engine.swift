import Foundation

/// The incremental engine for one 30-second window of one clip (DESIGN.md "The incremental engine").
///
/// The clean run is computed once. A patched run reuses every clean stage before its first
/// patched site, recomputes only dirty rows where the stage is per-row, and is memoised by
/// patch set, so toggling back costs a lookup. Counters prove what was skipped.
public final class Engine: @unchecked Sendable {
    public let model: WhisperModel
    /// Log-mel features of the window, zero-padded to 3000 frames.
    public let window: Matrix
    /// Encoder frames that carry audio (the rest is padding).
    public let audioFrames: Int
    /// 10 ms log-mel frames of audio in the window: faster-whisper's segment size, which its word
    /// alignment halves (rounding down) to the encoder frames it aligns to.
    public let windowFrames: Int
    public let language: String
    public let prompt: [Int]
    /// faster-whisper's greedy transcript of the window.
    public let cleanTokens: [Int]
    public let cleanEncoder: EncoderTrace
    public let cleanKV: [Matrix]
    public private(set) var clean: Run!
    /// The clean teacher-forced pass's self-attention cache, reused by decoder patches.
    private(set) var cleanCache = KVCache(layers: 0)
    /// Everything evaluated so far, references included.
    public private(set) var total: WorkCounters
    /// Memo budget for patched runs: bytes they hold beyond the clean run and the references,
    /// each shared buffer counted once (`Footprint`).
    public var memoBudget = 256 << 20
    /// Tokens guessed ahead per pass when a patched run decodes freely (0: one step at a time);
    /// the tokens are the same either way (`DraftTokens`).
    public var draftLength = 8

    private var memo: [PatchSet: Run] = [:]
    private var memoOrder: [PatchSet] = []
    var references: [ReferenceRun: Reference] = [:]
    /// The tensors of `file:` sources, read once: [rows, width].
    var fileTensors: [PatchSource: Matrix] = [:]

    /// The run a patch source copies from, keyed by value.
    enum ReferenceRun: Hashable {
        /// The clean run (its mean replaces with `mean`).
        case clean
        /// The run of a silence, clip or in-memory samples source.
        case of(PatchSource)

        init?(_ source: PatchSource) {
            switch source {
            case .mean: self = .clean
            case .silence, .clip, .samples: self = .of(source)
            case .zero, .noise, .scale, .file: return nil
            }
        }
    }
    let lock = NSLock()
    let sampleCount: Int
    /// The whole clip's length in seconds (16 kHz samples), of which this engine holds one window.
    public var clipSeconds: Double { Double(sampleCount) / 16_000 }
    /// Where this window starts in the clip, in seconds (`offset` on the 10 ms frame grid, kept
    /// inside the clip): add it to a time within the window to get the clip's own time.
    public let windowStart: Double

    /// The runs a patch can copy from: clean, silence, or another clip.
    struct Reference {
        let encoder: EncoderTrace
        let kv: [Matrix]
        let decoder: DecoderTrace
        var headContexts: [Int: Matrix] = [:]
    }

    /// Builds the clean run of the window starting at `offset` seconds.
    public convenience init(model: WhisperModel, samples: [Float], language: String? = nil, offset: Double = 0) throws {
        try self.init(model: model, audio: ClipAudio(samples: samples, nMels: model.hyper.nMels), language: language, offset: offset)
    }

    /// Refuses an `--offset` that is negative or not a number.
    public static func checkOffset(_ offset: Double) throws {
        guard offset >= 0, offset.isFinite else {
            throw InputError(offsetOption(offset), offset.isInfinite && offset > 0 ? "is too large to be a number of seconds" : "must be a non-negative number of seconds")
        }
    }

    /// The least audio a window analyses: one 10 ms log-mel frame.
    public static let shortestWindow = 0.01

    /// Refuses an `--offset` that leaves less than one 10 ms frame of the clip to analyse.
    public static func checkOffset(_ offset: Double, clipSeconds: Double) throws {
        guard offset != 0, clipSeconds - offset < shortestWindow else { return }
        // To the millisecond, so that a clip of 1.095 s is not "1.1 s" beside an offset of 1.1.
        let length = String(format: "%.3f", clipSeconds).replacingOccurrences(of: "\\.?0+$", with: "", options: .regularExpression)
        throw InputError(offsetOption(offset), offset >= clipSeconds ? "is past the end of the clip (\(length) s)"
                         : "leaves less than 10 ms of the clip (\(length) s) to analyse")
    }

    /// `--offset 1.095375` as given (every digit, no `.0` on a whole number), for messages.
    static func offsetOption(_ offset: Double) -> String {
        "--offset " + "\(offset)".replacingOccurrences(of: "\\.0$", with: "", options: .regularExpression)
    }

    /// Builds the clean run of the window of `audio` starting at `offset` seconds; only that
    /// window's features (and the first window's, to detect the language) are computed.
    public init(model: WhisperModel, audio: ClipAudio, language: String? = nil, offset: Double = 0) throws {
        guard audio.frameCount > 1 else {
            throw InputError(audio.name, "holds less than one 10 ms frame of audio (\(audio.sampleCount) sample\(audio.sampleCount == 1 ? "" : "s")): "
                             + "nothing to analyse, and faster-whisper decodes no window of it")
        }
        try Self.checkOffset(offset, clipSeconds: audio.seconds)
        self.model = model
        sampleCount = audio.sampleCount
        let contentFrames = audio.frameCount - 1
        let seek = min(max(0, Int((offset * 100).rounded())), max(0, contentFrames - 1))
        windowStart = Double(seek) / 100
        let frames: Int
        (window, frames) = try audio.window(at: seek)
        audioFrames = min(model.hyper.audioPositions, (frames + 1) / 2)
        windowFrames = frames
        let transcriber = Transcriber(model: model)
        self.language = try transcriber.language(features: try audio.features(0..<min(Transcriber.framesPerWindow, audio.frameCount)),
                                                 requested: language)
        prompt = transcriber.prompt(language: self.language, previous: [], timestamps: false)
        total = WorkCounters(encoderLayers: model.hyper.encoderLayers)
        var work = WorkCounters(encoderLayers: model.hyper.encoderLayers)
        cleanEncoder = Self.encodeFully(model, window, counters: &work)
        cleanKV = model.decoder.crossKeysValues(cleanEncoder.out)
        work.crossKVRows += cleanEncoder.out.rows
        let greedy = GreedyDecoder(decoder: model.decoder, specials: model.specials, config: model.config)
            .decode(prompt: prompt, kv: cleanKV, timestamps: false)
        cleanTokens = greedy.tokens
        work.decoderSteps += greedy.tokens.count + 1
        work.decoderBlocks += (greedy.tokens.count + 1) * model.hyper.decoderLayers
        let (trace, cache) = teacherForced(kv: cleanKV, hook: nil, counters: &work)
        references[.clean] = Reference(encoder: cleanEncoder, kv: cleanKV, decoder: trace)
        total = work
        cleanCache = cache
        clean = try finish(PatchSet(), encoderOut: cleanEncoder.out, kv: cleanKV, trace: trace, cache: cache, firstRow: 0,
                           previous: nil, hook: nil, work: work, isCancelled: { false })
        if let site = clean.nonFinite {
            throw InputError(model.directory.path, "the model computes NaN or infinite activations on this clip (from \(site) on); its weights may be damaged")
        }
    }

    /// Number of transcript positions a decoder patch can address (tokens plus the EOT row).
    public var tokenPositions: Int { cleanTokens.count + 1 }
    /// Sequence row of transcript token 0's prediction.
    public var tokenRow0: Int { prompt.count - 1 }
    /// Most tokens a transcript can have after this prompt (faster-whisper's cap, as in `GreedyDecoder`).
    public var tokenLimit: Int { min(GreedyDecoder.maxLength / 2, GreedyDecoder.maxLength - tokenRow0) }

    // MARK: - Runs

    /// The run for a patch set: from the memo when possible, else computed incrementally.
    /// `useMemo: false` and `incremental: false` give a from-scratch run, for checking.
    /// `until(tokens)` ends free-running decoding early, leaving a prefix of the transcript;
    /// such runs are not memoised.
    public func run(_ patches: PatchSet, useMemo: Bool = true, incremental: Bool = true,
                    isCancelled: () -> Bool = { false }, until: (([Int]) -> Bool)? = nil) throws -> Run {
        if patches.isEmpty && useMemo { return clean.with(work: WorkCounters(encoderLayers: model.hyper.encoderLayers)) }
        lock.lock()
        if useMemo, let hit = memo[patches] {
            memoOrder.removeAll { $0 == patches }
            memoOrder.append(patches)
            lock.unlock()
            return hit.with(work: WorkCounters(encoderLayers: model.hyper.encoderLayers))
        }
        lock.unlock()
        var work = WorkCounters(encoderLayers: model.hyper.encoderLayers)
        // References (silence, other clips) are built once per engine and counted in `total` only.
        var referenceWork = WorkCounters(encoderLayers: model.hyper.encoderLayers)
        for p in patches.patches { try prepareReference(p.source, counters: &referenceWork); try checkFileSource(p) }
        lock.lock(); total = total + referenceWork; lock.unlock()
        let (out, kv) = try encode(patches, incremental: incremental, counters: &work, isCancelled: isCancelled)
        let hook = decoderHook(patches)
        let trace: DecoderTrace, cache: KVCache, firstRow: Int
        if incremental && !patches.touchesEncoder {
            (trace, cache, firstRow) = teacherForcedFromFirstPatch(patches, hook: hook, counters: &work)
        } else {
            (trace, cache) = teacherForced(kv: kv, hook: hook, counters: &work)
            firstRow = 0
        }
        if isCancelled() { throw CancellationError() }
        let result = try finish(patches, encoderOut: out, kv: kv, trace: trace, cache: cache, firstRow: firstRow,
                                previous: firstRow > 0 ? clean : nil, hook: hook, work: work, isCancelled: isCancelled, until: until)
        lock.lock()
        total = total + result.work
        let memoised = useMemo && until == nil
        if memoised { remember(result) }
        lock.unlock()
        if memoised { HeapPolicy.releaseFreeMemory() }
        return result
    }

    /// Builds the run a silence or clip source copies from, if not built yet, and returns the
    /// blocks that took (0 when it was there already, or the source needs none).
    public func prepare(_ source: PatchSource) throws -> Int {
        var work = WorkCounters(encoderLayers: model.hyper.encoderLayers)
        try prepareReference(source, counters: &work)
        lock.lock(); total = total + work; lock.unlock()
        return work.layersEvaluated
    }

    private func remember(_ run: Run) {
        memo[run.patches] = run
        memoOrder.append(run.patches)
        let kept = keptFootprint()
        while memoOrder.count > 1, memoBytes(beyond: kept) > memoBudget {
            memo.removeValue(forKey: memoOrder.removeFirst())
        }
    }

    /// What the engine holds anyway: the clean run and the references. Caller holds `lock`.
    private func keptFootprint() -> Footprint {
        var held = Footprint()
        held.add(clean.matrices)
        held.add(cleanEncoder.matrices)
        held.add(cleanKV)
        for reference in references.values { held.add(reference.encoder.matrices); held.add(reference.decoder.matrices); held.add(reference.kv) }
        return held
    }

    /// Bytes the memo holds beyond `kept`, each shared buffer counted once. Caller holds `lock`.
    private func memoBytes(beyond kept: Footprint) -> Int {
        var held = kept
        for run in memo.values { held.add(run.matrices) }
        return held.bytes - kept.bytes
    }

    /// Bytes held by memoised patched runs (see `memoBudget`).
    public var memoBytes: Int { lock.lock(); defer { lock.unlock() }; return memoBytes(beyond: keptFootprint()) }

    /// Number of memoised patch sets.
    public var memoCount: Int { lock.lock(); defer { lock.unlock() }; return memo.count }
}

extension Run {
    func with(work: WorkCounters) -> Run {
        var run = self
        run.firstWork = workWhenComputed
        run.work = work
        return run
    }
}
