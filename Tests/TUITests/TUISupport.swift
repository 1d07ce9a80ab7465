import Analysis
import Foundation
import Model
import TUI

/// Real tiny.en on the bundled clips, loaded once per test process, and fresh explorers on them.
enum TUISupport {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func asset(_ n: String) -> String { root.appendingPathComponent("assets/sense-and-sensibility-\(n).wav").path }

    static let model: Result<WhisperModel, Error> = Result {
        guard ModelCatalog.isInstalled("tiny.en") else { throw InputError("tiny.en", "model not installed") }
        return try WhisperModel(directory: ModelCatalog.directory(for: "tiny.en"))
    }

    /// The 0930 clip (3.3 s), its window kept warm by the shared loader.
    static let loader: Result<ClipLoader, Error> = Result {
        try ClipLoader(model: model.get(), samples: AudioFile.load(asset("0930")), name: "0930.wav")
    }

    /// 41 s: three clips with silence between, so the clip has two 30-second windows.
    static let longLoader: Result<ClipLoader, Error> = Result {
        let gap = [Float](repeating: 0, count: 16_000 * 12)
        let samples = try AudioFile.load(asset("0870")) + gap + AudioFile.load(asset("0890")) + gap + AudioFile.load(asset("0930"))
        return try ClipLoader(model: model.get(), samples: samples, name: "long.wav")
    }

    /// A new explorer on a loader, loaded and idle, at a size.
    static func explorer(_ loader: Result<ClipLoader, Error> = loader, width: Int = 160, height: Int = 44, color: Bool = false,
                         unicode: Bool = true, references: [String] = []) throws -> ExplorerController {
        let c = ExplorerController(loader: try loader.get(), theme: Theme(color: color, unicode: unicode), references: references)
        c.resize(width: width, height: height)
        c.waitUntilIdle()
        return c
    }
}

extension ExplorerController {
    /// Presses keys, waits for what they started, and returns the screen's text.
    func press(_ keys: [Key]) -> String {
        for k in keys { handle(k) }
        waitUntilIdle()
        return frame().text
    }

    func type(_ text: String) -> [Key] { text.map { Key.char($0) } }

    /// A `:` line as keys.
    func command(_ line: String) -> String { press([.char(":")] + type(line) + [.enter]) }
}

extension TUISupport {
    /// The bundled sample 0870 (7.1 s, 26 tokens): enough tokens to overflow an 80×24 screen.
    static let sampleLoader: Result<ClipLoader, Error> = Result {
        try ClipLoader(model: model.get(), samples: AudioFile.load(asset("0870")), name: "0870.wav")
    }
}
