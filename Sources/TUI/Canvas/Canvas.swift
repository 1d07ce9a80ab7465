import Analysis

/// A grid of styled cells: what every view draws into and the only thing the backend reads.
/// Views are pure functions from state to a `Canvas`, so they render and export without a terminal.
public struct Canvas: Equatable, Sendable {
    /// A cell's look; a nil colour is the terminal's default.
    public struct Style: Equatable, Hashable, Sendable {
        public var foreground: Color?
        public var background: Color?
        public var bold = false
        public var reverse = false

        public init(foreground: Color? = nil, background: Color? = nil, bold: Bool = false, reverse: Bool = false) {
            self.foreground = foreground
            self.background = background
            self.bold = bold
            self.reverse = reverse
        }

        public static let plain = Style()
    }

    public struct Cell: Equatable, Sendable {
        public var character: Character
        public var style: Style

        public init(character: Character, style: Style) {
            self.character = character
            self.style = style
        }

        public static let blank = Cell(character: " ", style: .plain)

        /// The right half of a wide character (CJK, full-width), drawn by the cell before it.
        public static let continuation: Character = "\u{E000}"
        public var isContinuation: Bool { character == Self.continuation }
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, y >= 0, x < width, y < height { set(x, y, newValue) } }
    }

    /// Writes text from (x, y), clipped at the right edge; returns the column after the last
    /// character. A wide character takes two cells (the second a `continuation`); one that
    /// would be cut by the edge is a space. Half of a wide character overwritten takes the
    /// other half with it, so the grid never holds half a character.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain) -> Int {
        guard y >= 0, y < height else { return x }
        var col = x
        for raw in text where col < width {
            let ch = DisplayWidth.standalone(raw)
            // Nothing below U+1100 is wide (box drawing, shades and Latin skip the lookup).
            let wide = ch.unicodeScalars.first!.value >= 0x1100 && DisplayWidth.of(String(ch)) >= 2
            if col >= 0 {
                if wide && col + 1 < width {
                    set(col, y, Cell(character: ch, style: style))
                    set(col + 1, y, Cell(character: Cell.continuation, style: style))
                } else {
                    set(col, y, Cell(character: wide ? " " : ch, style: style))
                }
            }
            col += wide ? 2 : 1
        }
        return min(col, max(width, x))
    }

    /// One cell, clearing the other half of a wide character it overwrites.
    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        let i = y * width + x
        // A right half overwritten: its left half goes (unless this is the new right half of a
        // wide character just written to its left).
        if cells[i].isContinuation, !cell.isContinuation, x > 0 { cells[i - 1].character = " " }
        // A right half after this cell belongs to the character overwritten here.
        if x + 1 < width, cells[i + 1].isContinuation { cells[i + 1].character = " " }
        cells[i] = cell
    }

    /// Fills a rectangle with one character and style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with cell: Cell = .blank) {
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) { set(col, row, cell) }
        }
    }

    /// The screen as plain text: one line per row, trailing spaces removed (what `:export … text` writes).
    public var text: String {
        (0..<height).map { y in
            var line = String(cells[(y * width)..<((y + 1) * width)].filter { !$0.isContinuation }.map(\.character))
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// Cells that differ from `previous` (all of them when the sizes differ), for the backend to
    /// redraw. A changed row that holds a wide character, now or before, is redrawn whole: a
    /// terminal that overwrites half a wide character blanks the other half.
    public func changes(since previous: Canvas?) -> [(x: Int, y: Int, cell: Cell)] {
        guard let previous, previous.width == width, previous.height == height else {
            return cells.indices.map { (x: $0 % max(width, 1), y: $0 / max(width, 1), cell: cells[$0]) }
        }
        return (0..<height).flatMap { y -> [(x: Int, y: Int, cell: Cell)] in
            let row = (y * width)..<((y + 1) * width)
            let changed = row.filter { cells[$0] != previous.cells[$0] }
            let whole = !changed.isEmpty && (cells[row].contains(where: \.isContinuation) || previous.cells[row].contains(where: \.isContinuation))
            return (whole ? Array(row) : changed).map { (x: $0 - row.lowerBound, y: y, cell: cells[$0]) }
        }
    }
}
