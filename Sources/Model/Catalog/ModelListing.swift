import Foundation

/// One line of `asrlens models list`: a catalogue model, its state in words, and its folder once
/// installed (`null` in JSON otherwise).
public struct ModelListing: Encodable, Sendable {
    public let name: String
    public let state: String
    public let directory: String?
    public let summary: String

    public init(_ entry: ModelCatalog.Entry) {
        name = entry.name
        summary = entry.summary
        switch ModelCatalog.state(entry.name) {
        case .installed: state = "installed"
        case .available: state = "available"
        case .damaged(let why): state = "damaged: \(why) (run: asrlens models install --force \(entry.name))"
        }
        directory = ModelCatalog.state(entry.name) == .available ? nil : ModelCatalog.directory(for: entry.name).path
    }

    /// The tab-separated line: name, state, folder or "-".
    public var line: String { [name, state, directory ?? "-"].joined(separator: "\t") }

    enum CodingKeys: String, CodingKey { case name, state, directory, summary }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name); try c.encode(state, forKey: .state); try c.encode(summary, forKey: .summary)
        if let directory { try c.encode(directory, forKey: .directory) } else { try c.encodeNil(forKey: .directory) }
    }
}
