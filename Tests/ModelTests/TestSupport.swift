import Foundation
import Model
import Testing

/// Paths and shared, lazily loaded models for the Model tests.
enum TestSupport {
    /// The package root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ path: String) -> URL { root.appendingPathComponent("Tests/Fixtures/" + path) }

    /// A path from a golden file: absolute, or relative to the package root.
    static func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : root.appendingPathComponent(path).path
    }

    private static let cache = ModelCache()

    /// A catalogue model, loaded once per test process. The suite needs the models installed
    /// (`asrlens models install tiny.en base`), which the README's test command does.
    static func model(_ name: String) throws -> WhisperModel {
        try cache.get(name)
    }

    /// One JSON object per line.
    static func jsonLines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}

private final class ModelCache: @unchecked Sendable {
    private var models: [String: WhisperModel] = [:]
    private let lock = NSLock()

    func get(_ name: String) throws -> WhisperModel {
        lock.lock(); defer { lock.unlock() }
        if let m = models[name] { return m }
        let dir = ModelCatalog.directory(for: name)
        guard ModelCatalog.isInstalled(name) else {
            throw InputError(name, "model not installed in \(dir.path); run `asrlens models install \(name)` first")
        }
        let m = try WhisperModel(directory: dir)
        models[name] = m
        return m
    }
}
