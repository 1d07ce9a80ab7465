import Foundation

/// The git commit asrlens was built from. asrlens is built in place from a checkout, so the
/// checkout holding the running binary names it; reports and data sets record it so that they
/// can be made again.
public enum SourceRevision {
    /// The release version, as `asrlens --version` prints it.
    public static let version = "0.1.0"

    /// "a1f507c1e2d3", with " (uncommitted changes)" when tracked files differ from it;
    /// "unknown" when the binary is not inside a git checkout or git is missing.
    public static let current: String = {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
        guard let head = git(["-C", binary, "rev-parse", "--short=12", "HEAD"]), !head.isEmpty else { return "unknown" }
        let dirty = git(["-C", binary, "status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return head + (dirty ? " (uncommitted changes)" : "")
    }()

    private static func git(_ arguments: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git"] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return p.terminationStatus == 0 ? text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }
}
