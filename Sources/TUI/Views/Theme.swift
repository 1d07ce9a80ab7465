/// How heat is shown: truecolour or 256 colours, or an ASCII ramp under NO_COLOR; Unicode
/// blocks or ASCII.
public struct Theme: Sendable {
    public var color: Bool
    public var unicode: Bool
    /// Heat as a smooth 24-bit gradient instead of 13 palette steps.
    public var trueColor: Bool

    public init(color: Bool, unicode: Bool, trueColor: Bool = false) {
        self.color = color
        self.unicode = unicode
        self.trueColor = color && trueColor
    }

    /// "±" (an attention window's K frames either side), or "+-" where the terminal is ASCII: a
    /// one-cell stand-in would read as a plus.
    public var plusMinus: String { unicode ? "±" : "+-" }

    /// Black → red → yellow → white, 256-colour palette indices.
    static let heat: [UInt8] = [16, 52, 88, 124, 160, 196, 202, 208, 214, 220, 226, 228, 230]
    static let ramp: [Character] = Array(" .:-=+*#%@")
    static let blocks: [Character] = Array(" ▁▂▃▄▅▆▇█")

    /// The heat colour of v in [0, 1]: interpolated along the palette ramp's own colours in
    /// truecolour (quantised to 64 steps, which the eye cannot tell apart), else the nearest step.
    func heatColor(_ v: Float) -> Color {
        let v = max(0, min(1, v))
        guard trueColor else { return Color(palette: Self.heat[Int((v * Float(Self.heat.count - 1)).rounded())]) }
        let x = (v * 63).rounded() / 63 * Float(Self.heat.count - 1)
        let i = min(Int(x), Self.heat.count - 2), f = x - Float(i)
        let a = Color(palette: Self.heat[i]).rgb, b = Color(palette: Self.heat[i + 1]).rgb
        func mix(_ shift: UInt32) -> UInt8 {
            UInt8((Float(a >> shift & 0xFF) * (1 - f) + Float(b >> shift & 0xFF) * f).rounded())
        }
        return .rgb(mix(16), mix(8), mix(0))
    }

    /// A style shading value v in [0, 1] (background heat with readable text).
    func shade(_ v: Float) -> Canvas.Style {
        guard color else { return .plain }
        return Canvas.Style(foreground: v > 0.5 ? 16 : 231, background: heatColor(v))
    }

    /// One character for v in [0, 1]: a coloured block, a Unicode level, or an ASCII ramp step.
    func glyph(_ v: Float) -> (Character, Canvas.Style) {
        let v = max(0, min(1, v))
        if color { return (" ", Canvas.Style(background: heatColor(v))) }
        let r = unicode ? Self.blocks : Self.ramp
        return (r[Int((v * Float(r.count - 1)).rounded())], .plain)
    }

    var highlight: Canvas.Style { color ? Canvas.Style(foreground: 16, background: 45) : Canvas.Style(reverse: true) }
    var accent: Canvas.Style { color ? Canvas.Style(foreground: 45, bold: true) : Canvas.Style(bold: true) }
    var dim: Canvas.Style { color ? Canvas.Style(foreground: 244) : .plain }
    /// Word diff: removed words in red, added in green (the [- -] and {+ +} marks say it without colour).
    var removed: Canvas.Style { color ? Canvas.Style(foreground: 196, bold: true) : .plain }
    var added: Canvas.Style { color ? Canvas.Style(foreground: 46, bold: true) : Canvas.Style(bold: true) }
    /// Errors and questions on the status and hint lines.
    var alert: Canvas.Style { color ? Canvas.Style(foreground: 231, background: 160, bold: true) : Canvas.Style(reverse: true) }
    var changed: Canvas.Style { color ? Canvas.Style(foreground: 16, background: 201) : Canvas.Style(reverse: true) }

    /// A legend line for the heat scale, e.g. "0 ▁▂▃▄▅▆▇█ 1".
    func legend(_ label: String, width: Int = 10) -> [(Character, Canvas.Style)] {
        Array(label).map { ($0, Canvas.Style.plain) } + [(" ", .plain)] + (0..<width).map { glyph(Float($0) / Float(width - 1)) }
    }
}
