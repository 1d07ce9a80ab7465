import Foundation

/// A RIFF/WAVE file's `fmt ` chunk, read from its bytes: what a header libsndfile refuses to
/// open says, so that the refusal can name the field at fault instead of libsndfile's
/// "SF_INFO struct incomplete".
enum WAVFormat {
    /// Why the header is unusable (cut off, no channels, a sample rate out of range), or nil
    /// when the bytes are no WAVE file or its header looks sound. `complete`: the bytes are the
    /// whole file, so a header that stops before the `data` chunk was cut off.
    static func problem(_ bytes: [UInt8], complete: Bool) -> String? {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let cutOff = "is cut off inside its header (the file is \(bytes.count) bytes, and its audio would follow the header)"
        var chunk = 12
        while chunk + 8 <= bytes.count {
            let size = le(chunk + 4, 4), data = chunk + 8
            if bytes[chunk..<(chunk + 4)].elementsEqual("fmt ".utf8) {
                guard size >= 16 else { return "its fmt chunk is too short (\(size) bytes; a WAV's needs 16)" }
                guard data + 16 <= bytes.count else { return complete ? cutOff : nil }
                let channels = le(data + 2, 2), rate = le(data + 4, 4)
                if channels == 0 { return "audio header has no channels" }
                if !AudioFile.supportedRates.contains(rate) { return "audio header says \(rate) Hz; supported rates are 1 kHz to 768 kHz" }
            }
            if bytes[chunk..<(chunk + 4)].elementsEqual("data".utf8) { return nil }   // a whole header: libsndfile's reason stands
            chunk = data + size + size % 2   // chunks are padded to an even size
        }
        return complete ? cutOff : nil
    }
}
