import Foundation
import Model

/// One 30-second window of a clip, as the explorer analyses it: the engine, the word timings,
/// the no-speech verdict, and the slower analyses (lenses, attention maps, patched snapshots),
/// each computed once on request and cached. The `…IfReady` accessors never compute, so views
/// can read them while the scheduler fills them in.
public final class ClipWindow: @unchecked Sendable {
    /// 0-based window number; the window starts at `offset` seconds of a `clipSeconds` clip.
    public let index: Int
    public let offset: Double
    public let clipSeconds: Double
    public let engine: Engine
    public let words: WordAlignment
    /// P(no-speech) at the start-of-transcript position of the clean run.
    public let noSpeechProb: Float
    /// Mean log-probability of the clean tokens and EOT (faster-whisper's `avg_logprob`).
    public let avgLogprob: Float

    private let lock = NSLock()
    private var lens: LogitLens?
    private var encoderLenses: [EncoderLensKey: EncoderLens] = [:]
    private var encoderLensOrder: [EncoderLensKey] = []
    private var maps: [String: Matrix] = [:]
    private var mapOrder: [String] = []
    private var snapshots: [PatchSet: RunSnapshot] = [:]
    private var snapshotOrder: [PatchSet] = []

    /// faster-whisper's thresholds for dropping a window as silence.
    public static let noSpeechThreshold: Float = 0.6, logProbThreshold: Float = -1.0
    public static let seconds = 30.0

    public init(engine: Engine, index: Int, offset: Double, clipSeconds: Double) {
        self.engine = engine
        self.index = index
        self.offset = offset
        self.clipSeconds = clipSeconds
        words = WordAlignment(engine: engine)
        (noSpeechProb, avgLogprob) = Self.noSpeech(engine)
    }

    /// The clean run's no-speech probability and mean token log-prob: faster-whisper's inputs to
    /// its rule for dropping a window as silence.
    static func noSpeech(_ engine: Engine) -> (probability: Float, avgLogprob: Float) {
        let logits = engine.model.decoder.logits(engine.clean.decoder.residPost.last!.rows(0..<1)).data
        let lps = engine.clean.cleanTokenLogprobs
        return (expf(FastMath.logSoftmax(logits)[engine.model.specials.noSpeech]), lps.isEmpty ? 0 : lps.reduce(0, +) / Float(lps.count))
    }

    /// Windows a clip of `seconds` divides into (at least one).
    /// A last window that would hold less than one 10 ms frame is not counted (30.005 s is one
    /// window: a second could not be opened).
    public static func count(clipSeconds seconds: Double) -> Int {
        max(1, Int(((seconds - Engine.shortestWindow) / Self.seconds).rounded(.down)) + 1)
    }

    /// Why faster-whisper would drop this window's transcript (its no-speech rule), or nil.
    public var dropReason: String? { Self.dropReason(noSpeechProb, avgLogprob) }

    /// Why faster-whisper would drop the window `engine` analyses, or nil (for the batch
    /// commands, which analyse it anyway and say so).
    public static func dropReason(_ engine: Engine) -> String? {
        let (p, lp) = noSpeech(engine)
        return dropReason(p, lp)
    }

    static func dropReason(_ noSpeechProb: Float, _ avgLogprob: Float) -> String? {
        guard noSpeechProb > Self.noSpeechThreshold && !(avgLogprob > Self.logProbThreshold) else { return nil }
        return String(format: "faster-whisper drops this window: no-speech p %.3f > %.1f and mean log-prob %.2f <= %.1f",
                      noSpeechProb, Self.noSpeechThreshold, avgLogprob, Self.logProbThreshold)
    }

    /// The window's span in the clip, e.g. "30–41 s of 41 s".
    public var span: (start: Double, end: Double) { (offset, min(clipSeconds, offset + Self.seconds)) }

    // MARK: - Derived data

    private func cached<T>(_ read: () -> T?, _ store: (T) -> Void, compute: () throws -> T) rethrows -> T {
        lock.lock()
        if let v = read() { lock.unlock(); return v }
        lock.unlock()
        let v = try compute()
        lock.lock(); store(v); lock.unlock()
        return v
    }

    /// The clean run's logit lens.
    public func cleanLens() -> LogitLens {
        cached({ lens }, { lens = $0 }) { LogitLens(engine: engine, run: engine.clean) }
    }
    public var cleanLensIfReady: LogitLens? { lock.lock(); defer { lock.unlock() }; return lens }

    /// The encoder lens of the run under `set` (only its encoder part matters); the clean one
    /// and the 16 most recent patched ones are kept.
    public func encoderLens(lnPost: Bool, set: PatchSet = PatchSet()) throws -> EncoderLens {
        let key = EncoderLensKey(lnPost: lnPost, patches: EncoderLens.encoderPart(set))
        if let hit = encoderLensIfReady(lnPost: lnPost, set: set) { return hit }
        let lens = try EncoderLens(engine: engine, set: key.patches, lnPost: lnPost)
        lock.lock()
        encoderLenses[key] = lens
        if !key.patches.isEmpty {
            encoderLensOrder.removeAll { $0 == key }
            encoderLensOrder.append(key)
            if encoderLensOrder.count > 16 { encoderLenses.removeValue(forKey: encoderLensOrder.removeFirst()) }
        }
        lock.unlock()
        return lens
    }

    public func encoderLensIfReady(lnPost: Bool, set: PatchSet = PatchSet()) -> EncoderLens? {
        lock.lock(); defer { lock.unlock() }
        return encoderLenses[EncoderLensKey(lnPost: lnPost, patches: EncoderLens.encoderPart(set))]
    }

    struct EncoderLensKey: Hashable { let lnPost: Bool, patches: PatchSet }

    /// The snapshot of a patch set; the most recent 16 are kept, so toggling back is a lookup.
    public func snapshot(_ set: PatchSet, isCancelled: () -> Bool = { false }) throws -> RunSnapshot {
        if let hit = snapshotIfReady(set) { return hit }
        let snap = try RunSnapshot(engine: engine, patches: set, cleanLens: cleanLens(), isCancelled: isCancelled)
        lock.lock()
        snapshots[set] = snap
        snapshotOrder.removeAll { $0 == set }
        snapshotOrder.append(set)
        if snapshotOrder.count > 16 { snapshots.removeValue(forKey: snapshotOrder.removeFirst()) }
        lock.unlock()
        return snap
    }
    public func snapshotIfReady(_ set: PatchSet) -> RunSnapshot? {
        lock.lock(); defer { lock.unlock() }
        if set.isEmpty, let lens { return RunSnapshot(clean: engine, lens: lens) }
        return snapshots[set]
    }

    /// An attention map (see `AttentionRequest`); encoder self-attention costs ~100 ms a layer,
    /// so every head of a layer comes from one pass and the last few maps are kept.
    public func attention(_ request: AttentionRequest, run: Run) throws -> Matrix {
        if let hit = attentionIfReady(request) { return hit }
        let hyper = engine.model.hyper
        var computed: [(String, Matrix)] = []
        if request.kind == .encoder {
            let heads = try AttentionMaps.encoderSelfHeads(engine, layer: request.layer, heads: Array(0..<hyper.encoderHeads), frames: request.frames,
                                                           set: request.patches)
            computed = heads.enumerated().map { h, m in
                (AttentionRequest(kind: .encoder, layer: request.layer, head: h, frames: request.frames, patches: request.patches).key, m)
            }
        } else {
            computed = [(request.key, try AttentionMaps.select(request.kind, engine, run, layer: request.layer, head: request.head, frames: request.frames))]
        }
        lock.lock()
        for (key, m) in computed {
            maps[key] = m
            mapOrder.removeAll { $0 == key }
            mapOrder.append(key)
        }
        while mapOrder.count > 4 * max(hyper.encoderHeads, 8) { maps.removeValue(forKey: mapOrder.removeFirst()) }
        lock.unlock()
        return computed.first { $0.0 == request.key }?.1 ?? computed[0].1
    }
    public func attentionIfReady(_ request: AttentionRequest) -> Matrix? { lock.lock(); defer { lock.unlock() }; return maps[request.key] }
}

/// One attention map of a run: the kind, layer and head, its frames (audio only, or all 1500),
/// and the patch set of the run it reads (for encoder self-attention only its encoder part,
/// which is all that reaches it).
public struct AttentionRequest: Hashable, Sendable {
    public var kind: AttentionKind
    public var layer: Int
    public var head: Int
    public var frames: Int
    public var patches: PatchSet

    public init(kind: AttentionKind, layer: Int, head: Int, frames: Int, patches: PatchSet) {
        self.kind = kind
        self.layer = layer
        self.head = head
        self.frames = frames
        self.patches = kind == .encoder ? EncoderLens.encoderPart(patches) : patches
    }

    var key: String {
        let which: String
        switch kind {
        case .alignment, .mean: which = kind.rawValue
        default: which = "\(kind.rawValue) \(layer) \(head)"
        }
        return "\(which) \(frames) \(patches)"
    }
}
