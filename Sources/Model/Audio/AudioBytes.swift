import CSndfile
import Foundation

/// Encoded audio held in memory, opened by libsndfile through its virtual I/O. A pipe cannot be
/// seeked, and libsndfile must seek to recognise most formats, so audio from a pipe
/// (`<(sox …)`, `/dev/stdin`) and from a synthesiser's stdout is read into memory first: no
/// temporary file is written.
final class AudioBytes {
    let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Everything `path` holds (a FIFO is read to its end).
    convenience init(contentsOf path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(path, "cannot be opened for reading") }
        defer { try? handle.close() }
        do { self.init([UInt8](try handle.readToEnd() ?? Data())) } catch {
            throw InputError(path, "could not be read to its end (\(error.localizedDescription))")
        }
    }

    /// A libsndfile handle reading these bytes; they must outlive it (the caller keeps `self`).
    func open(_ info: inout SF_INFO) -> OpaquePointer? {
        var io = SF_VIRTUAL_IO(
            get_filelen: { user in sf_count_t(AudioBytes.from(user).bytes.count) },
            seek: { offset, whence, user in
                let b = AudioBytes.from(user)
                let base = whence == SEEK_CUR ? b.position : whence == SEEK_END ? b.bytes.count : 0
                b.position = max(0, min(b.bytes.count, base + Int(offset)))
                return sf_count_t(b.position)
            },
            read: { destination, count, user in
                let b = AudioBytes.from(user)
                let n = max(0, min(Int(count), b.bytes.count - b.position))
                if n > 0, let destination {
                    b.bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + b.position, byteCount: n) }
                }
                b.position += n
                return sf_count_t(n)
            },
            write: { _, _, _ in 0 },
            tell: { user in sf_count_t(AudioBytes.from(user).position) })
        return sf_open_virtual(&io, Int32(SFM_READ), &info, Unmanaged.passUnretained(self).toOpaque())
    }

    private static func from(_ user: UnsafeMutableRawPointer?) -> AudioBytes {
        Unmanaged<AudioBytes>.fromOpaque(user!).takeUnretainedValue()
    }
}
