import Foundation
import Model

/// Loads a clip for the explorer: the model and the audio once, then one engine per
/// 30-second window on request, keeping the last few warm so moving back is instant.
public final class ClipLoader: @unchecked Sendable {
    public let model: WhisperModel
    public let audio: ClipAudio
    public let name: String
    public let language: String?
    /// Start of window 0 in seconds: `--offset` modulo 30, so that `--offset 30` is window 1.
    public let base: Double
    /// The window `--offset` asked for.
    public let firstWindow: Int
    public let windowCount: Int
    public var seconds: Double { audio.seconds }
    /// Something the user should know about the clip or the options (shown on the status line).
    public let notice: String?

    private let lock = NSLock()
    private var warm: [Int: ClipWindow] = [:]
    private var order: [Int] = []
    public static let keepWarm = 3

    /// Samples in memory (tests, benchmarks).
    public convenience init(model: WhisperModel, samples: [Float], name: String, language: String? = nil, offset: Double = 0) throws {
        try self.init(model: model, audio: ClipAudio(samples: samples, nMels: model.hyper.nMels, name: name), name: name, language: language, offset: offset)
    }

    /// Checks the offset at once (a bad one fails before any screen opens).
    /// The audio file at `path`, streamed when it can be, named by its file name.
    public convenience init(model: WhisperModel, path: String, language: String? = nil, offset: Double = 0) throws {
        try self.init(model: model, audio: try ClipAudio.open(path, nMels: model.hyper.nMels), name: URL(fileURLWithPath: path).lastPathComponent,
                      language: language, offset: offset)
    }

    public init(model: WhisperModel, audio: ClipAudio, name: String, language: String? = nil, offset: Double = 0) throws {
        self.model = model
        self.audio = audio
        self.name = name
        if let language { try Transcriber.checkCode(language) }
        let seconds = audio.seconds
        try Engine.checkOffset(offset, clipSeconds: seconds)
        base = offset.truncatingRemainder(dividingBy: ClipWindow.seconds)
        firstWindow = Int(offset / ClipWindow.seconds)
        windowCount = max(firstWindow + 1, ClipWindow.count(clipSeconds: seconds - base))
        // The explorer goes on in English where the batch commands refuse.
        if let language, !model.specials.isMultilingual, language != "en" {
            notice = "\(model.name) is English-only: --language \(language) is ignored"
            self.language = nil
        } else {
            notice = nil
            self.language = language
        }
    }

    /// Start of window `index` in seconds.
    public func offset(_ index: Int) -> Double { base + Double(index) * ClipWindow.seconds }

    /// Window `index` (0-based), built on first use. `progress` hears what is being done.
    public func window(_ index: Int, progress: (String, Double) -> Void = { _, _ in }) throws -> ClipWindow {
        lock.lock()
        if let hit = warm[index] {
            order.removeAll { $0 == index }
            order.append(index)
            lock.unlock()
            return hit
        }
        lock.unlock()
        progress(String(format: "window %d of %d (%.0f–%.0f s): encoder, greedy decoding, teacher forcing", index + 1, windowCount,
                        offset(index), min(seconds, offset(index) + ClipWindow.seconds)), 0.2)
        let engine = try Engine(model: model, audio: audio, language: language, offset: offset(index))
        progress("word alignment", 0.9)
        let window = ClipWindow(engine: engine, index: index, offset: offset(index), clipSeconds: seconds)
        lock.lock()
        warm[index] = window
        order.append(index)
        if order.count > Self.keepWarm { warm.removeValue(forKey: order.removeFirst()) }
        lock.unlock()
        return window
    }
}
