import Analysis

/// A rectangle of the canvas a view draws into. Rows outside 0..<height are clipped, so a view
/// scrolls by drawing from a negative row, and measures its content by drawing on a canvas of
/// height 0.
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

    /// Writes glyphs on a region's row (clipped like text).
    mutating func put(_ glyphs: [(Character, Style)], in r: Region, dx: Int = 0, row: Int) {
        guard row >= 0, row < r.height else { return }
        put(Array(glyphs.prefix(max(0, r.width - dx))), x: r.x + dx, y: r.y + row)
    }

    /// Writes text clipped to a region's row.
    @discardableResult
    mutating func put(_ text: String, in r: Region, dx: Int = 0, row: Int, style: Style = .plain) -> Int {
        guard row >= 0, row < r.height else { return r.x + dx }
        // Clipped by screen columns: a CJK character takes two.
        let clipped = DisplayWidth.prefix(text, columns: max(0, r.width - dx))
        return put(clipped, x: r.x + dx, y: r.y + row, style: style)
    }

    /// Clears a region's row, then writes text on it: a message never leaves old text behind.
    mutating func line(_ text: String, in r: Region, row: Int, style: Style = .plain) {
        guard row >= 0, row < r.height else { return }
        fill(x: r.x, y: r.y + row, width: r.width, height: 1)
        put(text, in: r, row: row, style: style)
    }
}

extension Canvas {
    /// Writes a paragraph wrapped at word boundaries to the region's width; returns the row after it.
    @discardableResult
    mutating func paragraph(_ text: String, in r: Region, row: Int, indent: Int = 0, style: Style = .plain) -> Int {
        // Empty pieces keep a run of spaces as written (a path with two spaces in a message).
        flow(text.split(separator: " ", omittingEmptySubsequences: false).map { FlowItem(text: String($0), style: style) }, in: r, row: row, indent: indent)
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
    /// region's right edge; notes go on the row below their item. Rows outside the region are
    /// laid out but not drawn. Returns the first row after the text.
    @discardableResult
    mutating func flow(_ items: [FlowItem], in r: Region, row start: Int, indent: Int = 0, gap: Int = 1,
                       noteStyle: Style = .plain) -> Int {
        let step = items.contains { $0.note != nil } ? 2 : 1
        let room = max(1, r.width - indent)
        var x = indent, row = start
        for item in items.flatMap({ Self.pieces($0, room: room) }) {
            let width = min(max(DisplayWidth.of(item.text), DisplayWidth.of(item.note ?? "")), room)
            if x > indent && x + width > r.width { x = indent; row += step }
            put(item.text, in: r, dx: x, row: row, style: item.style)
            if let note = item.note { put(note, in: r, dx: x, row: row + 1, style: noteStyle) }
            x += width + gap
        }
        return row + step
    }

    /// An item as wide as the room or wider (text without spaces, as Japanese and Chinese are
    /// written) in pieces that fit, so it wraps instead of running off the edge.
    static func pieces(_ item: FlowItem, room: Int) -> [FlowItem] {
        guard item.note == nil, DisplayWidth.of(item.text) > room else { return [item] }
        var out: [FlowItem] = [], rest = Substring(item.text)
        while !rest.isEmpty {
            let piece = DisplayWidth.prefix(String(rest), columns: room)
            let taken = piece.isEmpty ? String(rest.prefix(1)) : piece   // a wide character in one column's room
            out.append(FlowItem(text: taken, style: item.style))
            rest = rest.dropFirst(taken.count)
        }
        return out
    }
}
