import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What is wrong with a path, in the words `InputError` prints: one place that asks the file
/// system (`stat`, `errno`) instead of guessing, so a folder that cannot be searched, a link loop
/// or a FIFO is never reported as "no such file" or "permission denied".
public enum FileProblem {
    /// What the caller needs at a path.
    public enum Kind: Sendable {
        /// A regular file, named for messages ("an audio file", "a model file").
        case file(String)
        /// Like `.file`, but a FIFO is fine too (audio may come through `<(sox …)`).
        case fileOrPipe(String)
        /// A folder ("a model directory").
        case directory(String)
    }

    /// Throws the one-line problem if `path` cannot be read as `kind`.
    public static func checkReadable(_ path: String, as kind: Kind) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let code = errno
            if code == ENOENT, case .directory(let what) = kind, !isDanglingLink(path) { throw InputError(path, "no such \(what.split(separator: " ").dropFirst().joined(separator: " "))") }
            throw InputError(path, missing(path, code))
        }
        let type = st.st_mode & S_IFMT
        switch kind {
        case .directory(let what):
            guard type == S_IFDIR else { throw InputError(path, "not a directory, expected \(what)") }
            guard access(path, R_OK | X_OK) == 0 else { throw InputError(path, "permission denied") }
        case .file(let what), .fileOrPipe(let what):
            if type == S_IFDIR { throw InputError(path, "is a directory, expected \(what)") }
            let pipeOK: Bool = { if case .fileOrPipe = kind { return true }; return false }()
            if type != S_IFREG && !(pipeOK && type == S_IFIFO) {
                throw InputError(path, "is \(describe(type: type)), not a regular file (expected \(what))")
            }
            guard access(path, R_OK) == 0 else { throw InputError(path, "permission denied") }
        }
    }

    /// The UTF-8 text of a regular file or a FIFO (`<(…)`), `what` naming it in the one-line
    /// refusal of anything else ("a script file").
    public static func readText(_ path: String, what: String) throws -> String {
        try checkReadable(path, as: .fileOrPipe(what))
        // FileHandle reads a pipe to its end; FileManager.contents(atPath:) does not.
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(path, "cannot read \(what)") }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch { throw InputError(path, describe(error, reading: what)) }
        guard let text = String(data: data, encoding: .utf8) else { throw InputError(path, "cannot be read as UTF-8 text") }
        return text
    }

    /// Why `stat` failed, `errno` `code`, as a phrase.
    static func missing(_ path: String, _ code: Int32) -> String {
        switch code {
        case ENOENT:
            if isDanglingLink(path) { return "is a symbolic link to a file that does not exist" }
            if path.contains("\u{FFFD}") { return "no such file (the name given is not valid UTF-8, which asrlens cannot open; rename the file)" }
            return "no such file"
        case EACCES: return "permission denied: a folder on the path cannot be searched"
        default: return phrase(code)
        }
    }

    /// Whether `path` is (or links to) a FIFO: it can be read once, and not seeked.
    public static func isPipe(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO
    }

    public static func isDanglingLink(_ path: String) -> Bool {
        var l = stat()
        return lstat(path, &l) == 0 && l.st_mode & S_IFMT == S_IFLNK
    }

    /// An errno as a phrase.
    public static func phrase(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "permission denied"
        case ELOOP: return "too many levels of symbolic links (a link loop)"
        case ENOTDIR: return "a part of the path is not a folder"
        case ENAMETOOLONG: return "the name is too long"
        case EISDIR: return "is a directory"
        case EROFS: return "read-only file system"
        case ENOSPC, EDQUOT: return "the disk is full"
        case ENOMEM: return MemoryLimit.outOfMemory
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    static func describe(type: mode_t) -> String {
        switch type {
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    /// The POSIX code behind a Foundation file error, if it carries one.
    static func posixCode(_ error: Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain { return Int32(under.code) }
        switch (ns.domain, ns.code) {
        case (NSCocoaErrorDomain, NSFileReadNoSuchFileError), (NSCocoaErrorDomain, NSFileNoSuchFileError): return ENOENT
        case (NSCocoaErrorDomain, NSFileReadNoPermissionError), (NSCocoaErrorDomain, NSFileWriteNoPermissionError): return EACCES
        case (NSCocoaErrorDomain, NSFileWriteOutOfSpaceError): return ENOSPC
        case (NSCocoaErrorDomain, NSFileWriteVolumeReadOnlyError): return EROFS
        default: return nil
        }
    }

    /// What is wrong with `path`'s folders when Foundation does not say (it reports a file where
    /// a folder should be as "error 512"): the nearest existing ancestor is not a folder, or
    /// cannot be written.
    static func pathCode(_ path: String) -> Int32? {
        var url = URL(fileURLWithPath: path).deletingLastPathComponent()
        while url.path != "/" {
            var st = stat()
            if stat(url.path, &st) == 0 {
                if st.st_mode & S_IFMT != S_IFDIR { return ENOTDIR }
                return access(url.path, W_OK) == 0 ? nil : EACCES
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// A Foundation file error at `path` as one line, never the raw `NSCocoaErrorDomain` text.
    public static func inputError(_ path: String, _ error: Error, writing: Bool = false) -> InputError {
        if let e = error as? InputError { return e }
        let reason = (posixCode(error) ?? pathCode(path)).map(phrase) ?? (error as NSError).localizedDescription
        return InputError(path, (writing ? "cannot write: " : "cannot read: ") + reason)
    }

    /// A read error as a phrase for `InputError` (`what` names the expected file).
    public static func describe(_ error: Error, reading what: String) -> String {
        switch posixCode(error) {
        case ENOENT?: return "no such file"
        case EACCES?: return "permission denied"
        case EISDIR?: return "is a directory, expected a \(what)"
        case let code?: return "cannot read \(what): \(phrase(code))"
        case nil: return "cannot read \(what): \((error as NSError).localizedDescription)"
        }
    }
}
