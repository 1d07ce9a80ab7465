/// One-cell ASCII stand-ins for the characters the views draw, for a terminal whose locale is
/// not UTF-8. Curses there writes each byte of a UTF-8 character as a cell of its own, so one
/// en dash took three cells, pushed the rest of its line right and left debris behind.
public enum ASCIIFallback {
    static let table: [Character: Character] = [
        "–": "-", "—": "-", "−": "-", "…": ".", "·": ".", "×": "x", "±": "~", "Δ": "D", "→": ">", "←": "<",
        "↑": "^", "↓": "v", "≤": "<", "≥": ">", "‘": "'", "’": "'", "“": "\"", "”": "\"", "─": "-", "│": "|",
        "┼": "+", "█": "#", "▓": "#", "▒": "+", "░": ".", "▁": "_", "▄": "=", "▀": "^", "✓": "v", "✗": "x",
        "\u{A0}": " ",
    ]

    /// `c` itself when it is ASCII, else its stand-in, else "?".
    public static func character(_ c: Character) -> Character {
        c.isASCII ? c : table[c] ?? "?"
    }
}
