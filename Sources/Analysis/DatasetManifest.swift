import Foundation
import Model

/// What `dataset synth` writes beside its TSV files (`dataset.json`): the command that made the
/// set, the asrlens commit, and each synthesizer's version, so a report on the set can say how
/// to make it again.
public struct DatasetManifest: Codable, Equatable, Sendable {
    public let command: String
    public let asrlens: String
    /// Synthesizer name → version, as the program prints it.
    public let synthesizers: [String: String]
    public let date: String
    /// The TSV files it wrote, name → SHA-256; nil in manifests written before it was kept.
    public var files: [String: String]?

    public init(command: String, asrlens: String = SourceRevision.current, synthesizers: [String: String], date: Date = Date(),
                files: [String: String]? = nil) {
        self.command = command; self.asrlens = asrlens; self.synthesizers = synthesizers; self.files = files
        self.date = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    }

    static let fileName = "dataset.json"

    /// The manifest in the folder at `folder`; nil when there is none or it does not parse.
    public static func read(in folder: URL) -> DatasetManifest? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(fileName).path) else { return nil }
        return try? JSONDecoder().decode(DatasetManifest.self, from: data)
    }

    /// The manifest that made the TSV at `path`: its folder's, when it lists the file with the
    /// file's own SHA-256. Nil otherwise, older manifests (which list no files) included: a
    /// hand-made subset or an edited copy beside a generated set was reported as made by the
    /// command that made the set.
    public static func near(_ path: String) -> DatasetManifest? {
        let url = URL(fileURLWithPath: path)
        guard let manifest = read(in: url.deletingLastPathComponent()), let sha = manifest.files?[url.lastPathComponent],
              (try? SHA256.hex(ofFile: url)) == sha else { return nil }
        return manifest
    }
}
