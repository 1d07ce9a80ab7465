import Foundation
import Model

/// Writes an output file so that a failed write never leaves half a file and never damages
/// what was there. A regular file (or a path that does not exist yet) is replaced through a
/// temporary file in the same folder and a rename. A symbolic link is followed, and the file it
/// points to is replaced that way, so the link stays a link. A device, FIFO or socket
/// (`/dev/null`, a named pipe) is written through, never replaced. A path that names one of
/// this process's open descriptors (`/dev/stdout`, `/dev/fd/3`) is written to that descriptor,
/// whatever it is open on: `> out.txt` makes /dev/stdout lead to a regular file, which must
/// be appended to as the shell opened it, not renamed over.
public enum AtomicFile {
    /// `waitingForReader: false` refuses a FIFO that no process reads, where opening it would
    /// wait for one (the explorer, which must never hang on an export).
    public static func write(_ text: String, to path: String, waitingForReader: Bool = true) throws {
        try write(Data(text.utf8), to: path, waitingForReader: waitingForReader)
    }

    /// What is at an output path, after following symbolic links.
    enum Target: Equatable {
        /// A regular file, or nothing yet: replace `path` atomically.
        case file(path: String)
        /// A device, FIFO or socket: write through it.
        case stream(path: String)
        /// An open descriptor of this process, named as `/dev/stdout` or `/dev/fd/N`.
        case descriptor(Int32)
    }

    /// The descriptor a path names (`/dev/stdout` 1, `/dev/stderr` 2, `/dev/fd/N` and
    /// `/proc/self/fd/N` N), or nil for any other path and for standard input.
    public static func descriptor(_ path: String) -> Int32? {
        let p = path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL.path : path
        switch p {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where p.hasPrefix(prefix) {
                if let fd = Int32(p.dropFirst(prefix.count)), fd > 0 { return fd }
            }
            return nil
        }
    }

    /// Classifies `path`; a folder, a symlink loop or a dangling link into a missing folder fail here.
    static func target(_ path: String) throws -> Target {
        guard !path.isEmpty else { throw InputError(path, "an empty path names no file") }
        if path.hasSuffix("/") { throw InputError(path, "names a folder, not a file (add the file's name)") }
        if let fd = descriptor(path) {
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, flags & O_ACCMODE != O_RDONLY else { throw InputError(path, "cannot write: descriptor \(fd) is not open for writing") }
            return .descriptor(fd)
        }
        // A device or pipe reached through links the kernel resolves itself (/dev/stdout →
        // /proc/self/fd/1 → "pipe:[…]", which is no path): write through the path given.
        var st = stat()
        if stat(path, &st) == 0, ![S_IFREG, S_IFDIR].contains(st.st_mode & S_IFMT) { return .stream(path: path) }
        var resolved = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(resolved, &st) == 0 else {
                if errno == ENOENT { return .file(path: resolved) }
                throw failure(path, errno)
            }
            switch st.st_mode & S_IFMT {
            case S_IFLNK:
                guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: resolved) else { throw failure(path, EIO) }
                resolved = link.hasPrefix("/") ? link
                    : URL(fileURLWithPath: resolved).deletingLastPathComponent().appendingPathComponent(link).path
            case S_IFREG: return .file(path: resolved)
            case S_IFDIR: throw failure(path, EISDIR)
            default: return .stream(path: resolved)
            }
        }
        throw failure(path, ELOOP)
    }

    /// Fails now, with the message `write` would give, if `path` cannot be written; what is
    /// there is left as it is. For long jobs that should not fail only at the end.
    public static func checkWritable(_ path: String) throws {
        switch try target(path) {
        case .stream(let device):
            guard access(device, W_OK) == 0 else { throw failure(path, errno) }
        case .descriptor: break   // `target` found it open for writing
        case .file(let file):
            let tmp = temporary(for: file)
            let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw failure(path, errno) }
            close(fd)
            unlink(tmp)
        }
    }

    static func temporary(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    }

    /// A regular file: the data goes to a temporary file, is flushed to disk (a full disk can
    /// show only then), and replaces the file by a rename; on any failure the temporary file is
    /// removed and the old file is untouched. A device or FIFO is written through.
    public static func write(_ data: Data, to path: String, waitingForReader: Bool = true) throws {
        switch try target(path) {
        case .stream(let device):
            // Without waiting, opening a FIFO that has no reader fails (ENXIO) instead of blocking;
            // once open, writes block as usual.
            let fd = open(device, O_WRONLY | (waitingForReader ? 0 : O_NONBLOCK))
            guard fd >= 0 else {
                let code = errno
                if code == ENXIO && !waitingForReader { throw InputError(path, "cannot write: a FIFO that no process reads (start its reader first)") }
                throw failure(path, code, replaced: false)
            }
            if !waitingForReader { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
            var problem = writeAll(fd, data)
            if close(fd) != 0 && problem == 0 { problem = errno }
            if problem != 0 { throw failure(path, problem, replaced: false) }
        case .descriptor(let fd):
            fflush(nil)   // what the program printed before comes first
            let problem = writeAll(fd, data)
            if problem != 0 { throw failure(path, problem, replaced: false) }
        case .file(let file):
            let tmp = temporary(for: file)
            let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw failure(path, errno) }
            var problem = writeAll(fd, data)
            if problem == 0 && fsync(fd) != 0 { problem = errno }
            if close(fd) != 0 && problem == 0 { problem = errno }
            if problem == 0 && rename(tmp, file) != 0 { problem = errno }
            if problem != 0 {
                unlink(tmp)
                throw failure(path, problem)
            }
        }
    }

    /// Writes every byte, retrying interrupted calls; returns 0 or the errno of the failure.
    static func writeAll(_ fd: Int32, _ data: Data) -> Int32 {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return errno }
                offset += n
            }
            return 0
        }
    }

    /// The one line for a failed write. `replaced` is false for devices and pipes, where
    /// nothing was going to be replaced.
    static func failure(_ path: String, _ code: Int32, replaced: Bool = true) -> InputError {
        let reason: String
        switch code {
        case ENOENT:
            // /proc and /sys exist but take no new files: the folder is there.
            var isFolder: ObjCBool = false
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            reason = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue
                ? "the folder \(folder) takes no new files" : "no such folder"
        case ENOTDIR: reason = "a part of the path is not a folder"
        case EACCES, EPERM: reason = "permission denied"
        case ENOSPC, EDQUOT: reason = "the disk is full"
        case EROFS: reason = "read-only file system"
        case EISDIR: reason = "is a directory"
        case ELOOP: reason = "too many levels of symbolic links"
        default: reason = String(cString: strerror(code)).lowercased()
        }
        return InputError(path, "cannot write: \(reason)" + (replaced ? "; any file already there is unchanged" : ""))
    }
}

#if canImport(Glibc)
import Glibc
#endif
