import CSndfile
import Foundation

/// Reads any audio file libsndfile can decode (WAV, FLAC, OGG/Vorbis, MP3 where the system
/// library has it) and returns 16 kHz mono samples as faster-whisper sees them (spec §5.1).
public enum AudioFile {
    /// The sample rate Whisper expects.
    public static let sampleRate = 16_000

    /// Samples at 16 kHz, mono, on the signed 16-bit grid (x = n / 32768).
    public static func load(_ path: String) throws -> [Float] {
        let decoded = try decode(path)
        var mono = mixdown(decoded.samples, channels: decoded.channels)
        if decoded.rate != sampleRate {
            mono = try Resampler.resample(mono, from: decoded.rate, to: sampleRate, source: path)
        }
        guard !mono.isEmpty else { throw InputError(path, "contains no audio samples") }
        return quantizeToInt16Grid(mono)
    }

    /// Interleaved float samples, channel count and rate, straight from libsndfile.
    /// A data chunk that claims more bytes than the file holds, from libsndfile's header log
    /// ("data : 105280 (should be 52618)"). libsndfile reads what is there, which would silently
    /// transcribe part of a damaged file. Sizes of 0 and 0xFFFFFFFF mark streamed files whose
    /// writer could not know the length, and are fine.
    static func truncation(_ handle: OpaquePointer) -> (promised: Int, held: Int)? {
        var log = [CChar](repeating: 0, count: 16_384)
        sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        for line in String(cString: log).split(separator: "\n") where line.hasPrefix("data") {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            guard line.contains("should be"), numbers.count >= 2 else { continue }
            let (promised, held) = (numbers[numbers.count - 2], numbers[numbers.count - 1])
            if promised > held && promised != 0xFFFF_FFFF && promised != 0x7FFF_FFFF { return (promised, held) }
        }
        return nil
    }

    public static func decode(_ path: String) throws -> (samples: [Float], channels: Int, rate: Int) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw InputError(path, "no such file")
        }
        guard !isDir.boolValue else { throw InputError(path, "is a directory, expected an audio file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw InputError(path, "permission denied") }
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw InputError(path, "not a readable audio file (\(reason.prefix(1).lowercased() + reason.dropFirst()))")
        }
        defer { sf_close(handle) }
        if let (promised, held) = truncation(handle) {
            throw InputError(path, "is truncated: its header promises \(promised) bytes of audio but the file holds \(held)")
        }
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else { throw InputError(path, "audio header has no channels or no sample rate") }
        guard (1_000...768_000).contains(Int(info.samplerate)) else {
            throw InputError(path, "audio header says \(info.samplerate) Hz; supported rates are 1 kHz to 768 kHz")
        }
        var samples: [Float] = []
        // The header's frame count only sizes the first allocation; a damaged one must not
        // ask for gigabytes.
        let frames = min(max(0, Int(info.frames)), 1 << 20)
        samples.reserveCapacity(frames * channels)
        let chunkFrames = max(1_024, min(frames, 16_384))
        var buffer = [Float](repeating: 0, count: chunkFrames * channels)
        while true {
            let got = buffer.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(chunkFrames)) }
            if got <= 0 { break }
            samples.append(contentsOf: buffer[0..<(Int(got) * channels)])
        }
        guard !samples.isEmpty else { throw InputError(path, "contains no audio samples") }
        guard samples.allSatisfy({ $0.isFinite }) else { throw InputError(path, "contains NaN or infinite samples") }
        return (samples, channels, Int(info.samplerate))
    }

    /// The mean of the channels of each frame.
    static func mixdown(_ interleaved: [Float], channels: Int) -> [Float] {
        guard channels > 1 else { return interleaved }
        let frames = interleaved.count / channels
        let scale = 1 / Float(channels)
        return (0..<frames).map { f in
            var s: Float = 0
            for c in 0..<channels { s += interleaved[f * channels + c] }
            return s * scale
        }
    }

    /// faster-whisper decodes to signed 16-bit before dividing by 32768; do the same rounding.
    static func quantizeToInt16Grid(_ x: [Float]) -> [Float] {
        x.map { v in
            let q = (v * 32768).rounded(.toNearestOrEven)
            return Swift.min(32767, Swift.max(-32768, q)) / 32768
        }
    }
}
