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
        set { if x >= 0, y >= 0, x < width, y < height { cells[y * width + x] = newValue } }
    }

    /// Writes text from (x, y), clipped at the right edge; returns the column after the last character.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain) -> Int {
        guard y >= 0, y < height else { return x }
        var col = x
        for ch in text where col < width {
            if col >= 0 { cells[y * width + col] = Cell(character: ch, style: style) }
            col += 1
        }
        return col
    }

    /// Fills a rectangle with one character and style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with cell: Cell = .blank) {
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) { cells[row * width + col] = cell }
        }
    }

    /// The screen as plain text: one line per row, trailing spaces removed (what `:export … text` writes).
    public var text: String {
        (0..<height).map { y in
            var line = String(cells[(y * width)..<((y + 1) * width)].map(\.character))
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// Cells that differ from `previous` (all of them when the sizes differ), for the backend to redraw.
    public func changes(since previous: Canvas?) -> [(x: Int, y: Int, cell: Cell)] {
        guard let previous, previous.width == width, previous.height == height else {
            return cells.indices.map { (x: $0 % max(width, 1), y: $0 / max(width, 1), cell: cells[$0]) }
        }
        return cells.indices.compactMap { i in
            cells[i] == previous.cells[i] ? nil : (x: i % width, y: i / width, cell: cells[i])
        }
    }
}
