import Foundation
import Model

/// libFuzzer target: reading audio (WAV, FLAC, OGG… through libsndfile, then our checks and
/// the mix to mono and resampling). Any bytes must load or throw `InputError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudio(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = "/dev/shm/asrlens-fuzz-audio-\(getpid())"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: bytes, count: count))
    if let samples = try? AudioFile.load(path) {
        precondition(!samples.isEmpty && samples.allSatisfy(\.isFinite), "load returned empty or non-finite audio")
    }
    return 0
}
