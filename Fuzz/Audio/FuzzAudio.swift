import Foundation
import Model

/// libFuzzer target: reading audio (WAV, FLAC, OGG… through libsndfile, then our header and
/// sample checks). Any bytes must decode or throw `InputError`. Resampling (libsoxr) is left
/// out: it costs milliseconds per input and sees only finite samples at a checked rate.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudio(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = "/dev/shm/asrlens-fuzz-audio-\(getpid())"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: bytes, count: count))
    if let audio = try? AudioFile.decode(path) {
        precondition(!audio.samples.isEmpty && audio.samples.allSatisfy(\.isFinite), "decode returned empty or non-finite audio")
        precondition(audio.samples.count % audio.channels == 0 && (1_000...768_000).contains(audio.rate), "inconsistent decode")
    }
    return 0
}
