
/// How heat is shown: 256 colours, or an ASCII ramp under NO_COLOR; Unicode blocks or ASCII.
public struct Theme: Sendable {
    public var color: Bool
    public var unicode: Bool

    public init(color: Bool, unicode: Bool) {
        self.color = color
        self.unicode = unicode
    }

    /// Black → red → yellow → white, 256-colour palette indices.
    static let heat: [UInt8] = [16, 52, 88, 124, 160, 196, 202, 208, 214, 220, 226, 228, 230]
    static let ramp: [Character] = Array(" .:-=+*#%@")
    static let blocks: [Character] = Array(" ▁▂▃▄▅▆▇█")

    /// A style shading value v in [0, 1] (background heat with readable text).
    func shade(_ v: Float) -> Canvas.Style {
        guard color else { return .plain }
        let i = Int((max(0, min(1, v)) * Float(Self.heat.count - 1)).rounded())
        return Canvas.Style(foreground: i > 6 ? 16 : 231, background: Self.heat[i])
    }

    /// One character for v in [0, 1]: a coloured block, a Unicode level, or an ASCII ramp step.
    func glyph(_ v: Float) -> (Character, Canvas.Style) {
        let v = max(0, min(1, v))
        if color {
            let i = Int((v * Float(Self.heat.count - 1)).rounded())
            return (" ", Canvas.Style(background: Self.heat[i]))
        }
        let r = unicode ? Self.blocks : Self.ramp
        return (r[Int((v * Float(r.count - 1)).rounded())], .plain)
    }

    var highlight: Canvas.Style { color ? Canvas.Style(foreground: 16, background: 45) : Canvas.Style(reverse: true) }
    var accent: Canvas.Style { color ? Canvas.Style(foreground: 45, bold: true) : Canvas.Style(bold: true) }
    var dim: Canvas.Style { color ? Canvas.Style(foreground: 244) : .plain }
    /// Word diff: removed words in red, added in green (the [- -] and {+ +} marks say it without colour).
    var removed: Canvas.Style { color ? Canvas.Style(foreground: 196, bold: true) : .plain }
    var added: Canvas.Style { color ? Canvas.Style(foreground: 46, bold: true) : Canvas.Style(bold: true) }
    var changed: Canvas.Style { color ? Canvas.Style(foreground: 16, background: 201) : Canvas.Style(reverse: true) }

    /// A legend line for the heat scale, e.g. "0 ▁▂▃▄▅▆▇█ 1".
    func legend(_ label: String, width: Int = 10) -> [(Character, Canvas.Style)] {
        Array(label).map { ($0, Canvas.Style.plain) } + [(" ", .plain)] + (0..<width).map { glyph(Float($0) / Float(width - 1)) }
    }
}
