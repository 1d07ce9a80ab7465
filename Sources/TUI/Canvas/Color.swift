/// A cell colour: an xterm 256-colour palette index, or a 24-bit RGB value for terminals
/// that take truecolour. Integer literals are palette indices.
public struct Color: Hashable, Sendable, ExpressibleByIntegerLiteral {
    /// Below 256: a palette index. Otherwise 0x1000000 | 0xRRGGBB.
    public let value: UInt32

    public init(integerLiteral index: UInt8) { value = UInt32(index) }
    public init(palette index: UInt8) { value = UInt32(index) }

    public static func rgb(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Color {
        Color(raw: 0x100_0000 | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
    }

    private init(raw: UInt32) { value = raw }

    public var isRGB: Bool { value >= 256 }

    /// The colour as 0xRRGGBB; palette indices use xterm's standard palette.
    public var rgb: UInt32 {
        if isRGB { return value & 0xFF_FFFF }
        let i = Int(value)
        let basic: [UInt32] = [0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xc0c0c0,
                               0x808080, 0xff0000, 0x00ff00, 0xffff00, 0x0000ff, 0xff00ff, 0x00ffff, 0xffffff]
        if i < 16 { return basic[i] }
        if i >= 232 { let g = UInt32(8 + 10 * (i - 232)); return g << 16 | g << 8 | g }
        let levels: [UInt32] = [0, 95, 135, 175, 215, 255]
        let c = i - 16
        return levels[c / 36] << 16 | levels[c / 6 % 6] << 8 | levels[c % 6]
    }
}
