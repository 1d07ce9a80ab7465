import Foundation
import Model

/// Writes a file through a temporary file in the same folder and a rename, so an interrupted
/// or failed write never leaves half a file and never damages the old one.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    /// Fails now, with the message `write` would give, if `path` cannot be written; an existing
    /// file there is left as it is. For long jobs that should not fail only at the end.
    public static func checkWritable(_ path: String) throws {
        let tmp = temporary(for: path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure(path, errno) }
        close(fd)
        unlink(tmp)
    }

    static func temporary(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    }

    /// The data goes to a temporary file, is flushed to disk (a full disk can show only then),
    /// and replaces `path` by a rename; on any failure the temporary file is removed and the
    /// old file at `path` is untouched.
    public static func write(_ data: Data, to path: String) throws {
        let tmp = temporary(for: path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure(path, errno) }
        var problem: Int32 = 0
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; problem = errno; return }
                offset += n
            }
        }
        if problem == 0 && fsync(fd) != 0 { problem = errno }
        if close(fd) != 0 && problem == 0 { problem = errno }
        if problem == 0 && rename(tmp, path) != 0 { problem = errno }
        if problem != 0 {
            unlink(tmp)
            throw failure(path, problem)
        }
    }

    static func failure(_ path: String, _ code: Int32) -> InputError {
        let reason: String
        switch code {
        case ENOENT: reason = "no such folder"
        case ENOTDIR: reason = "a part of the path is not a folder"
        case EACCES, EPERM: reason = "permission denied"
        case ENOSPC, EDQUOT: reason = "the disk is full"
        case EROFS: reason = "read-only file system"
        case EISDIR: reason = "is a directory"
        default: reason = String(cString: strerror(code)).lowercased()
        }
        return InputError(path, "cannot write: \(reason); any file already there is unchanged")
    }
}

#if canImport(Glibc)
import Glibc
#endif
