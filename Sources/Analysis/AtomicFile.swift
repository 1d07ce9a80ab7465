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
        do { try Data().write(to: tmp) } catch {
            throw InputError(path, "cannot write export: \(FileProblem.describe(error, reading: "folder"))")
        }
        try? FileManager.default.removeItem(at: tmp)
    }

    static func temporary(for path: String) -> URL {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    }

    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = temporary(for: path)
        do {
            try data.write(to: tmp)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw InputError(path, "cannot write export: \(FileProblem.describe(error, reading: "folder"))")
        }
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw InputError(path, "cannot write export: \(reason)")
        }
    }
}
