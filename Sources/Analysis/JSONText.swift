import Foundation

/// Compact JSON text with stable key order, for every `--json` output, export and part file.
public enum JSONText {
    /// A Codable record as one line of JSON, keys sorted. Numbers that may be NaN or infinite
    /// are `FiniteOrNull`, written as `null` (a run that blew up says so in its own field), so
    /// one odd number never costs the whole output.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A number that is `null` in JSON when it is not finite (a run that blew up), and NaN when
/// read back from `null`.
public struct FiniteOrNull: Codable, Equatable, Sendable {
    public let value: Double
    public init(_ value: Double) { self.value = value }

    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.singleValueContainer()
        value = c.decodeNil() ? .nan : try c.decode(Double.self)
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.isFinite { try c.encode(value) } else { try c.encodeNil() }
    }

    public static func == (a: Self, b: Self) -> Bool { a.value == b.value || (a.value.isNaN && b.value.isNaN) }
}
