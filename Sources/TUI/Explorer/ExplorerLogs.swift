import Foundation

/// Optional logs of an explorer session, asked for through the environment:
/// `ASRLENS_KEY_LATENCY_LOG=FILE` appends, per key, the milliseconds from the key to its frame
/// and those the patch set on that frame took to compute (the benchmark's hook);
/// `ASRLENS_KEY_LOG=FILE` appends each key as the explorer decoded it (for terminal problems).
public struct ExplorerLogs {
    public var keyLatency: ((Double, Double) -> Void)?
    public var keyLog: ((Key) -> Void)?

    public init(keyLatency: ((Double, Double) -> Void)? = nil, keyLog: ((Key) -> Void)? = nil) {
        self.keyLatency = keyLatency; self.keyLog = keyLog
    }

    public static func fromEnvironment() -> ExplorerLogs {
        func open(_ variable: String) -> FileHandle? {
            guard let path = ProcessInfo.processInfo.environment[variable] else { return nil }
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }
        func append(_ log: FileHandle, _ line: String) {
            _ = try? log.seekToEnd()
            try? log.write(contentsOf: Data(line.utf8))
        }
        let latency = open("ASRLENS_KEY_LATENCY_LOG"), keys = open("ASRLENS_KEY_LOG")
        return ExplorerLogs(keyLatency: latency.map { log in { ms, run in append(log, String(format: "%.3f %.3f\n", ms, run * 1000)) } },
                            keyLog: keys.map { log in { key in append(log, "\(key)\n") } })
    }
}
