import Foundation

/// A rectangular result that every table-shaped command can print as text, TSV or Markdown.
public struct Table: Codable, Sendable {
    public var headers: [String]
    public var rows: [[String]]
    /// For a grid whose cells pack several values (the logit lens: a token, a mark and a
    /// probability), the same data one observation to a row: what TSV writes instead, since
    /// tools read columns, not cells.
    public var long: Long?

    /// Headers and rows of a table's one-observation-a-row form.
    public struct Long: Codable, Sendable {
        public var headers: [String]
        public var rows: [[String]]
    }

    public init(headers: [String], rows: [[String]], long: Long? = nil) {
        self.headers = headers
        self.rows = rows
        self.long = long
    }

    public enum Format: String, CaseIterable, Sendable { case text, tsv, json, md }

    /// Aligned columns, as on screen.
    public var text: String {
        // Columns on screen, not characters: a CJK token takes two.
        let widths = headers.indices.map { c in ([headers[c]] + rows.map { c < $0.count ? $0[c] : "" }).map(DisplayWidth.of).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, v in c == cells.count - 1 ? DisplayWidth.shown(v) : DisplayWidth.padded(v, to: widths[c]) }
                .joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// Tab-separated (the `long` form when there is one), tabs and newlines inside cells replaced by spaces.
    public var tsv: String {
        func clean(_ s: String) -> String { s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        return ([long?.headers ?? headers] + (long?.rows ?? rows)).map { $0.map(clean).joined(separator: "\t") }.joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured Markdown table.
    public var markdown: String {
        func clean(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "| " + headers.map(clean).joined(separator: " | ") + " |\n"
        out += "|" + headers.map { _ in "---|" }.joined() + "\n"
        for r in rows { out += "| " + r.map(clean).joined(separator: " | ") + " |\n" }
        return out
    }

    /// An array of objects keyed by header.
    public var jsonObjects: [[String: String]] {
        rows.map { r in Dictionary(uniqueKeysWithValues: zip(headers, r)) }
    }
}
