import Foundation

/// Compact JSON text with stable key order, for every `--json` output, export and part file.
public enum JSONText {
    /// NaN and infinity are not JSON: they are written as `null` (a run that blew up says so in
    /// its own field), so one odd number never costs the whole output.
    public static func encode(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: finite(object), options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
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
