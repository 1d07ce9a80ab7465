/// A little-endian cursor over bytes with unaligned reads; every overrun is an error, not a trap.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0
    /// Names the file in errors.
    let source: String

    init(_ bytes: UnsafeRawBufferPointer, source: String) {
        self.bytes = bytes
        self.source = source
    }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int, _ what: String) throws -> Int {
        guard n >= 0, n <= remaining else {
            throw InputError(source, "truncated: needs \(n) more bytes for \(what) at byte \(offset), \(remaining) left")
        }
        defer { offset += n }
        return offset
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        bytes[try take(1, what)]
    }

    mutating func u16(_ what: String) throws -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(2, what), as: UInt16.self))
    }

    mutating func u32(_ what: String) throws -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(4, what), as: UInt32.self))
    }

    /// A u16 length (counting a trailing NUL) then that many bytes (spec §2.1).
    mutating func string(_ what: String) throws -> String {
        let n = Int(try u16(what))
        guard n > 0 else { throw InputError(source, "invalid zero-length string for \(what) at byte \(offset - 2)") }
        let start = try take(n, what)
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + n - 1)])
        return String(decoding: text, as: UTF8.self)
    }

    /// Moves past `n` bytes and returns where they start.
    mutating func advance(_ n: Int, _ what: String) throws -> Int {
        try take(n, what)
    }
}
