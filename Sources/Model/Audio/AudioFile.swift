import CSndfile
import Foundation

/// Reads any audio file libsndfile can decode (WAV, FLAC, OGG/Vorbis, MP3 where the system
/// library has it; Ogg Opus through `OggOpus`) and returns 16 kHz mono samples as
/// faster-whisper sees them (spec §5.1).
public enum AudioFile {
    /// The sample rate Whisper expects.
    public static let sampleRate = 16_000

    /// Samples at 16 kHz, mono, on the signed 16-bit grid (x = n / 32768).
    public static func load(_ path: String) throws -> [Float] {
        try whisperSamples(decode(path), name: path)
    }

    /// The same from an encoded file's bytes in memory (a synthesiser's output); `name` names
    /// it in messages.
    public static func load(encoded bytes: [UInt8], name: String) throws -> [Float] {
        try whisperSamples(decode(open(AudioBytes(bytes), name: name), name: name), name: name)
    }

    /// Decoded samples as faster-whisper sees them: mono, 16 kHz, clipped to the int16 grid.
    static func whisperSamples(_ decoded: (samples: [Float], channels: Int, rate: Int), name: String) throws -> [Float] {
        var mono = mixdown(decoded.samples, channels: decoded.channels)
        if decoded.rate != sampleRate {
            mono = try Resampler.resample(mono, from: decoded.rate, to: sampleRate, source: name)
        }
        guard !mono.isEmpty else { throw InputError(name, "contains no audio samples") }
        var level = Level()
        level.add(mono)
        level.warn(name)
        return quantizeToInt16Grid(mono)
    }

    /// How much of a file lies beyond full scale. faster-whisper decodes to 16-bit integers,
    /// which clips such samples, and so does asrlens; a float file 1000× too loud then
    /// transcribes as noise, which deserves a word.
    struct Level {
        private(set) var samples = 0, clipped = 0
        private(set) var peak: Float = 0

        /// Share of samples beyond full scale from which the file is reported: 0.1 %, so that
        /// the odd overshoot of a resampled, normalised recording passes in silence.
        static let reportedShare = 0.001

        mutating func add(_ block: [Float]) {
            samples += block.count
            for v in block {
                peak = max(peak, abs(v))
                // The int16 grid runs from -32768 to 32767: -1.0 fits it, and +1.0, full scale
                // in a float file, loses one step (to 32767), which is no clipping worth a word.
                let q = v * 32768
                if q > 32768.5 || q < -32768.5 { clipped += 1 }
            }
        }

        func warn(_ path: String) {
            guard samples > 0, Double(clipped) >= Self.reportedShare * Double(samples) else { return }
            let share = 100 * Double(clipped) / Double(samples)
            let times = peak < 10 ? String(format: "%.2f", Double(peak)) : String(format: "%.0f", Double(peak))
            Warnings.report(path, String(format: "%.1f%% of its samples lie beyond full scale", share)
                            + " (peak \(times)× full scale) and were clipped, as faster-whisper clips them; is its level right?")
        }
    }

    /// libsndfile's header log for an open file ("data : 105280 (should be 52618)", "PCM end : unknown").
    static func headerLog(_ handle: OpaquePointer) -> [Substring] {
        var log = [CChar](repeating: 0, count: 16_384)
        sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        return String(cString: log).split(separator: "\n")
    }

    /// Why a file holds less audio than its header says, before decoding: a data chunk that
    /// claims more bytes than the file holds, or a WAV whose data chunk claims far fewer bytes
    /// than follow it (a damaged size field; libsndfile would read only what it claims). Sizes
    /// of 0 and from 0x7FFF0000 up (0xFFFFFFFF, 0x7FFFFFFF, espeak-ng's 0x7FFFF000) mark streamed
    /// files whose writer could not know the length, and are fine.
    static func damagedHeader(_ log: [Substring]) -> String? {
        let numbers = { (line: Substring) in line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) } }
        var declared: Int?
        for line in log {
            if line.hasPrefix("data") {
                let n = numbers(line)
                if line.contains("should be"), n.count >= 2, n[n.count - 2] > n[n.count - 1], n[n.count - 2] < 0x7FFF_0000 {
                    return "is truncated: its header promises \(n[n.count - 2]) bytes of audio but the file holds \(n[n.count - 1])"
                }
                declared = n.last
            }
            if line.hasPrefix("*** Unknown chunk marker"), let declared, declared > 0,
               let position = numbers(line).last, let length = log.first(where: { $0.hasPrefix("Length") }).flatMap({ numbers($0).last }),
               length - position > max(declared, 4_096) {
                return "has a damaged header: its data chunk declares \(declared) bytes, but \(length - position) bytes that are not a chunk follow it"
            }
        }
        return nil
    }

    /// Why fewer frames were decoded than the header promised (a truncated or corrupted FLAC or
    /// Ogg file decodes up to the damage), or nil. Only for files that can be seeked: a pipe's
    /// length is unknown.
    static func incomplete(_ log: [Substring], info: SF_INFO, decoded: Int) -> String? {
        guard info.seekable != 0 else { return nil }
        let rate = Double(info.samplerate)
        if log.contains(where: { $0.hasPrefix("PCM end") && $0.hasSuffix("unknown") }) { return truncatedOgg(seconds: Double(decoded) / rate) }
        let promised = Int(info.frames)
        guard promised > 0, promised < Int(Int32.max), decoded < promised else { return nil }
        return String(format: "is truncated or damaged: its header promises %d frames (%.2f s) but only %d (%.2f s) could be decoded",
                      promised, Double(promised) / rate, decoded, Double(decoded) / rate)
    }

    static func truncatedOgg(seconds: Double) -> String {
        String(format: "is truncated: the Ogg stream stops without its last page (%.2f s could be decoded)", seconds)
    }

    /// An open libsndfile handle, and the bytes it reads when they are in memory (kept alive
    /// until the handle is closed).
    struct Opened {
        let handle: OpaquePointer
        let info: SF_INFO
        let log: [Substring]
        let memory: AudioBytes?
    }

    /// Opens `path` with libsndfile after the checks every reader makes (the path, the format,
    /// a damaged header); a pipe is read into memory first. The caller closes the handle.
    static func open(_ path: String) throws -> Opened {
        try FileProblem.checkReadable(path, as: .fileOrPipe("an audio file"))
        return try open(FileProblem.isPipe(path) ? try AudioBytes(contentsOf: path) : nil, name: path)
    }

    static func open(_ memory: AudioBytes?, name: String) throws -> Opened {
        var info = SF_INFO()
        let opened = DecoderChatter.silenced { memory.map { $0.open(&info) } ?? sf_open(name, Int32(SFM_READ), &info) }
        guard let handle = opened else {
            // Nothing to recognise: say so rather than libsndfile's "format not recognised".
            let onDisk = (try? FileManager.default.attributesOfItem(atPath: name))?[.size] as? NSNumber
            let size = memory?.bytes.count ?? onDisk?.intValue
            if size == 0 { throw InputError(name, "is empty (0 bytes), not an audio file") }
            // A WAV header with an impossible field: name the field.
            let head = memory.map { Array($0.bytes.prefix(65_536)) } ?? FileHandle(forReadingAtPath: name).flatMap { h in
                defer { try? h.close() }
                return try? h.read(upToCount: 65_536).map { [UInt8]($0) }
            } ?? []
            if let problem = WAVFormat.problem(head, complete: size == head.count) { throw InputError(name, problem) }
            // libsndfile's sentence, as a clause: "format not recognised", not "(Format not recognised.)".
            var reason = String(cString: sf_strerror(nil))
            while reason.hasSuffix(".") { reason.removeLast() }
            // A stream cut or broken before its first whole frame: libsndfile calls an Ogg one
            // "malformed" and a short MP3 "not a regular file (possibly a pipe?)".
            if let kind = streamKind(head), size == head.count {
                throw InputError(name, "is truncated or damaged: its \(kind) stream ends or breaks before the first audio libsndfile can read (\(head.count) bytes)")
            }
            // Containers libsndfile has no decoder for: say what to do, as the README does.
            // An MP4 container says so in its bytes (`ftyp` at 4), whatever the file is called.
            let ext = URL(fileURLWithPath: name).pathExtension.lowercased()
            let mp4 = head.count >= 8 && head[4..<8].elementsEqual("ftyp".utf8)
            let unread = mp4 || ["aac", "webm", "mkv", "wma", "amr"].contains(ext)
                ? "; \(mp4 ? "MP4/M4A" : ext.uppercased()) audio is not read: convert it first (ffmpeg -i in.\(mp4 ? "m4a" : ext) out.flac)" : ""
            throw InputError(name, "not a readable audio file (\(reason.prefix(1).lowercased() + reason.dropFirst()))" + unread)
        }
        let log = headerLog(handle)
        if let problem = damagedHeader(log) { sf_close(handle); throw InputError(name, problem) }
        return Opened(handle: handle, info: info, log: log, memory: memory)
    }

    /// The stream format a file's first bytes announce (Ogg, FLAC, MP3 with an ID3 tag or a
    /// frame sync), or nil.
    static func streamKind(_ head: [UInt8]) -> String? {
        if head.starts(with: Array("OggS".utf8)) { return "Ogg" }
        if head.starts(with: Array("fLaC".utf8)) { return "FLAC" }
        if head.starts(with: Array("ID3".utf8)) || (head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) { return "MP3" }
        return nil
    }

    /// Whether libsndfile found Ogg Opus, which `OggOpus` decodes instead.
    static func isOpus(_ info: SF_INFO) -> Bool { Int(info.format) == SF_FORMAT_OGG | SF_FORMAT_OPUS }

    /// Sample rates asrlens reads (and resamples to 16 kHz).
    static let supportedRates = 1_000...768_000

    public static func decode(_ path: String) throws -> (samples: [Float], channels: Int, rate: Int) {
        try decode(open(path), name: path)
    }

    static func decode(_ file: Opened, name path: String) throws -> (samples: [Float], channels: Int, rate: Int) {
        let (handle, info, log) = (file.handle, file.info, file.log)
        defer { sf_close(handle); withExtendedLifetime(file.memory) {} }
        // libsndfile knows no length for an Ogg stream without its last page; a pipe's is unknown anyway.
        if isOpus(info) {
            return try OggOpus.decode(path: path, memory: file.memory?.bytes,
                                      truncated: file.memory == nil && info.seekable != 0 && info.frames == Int64.max)
        }
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else { throw InputError(path, "audio header has no channels or no sample rate") }
        guard supportedRates.contains(Int(info.samplerate)) else {
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
            let got = DecoderChatter.silenced { buffer.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(chunkFrames)) } }
            if got <= 0 { break }
            samples.append(contentsOf: buffer[0..<(Int(got) * channels)])
        }
        // A header that promised audio none of which decodes is damaged, not empty.
        if file.memory == nil, let problem = incomplete(log, info: info, decoded: samples.count / channels) { throw InputError(path, problem) }
        // Nothing decoded from a small file: a WAV cut inside its data chunk's own header.
        if samples.isEmpty, file.memory == nil, ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? .max < 65_536,
           let head = FileManager.default.contents(atPath: path), let problem = WAVFormat.problem([UInt8](head), complete: true) {
            throw InputError(path, problem)
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
