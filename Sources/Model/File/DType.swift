/// Element types of a CTranslate2 `model.bin` (spec §2.3).
public enum DType: UInt8, Sendable, CaseIterable {
    case float32 = 0, int8 = 1, int16 = 2, int32 = 3, float16 = 4, bfloat16 = 5

    public var itemSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .int16, .float16, .bfloat16: return 2
        case .int8: return 1
        }
    }

    /// Binary versions 1–3 store an item size instead of a type id (spec §2.4).
    public static func fromLegacyItemSize(_ size: UInt8) -> DType? {
        switch size {
        case 4: return .float32
        case 2: return .int16
        case 1: return .int8
        default: return nil
        }
    }
}

/// IEEE binary16 → binary32, done by hand so no platform `Float16` is needed (spec §10.1).
@inline(__always)
public func floatFromHalf(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    var mantissa = UInt32(h & 0x3FF)
    if exponent == 0 {
        if mantissa == 0 { return Float(bitPattern: sign) }
        // Subnormal: renormalise into a float32 normal.
        var e: UInt32 = 127 - 15 + 1
        while mantissa & 0x400 == 0 { mantissa <<= 1; e -= 1 }
        mantissa &= 0x3FF
        return Float(bitPattern: sign | (e << 23) | (mantissa << 13))
    }
    if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

/// bfloat16 is the upper half of a float32.
@inline(__always)
public func floatFromBFloat16(_ b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
}
