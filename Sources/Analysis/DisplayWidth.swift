import CWcwidth
#if canImport(Glibc)
import Glibc
#endif

/// How many terminal columns text takes: a CJK character or a full-width form two, a
/// combining mark none (libc's `wcwidth`, in the C.UTF-8 locale whatever the process's is).
public enum DisplayWidth {
    nonisolated(unsafe) private static let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)

    public static func of(_ text: String) -> Int {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.utf8.count }   // ASCII: one column a byte
        guard let utf8 else { return text.count }
        let previous = uselocale(utf8)
        defer { uselocale(previous) }
        return text.unicodeScalars.reduce(0) { $0 + max(0, Int(wcwidth(wchar_t(bitPattern: $1.value)))) }
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

    /// `text` followed by spaces up to `width` columns (never cut).
    public static func padded(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - of(text)))
    }
}
