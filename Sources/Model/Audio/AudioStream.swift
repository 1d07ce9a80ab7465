import CSndfile
import Foundation

/// An audio file read block by block, as 16 kHz mono samples on the int16 grid — what
/// `AudioFile.load` returns, without holding the whole file. Features of a one-hour file then
/// need the features (115 MB) rather than the samples as well (230 MB and more).
///
/// Only for 16 kHz files whose header gives their length and that can be seeked (`open`
/// returns nil otherwise, and the caller loads the file whole): resampling one block at a time
/// could differ from resampling the file in one piece. Not for Ogg Opus, which libsndfile
/// decodes wrongly (`OggOpus`).
public final class AudioStream {
    public let path: String
    /// Samples (frames) the header promises.
    public let count: Int
    private let handle: OpaquePointer
    private let info: SF_INFO
    private let log: [Substring]
    private var decoded = 0
    private var level = AudioFile.Level()
    /// Whether reading skipped part of the file (a seek): the level is then not the file's.
    private var partial = false

    /// Opens `path` for streaming, or nil when it must be loaded whole; the same input checks
    /// as `AudioFile.load` fail here with the same messages.
    public static func open(_ path: String) throws -> AudioStream? {
        if FileProblem.isPipe(path) { return nil }   // read once, whole: streaming would drain it
        let file = try AudioFile.open(path)
        let (handle, info, log) = (file.handle, file.info, file.log)
        guard Int(info.samplerate) == AudioFile.sampleRate, !AudioFile.isOpus(info), info.channels > 0, info.seekable != 0,
              info.frames > 0, info.frames < Int64(Int32.max), !log.contains(where: { $0.hasPrefix("PCM end") && $0.hasSuffix("unknown") }) else {
            sf_close(handle)
            return nil
        }
        return AudioStream(path: path, handle: handle, info: info, log: log)
    }

    private init(path: String, handle: OpaquePointer, info: SF_INFO, log: [Substring]) {
        self.path = path; self.handle = handle; self.info = info; self.log = log
        count = Int(info.frames)
    }

    deinit { sf_close(handle) }

    /// Moves to sample `frame` (0 ≤ frame ≤ count); reading goes on from there.
    public func seek(to frame: Int) throws {
        guard DecoderChatter.silenced({ sf_seek(handle, sf_count_t(frame), SEEK_SET) }) == sf_count_t(frame) else {
            throw InputError(path, "cannot seek to sample \(frame) (\(String(cString: sf_strerror(handle))))")
        }
        if frame > 0 || decoded > 0 { partial = true }
        decoded = frame
    }

    /// This stream's samples for `LogMel`, read from wherever the first chunk asks, then on in
    /// order, holding only what the chunk being computed reads.
    func sampleWindow() -> SampleWindow { SampleWindow(self) }

    /// The samples of the range a chunk reads, from `stream`: seeks once, then reads ahead and
    /// drops what is behind; past the end it holds the padding zeros.
    final class SampleWindow {
        let stream: AudioStream
        var buffer: [Float] = [], start = -1, ended = false
        init(_ stream: AudioStream) { self.stream = stream }

        func prepare(_ range: Range<Int>) throws {
            if start < 0 {
                start = min(range.lowerBound, stream.count)
                if start != stream.decoded { try stream.seek(to: start) }
            }
            if range.lowerBound > start {   // samples no later chunk reads
                buffer.removeFirst(min(buffer.count, range.lowerBound - start))
                start = range.lowerBound
            }
            while start + buffer.count < range.upperBound {
                let block = ended ? [] : try stream.read(1 << 16)
                if block.isEmpty {   // the end: the padding zeros
                    ended = true
                    buffer += [Float](repeating: 0, count: range.upperBound - start - buffer.count)
                } else {
                    buffer += block
                }
            }
        }

        func sample(_ i: Int) -> Float { buffer[i - start] }
    }

    /// Up to `frames` more samples; empty at the end, where a file that held fewer than its
    /// header promised, held none, or held NaN fails as `AudioFile.load` would.
    public func read(_ frames: Int) throws -> [Float] {
        let channels = Int(info.channels)
        var buffer = [Float](repeating: 0, count: frames * channels)
        let got = DecoderChatter.silenced { Int(buffer.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(frames)) }) }
        guard got > 0 else {
            if let problem = AudioFile.incomplete(log, info: info, decoded: decoded) { throw InputError(path, problem) }
            guard decoded > 0 else { throw InputError(path, "contains no audio samples") }
            if !partial { level.warn(path) }
            level = AudioFile.Level()
            return []
        }
        decoded += got
        // The features were sized from the header; more audio than it promised would be cut.
        guard decoded <= count else {
            throw InputError(path, "holds more audio than its header promises (\(count) frames); the header is damaged")
        }
        let block = AudioFile.mixdown(Array(buffer[0..<(got * channels)]), channels: channels)
        guard block.allSatisfy({ $0.isFinite }) else { throw InputError(path, "contains NaN or infinite samples") }
        level.add(block)
        return AudioFile.quantizeToInt16Grid(block)
    }
}
