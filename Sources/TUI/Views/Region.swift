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

/// One item of flowing text: what to write, its style, and an optional note drawn under it.
struct FlowItem {
    var text: String
    var style: Canvas.Style = .plain
    var note: String? = nil
}

extension Canvas {
    /// Lays items out left to right from `row`, `gap` spaces apart, wrapping to `indent` at the
    /// region's right edge; notes go on the row below their item. Stops before row `limit`.
    /// Returns the first row after the text.
    @discardableResult
    mutating func flow(_ items: [FlowItem], in r: Region, row start: Int, indent: Int = 0, gap: Int = 1, limit: Int? = nil,
                       noteStyle: Style = .plain) -> Int {
        let step = items.contains { $0.note != nil } ? 2 : 1
        let last = min(limit ?? r.height, r.height)
        var x = indent, row = start
        for item in items {
            let width = max(item.text.count, item.note?.count ?? 0)
            if x > indent && x + width > r.width { x = indent; row += step }
            guard row + step - 1 < last else { return last }
            put(item.text, in: r, dx: x, row: row, style: item.style)
            if let note = item.note { put(note, in: r, dx: x, row: row + 1, style: noteStyle) }
            x += width + gap
        }
        return row + step
    }
}
