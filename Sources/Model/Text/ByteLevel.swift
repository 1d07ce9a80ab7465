/// GPT-2's reversible map between bytes and printable Unicode scalars (spec §7.5).
///
/// Printable bytes (0x21–0x7E, 0xA1–0xAC, 0xAE–0xFF) map to the code point of the same value;
/// the other 68 map, in increasing order, to U+0100, U+0101, ….
public enum ByteLevel {
    /// Scalar for each byte value.
    public static let scalarForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// Byte for each scalar of the alphabet.
    public static let byteForScalar: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (b, s) in scalarForByte.enumerated() { map[s] = UInt8(b) }
        return map
    }()

    /// Bytes → the token alphabet.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(scalarForByte[Int(b)]) }
        return String(s)
    }

    /// Token alphabet → bytes; scalars outside the alphabet are dropped.
    public static func decode(_ text: String) -> [UInt8] {
        text.unicodeScalars.compactMap { byteForScalar[$0] }
    }
}
