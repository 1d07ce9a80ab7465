import Foundation

/// A clip as the analysis reads it: its length, and the log-mel features of any frames,
/// clamped as faster-whisper clamps the whole file's (to 8 below the file's maximum).
///
/// A file that can be streamed (16 kHz, known length, seekable) is read once at `open` for the
/// maximum and again, from a seek, for each window asked for: memory holds a window, not the
/// file, so a 1 GB WAV is analysed in the memory of a short clip. Samples given in memory, and
/// files that are loaded whole (resampling a piece could differ from resampling the whole
/// file), keep their features from one pass: they are 1/32 the size of the samples.
public final class ClipAudio: @unchecked Sendable {
    /// The file's path, or a name for samples given directly.
    public let name: String
    /// Samples at 16 kHz.
    public let sampleCount: Int
    public var seconds: Double { Double(sampleCount) / Double(AudioFile.sampleRate) }
    /// Feature frames, the last (dropped before encoding) included: `floor(samples / 160) + 1`.
    public var frameCount: Int { LogMel.frameCount(samples: sampleCount) }

    private let logMel: LogMel
    private let source: Source
    private let lock = NSLock()

    private enum Source {
        /// Every frame, computed once.
        case features(Matrix)
        /// A stream and its log-mel maximum (a first pass over it).
        case stream(AudioStream, top: Float)
    }

    /// Samples already in memory.
    public init(samples: [Float], nMels: Int, name: String = "samples") {
        self.name = name
        logMel = LogMel(nMels: nMels)
        source = .features(logMel(samples))
        sampleCount = samples.count
    }

    /// A file, streamed when it can be, otherwise loaded whole. Every problem `AudioFile.load`
    /// reports is reported here, the whole file having been read once.
    public static func open(_ path: String, nMels: Int) throws -> ClipAudio {
        guard let stream = try AudioStream.open(path) else { return ClipAudio(samples: try AudioFile.load(path), nMels: nMels, name: path) }
        let logMel = LogMel(nMels: nMels)
        return ClipAudio(stream: stream, logMel: logMel, top: try logMel.maximum(stream))
    }

    private init(stream: AudioStream, logMel: LogMel, top: Float) {
        name = stream.path
        self.logMel = logMel
        source = .stream(stream, top: top)
        sampleCount = stream.count
    }

    /// The 30 s window from feature frame `seek`: features `[nMels, 3000]`, zero past the
    /// clip's end, and the number of frames that hold audio. The one place samples become the
    /// encoder's input.
    public func window(at seek: Int) throws -> (features: Matrix, frames: Int) {
        let frames = max(0, min(Transcriber.framesPerWindow, frameCount - 1 - seek))
        return (Transcriber.window(try features(seek..<(seek + frames)), from: 0, count: frames), frames)
    }

    /// Features `[nMels, frames.count]` of `frames` (within `0..<frameCount`).
    public func features(_ frames: Range<Int>) throws -> Matrix {
        precondition(frames.lowerBound >= 0 && frames.upperBound <= frameCount, "frames \(frames) outside 0..<\(frameCount)")
        switch source {
        case .features(let all):
            var out = Matrix(zeros: all.rows, frames.count)
            for m in 0..<all.rows {
                for (k, t) in frames.enumerated() { out.data[m * out.cols + k] = all.data[m * all.cols + t] }
            }
            return out
        case .stream(let stream, let top):
            lock.lock(); defer { lock.unlock() }
            return try logMel.frames(frames, of: stream, top: top)
        }
    }
}
