/// A command's result that prints in every output format: its text form, one table for TSV and
/// Markdown, or the whole record as JSON.
public protocol FormattedReport: Encodable {
    /// The text form, line by line.
    var textLines: [String] { get }
    /// What `--format tsv` and `--format md` print.
    var formatTable: Table { get }
    /// What holds for every row, said above the table (`# ` lines in tsv, paragraphs in md).
    var formatNotes: [String] { get }
}

extension FormattedReport {
    public var formatNotes: [String] { [] }

    /// The report as `format` prints it.
    public func render(_ format: Table.Format) throws -> String {
        switch format {
        case .text: return textLines.map { $0 + "\n" }.joined()
        case .tsv: return formatNotes.map { "# \($0)\n" }.joined() + formatTable.tsv
        case .md: return formatNotes.map { "\($0)\n\n" }.joined() + formatTable.markdown
        case .json: return try JSONText.encode(self) + "\n"
        }
    }
}
