import CSndfile
import Foundation

/// Writes 16-bit PCM WAV files through libsndfile (for generated data sets).
public enum AudioWriter {
    /// Writes mono samples in [-1, 1] (clipped) at `rate` Hz to `path`.
    public static func writeWAV(_ samples: [Float], rate: Int = AudioFile.sampleRate, to path: String) throws {
        var info = SF_INFO()
        info.samplerate = Int32(rate)
        info.channels = 1
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw InputError(path, "cannot write audio (\(String(cString: sf_strerror(nil))))")
        }
        defer { sf_close(handle) }
        let clipped = samples.map { max(-1, min(1, $0)) }
        let written = clipped.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t($0.count)) }
        guard written == clipped.count else { throw InputError(path, "short write (\(written) of \(clipped.count) frames)") }
    }
}
