import Foundation
import Model

/// Engines over the bundled and packaged sample clips, built once per test process.
enum AnalysisSupport {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The sample clips of the identity checks: the bundled assets and the pocketsphinx cards.
    static let clips: [String] = ["0870", "0890", "0930"].map { root.appendingPathComponent("assets/sense-and-sensibility-\($0).wav").path }
        + ["001", "003", "005"].map { "/usr/share/pocketsphinx/test/data/cards/\($0).wav" }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var models: [String: WhisperModel] = [:]

    static func model(_ name: String) throws -> WhisperModel {
        lock.lock(); defer { lock.unlock() }
        if let m = models[name] { return m }
        guard ModelCatalog.isInstalled(name) else {
            throw InputError(name, "model not installed; run `asrlens models install \(name)`")
        }
        let m = try WhisperModel(directory: ModelCatalog.directory(for: name))
        models[name] = m
        return m
    }

    static func engine(_ model: String, _ clip: String) throws -> Engine {
        try Engine(model: self.model(model), samples: AudioFile.load(clip))
    }
}
