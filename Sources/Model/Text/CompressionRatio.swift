import CZlib

/// faster-whisper's repetition measure: UTF-8 length over zlib (level 6, with header) length.
public enum CompressionRatio {
    public static func of(_ text: String) -> Double {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        var bound = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(bound))
        let status = compress2(&out, &bound, bytes, uLong(bytes.count), 6)
        precondition(status == Z_OK, "zlib compress2 failed with \(status)")
        return Double(bytes.count) / Double(bound)
    }
}
