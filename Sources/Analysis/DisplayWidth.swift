import CWcwidth
#if canImport(Glibc)
import Glibc
#endif

/// How many terminal columns text takes: a CJK character or a full-width form two, a
/// combining mark none (libc's `wcwidth`, in the C.UTF-8 locale whatever the process's is).
public enum DisplayWidth {
    nonisolated(unsafe) private static let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)

    /// Columns of `text` as `shown` draws it.
    public static func of(_ text: String) -> Int {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.utf8.count }   // ASCII: one column a byte
        guard let utf8 else { return text.count }
        let previous = uselocale(utf8)
        defer { uselocale(previous) }
        return shown(text).unicodeScalars.reduce(0) { $0 + max(0, Int(wcwidth(wchar_t(bitPattern: $1.value)))) }
    }

    /// `text` as a table or a screen cell shows it: a combining mark with no letter before it (a
    /// token or word that starts with a Thai vowel sign) on a dotted circle, as type specimens
    /// show marks, and a character of no width that is no mark (a format control) as a space.
    /// A terminal drew such a mark onto the character before it, and the explorer's next redraw
    /// doubled it.
    public static func shown(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x0300 }) else { return text }
        return String(text.map(standalone))
    }

    /// One character as `shown` draws it.
    public static func standalone(_ ch: Character) -> Character {
        guard let first = ch.unicodeScalars.first, first.value >= 0x0300 else { return ch }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return Character("\u{25CC}" + String(ch))
        case .format: return " "
        default: return ch
        }
    }

    /// The longest start of `text` that fits in `columns`.
    public static func prefix(_ text: String, columns: Int) -> String {
        var out = "", used = 0
        for ch in text {
            let w = of(String(ch))
            if used + w > columns { break }
            out.append(ch); used += w
        }
        return out
    }

    /// `text` as `shown` draws it, followed by spaces up to `width` columns (never cut).
    public static func padded(_ text: String, to width: Int) -> String {
        shown(text) + String(repeating: " ", count: max(0, width - of(text)))
    }
}
