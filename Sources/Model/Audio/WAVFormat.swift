import Foundation

/// A RIFF/WAVE file's `fmt ` chunk, read from its bytes: what a header libsndfile refuses to
/// open says, so that the refusal can name the field at fault instead of libsndfile's
/// "SF_INFO struct incomplete".
enum WAVFormat {
    /// Why the header's format is unusable (no channels, a sample rate out of range), or nil
    /// when the bytes are no WAVE file or its format looks sound.
    static func problem(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        var chunk = 12
        while chunk + 8 <= bytes.count {
            let size = le(chunk + 4, 4), data = chunk + 8
            if bytes[chunk..<(chunk + 4)].elementsEqual("fmt ".utf8) {
                guard size >= 16, data + 16 <= bytes.count else { return "its fmt chunk is too short (\(size) bytes; a WAV's needs 16)" }
                let channels = le(data + 2, 2), rate = le(data + 4, 4)
                if channels == 0 { return "audio header has no channels" }
                if !AudioFile.supportedRates.contains(rate) { return "audio header says \(rate) Hz; supported rates are 1 kHz to 768 kHz" }
                return nil
            }
            chunk = data + size + size % 2   // chunks are padded to an even size
        }
        return nil
    }
}
