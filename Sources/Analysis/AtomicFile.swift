import Foundation
import Model

/// Writes a file through a temporary file in the same folder and a rename, so an interrupted
/// or failed write never leaves half a file and never damages the old one.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
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
