import Foundation

/// Runs the built `asrlens` binary and captures what a user would see.
enum CLIRunner {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$ASRLENS_BIN`, else the release build, else the debug build.
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["ASRLENS_BIN"] { return b }
        for config in ["release", "debug"] {
            let p = root.appendingPathComponent(".build/\(config)/asrlens").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return "asrlens"
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    /// Runs the binary (or `executable`, e.g. a wrapper such as setpriv) with `arguments`, this
    /// process's environment plus `environment` and less the variables in `unset`.
    static func run(_ arguments: [String], environment: [String: String] = [:], unset: [String] = [],
                    executable: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? binary)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { !unset.contains($0.key) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary directory, inside one folder per test process that is removed when the
    /// process exits: the suite writes about 0.6 GB of fixtures and outputs a run, and left in
    /// the system's temporary folder they filled a developer's disk over many runs.
    static func temporaryDirectory() throws -> URL {
        let dir = scratch.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private static let scratch: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-e2e-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: CLIRunner.scratch) }
        return dir
    }()
}
