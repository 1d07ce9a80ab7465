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

    public init(command: String, asrlens: String = SourceRevision.current, synthesizers: [String: String], date: Date = Date()) {
        self.command = command; self.asrlens = asrlens; self.synthesizers = synthesizers
        self.date = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    }

    static let fileName = "dataset.json"

    /// The manifest in the folder of the TSV at `path`; nil when there is none or it does not
    /// parse (a data set not made by `dataset synth`).
    public static func near(_ path: String) -> DatasetManifest? {
        let url = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(DatasetManifest.self, from: data)
    }
}
