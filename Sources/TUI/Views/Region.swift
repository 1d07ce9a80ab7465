/// A rectangle of the canvas a view draws into.
public struct Region: Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

extension Canvas {
    /// Writes styled glyphs from (x, y).
    mutating func put(_ glyphs: [(Character, Style)], x: Int, y: Int) {
        for (i, g) in glyphs.enumerated() { self[x + i, y] = Cell(character: g.0, style: g.1) }
    }

    /// Writes text clipped to a region's row.
    @discardableResult
    mutating func put(_ text: String, in r: Region, dx: Int = 0, row: Int, style: Style = .plain) -> Int {
        guard row >= 0, row < r.height else { return r.x + dx }
        let clipped = String(text.prefix(max(0, r.width - dx)))
        return put(clipped, x: r.x + dx, y: r.y + row, style: style)
    }
}
