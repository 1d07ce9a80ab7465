import Foundation

/// Compact JSON text with stable key order, for every `--json` output, export and part file.
public enum JSONText {
    /// NaN and infinity are not JSON: they are written as `null` (a run that blew up says so in
    /// its own field), so one odd number never costs the whole output.
    public static func encode(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: finite(object), options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The same text for a Codable record (numbers print exactly as above).
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func finite(_ value: Any) -> Any {
        switch value {
        case is Int, is Bool, is String, is NSNull: return value
        case let d as Double: return d.isFinite ? d : NSNull()
        case let f as Float: return f.isFinite ? f : NSNull()
        case let list as [Any]: return list.map(finite)
        case let object as [String: Any]: return object.mapValues(finite)
        default: return value
        }
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
