import COpusfile
import Foundation

/// Ogg Opus files, decoded by libopusfile, Xiph's reference reader, at 48 kHz as FFmpeg (and so
/// faster-whisper) decodes them.
///
/// libsndfile 1.2 recognises these files but decodes some of them wrongly: when a stream's
/// first granule position is offset, as FFmpeg writes every Opus file, it keeps the encoder's
/// pre-skip (312 samples, 6.5 ms) at the start and cuts as much off the end. libopusfile drops
/// the pre-skip and trims the end as RFC 7845 says.
enum OggOpus {
    /// The rate libopusfile always decodes at.
    static let rate = 48_000

    /// The samples of the Ogg Opus file at `path`, or of its bytes when it was read into memory
    /// (a pipe), interleaved, with their channel count. `truncated`: the stream has no last page
    /// (libsndfile found no length), which is refused once the rest is decoded.
    static func decode(path: String, memory: [UInt8]?, truncated: Bool) throws -> (samples: [Float], channels: Int, rate: Int) {
        guard let memory else { return try decode(path: path, truncated: truncated) { op_open_file(path, &$0) } }
        // The decoder reads the bytes for as long as it is open, so it is opened and freed in here.
        return try memory.withUnsafeBufferPointer { bytes in
            try decode(path: path, truncated: truncated) { op_open_memory(bytes.baseAddress, bytes.count, &$0) }
        }
    }

    private static func decode(path: String, truncated: Bool, open: (inout Int32) -> OpaquePointer?) throws
        -> (samples: [Float], channels: Int, rate: Int) {
        var error: Int32 = 0
        guard let file = open(&error) else { throw InputError(path, "not a readable Ogg Opus file (\(problem(error)))") }
        defer { op_free(file) }
        let channels = Int(op_channel_count(file, -1))
        guard channels > 0 else { throw InputError(path, "audio header has no channels") }
        // Up to 120 ms a call (the longest Opus packet), per channel.
        let chunk = 5_760
        var buffer = [Float](repeating: 0, count: chunk * channels)
        var samples: [Float] = []
        while true {
            var link: Int32 = 0
            let got = Int(buffer.withUnsafeMutableBufferPointer { op_read_float(file, $0.baseAddress, Int32($0.count), &link) })
            if got == 0 { break }
            guard got > 0 else {
                let decoded = String(format: "%.2f s", Double(samples.count / channels) / Double(rate))
                throw InputError(path, "is damaged: \(problem(Int32(got))) after \(decoded) of audio")
            }
            // A chained file whose links have different channel counts cannot be one signal.
            guard Int(op_channel_count(file, link)) == channels else {
                throw InputError(path, "changes its number of channels between the streams chained in it")
            }
            samples.append(contentsOf: buffer[0..<(got * channels)])
        }
        guard !samples.isEmpty else { throw InputError(path, "contains no audio samples") }
        if truncated { throw InputError(path, AudioFile.truncatedOgg(seconds: Double(samples.count / channels) / Double(rate))) }
        return (samples, channels, rate)
    }

    /// libopusfile's error codes, in words.
    static func problem(_ code: Int32) -> String {
        switch code {
        case OP_HOLE: "a page is missing from the Ogg stream"
        case OP_EREAD: "a read failed"
        case OP_EFAULT, OP_EIMPL, OP_EINVAL: "the decoder failed (libopusfile error \(code))"
        case OP_ENOTFORMAT: "no Opus stream in it"
        case OP_EBADHEADER: "its Opus header is damaged"
        case OP_EVERSION: "an Opus version this decoder does not know"
        case OP_EBADPACKET: "a packet could not be decoded"
        case OP_EBADLINK, OP_ENOSEEK, OP_EBADTIMESTAMP: "its Ogg pages are inconsistent"
        default: "libopusfile error \(code)"
        }
    }
}
