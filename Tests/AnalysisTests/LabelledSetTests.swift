import Analysis
import Foundation
import Model
import Testing

/// The labelled TSV reader: what it accepts, and the inputs it refuses (found by hand and by
/// the TSV fuzzer).
@Suite struct LabelledSetTests {
    static let base = URL(fileURLWithPath: "/data")

    func problem(_ text: String) -> String? {
        do { _ = try LabelledSet(text: text, source: "set.tsv", base: Self.base); return nil } catch let e as InputError { return e.description } catch { return "\(error)" }
    }

    @Test func crlfLinesReadLikeLfLines() throws {
        let lf = try LabelledSet(text: "path\tlabel\na.wav\tx\nb.wav\ty\n", source: "a.tsv", base: Self.base)
        let crlf = try LabelledSet(text: "path\tlabel\r\na.wav\tx\r\nb.wav\ty\r\n", source: "b.tsv", base: Self.base)
        #expect(lf.rows.map(\.labels) == crlf.rows.map(\.labels))
        #expect(crlf.rows.map(\.path) == ["/data/a.wav", "/data/b.wav"])
    }

    /// Found by the TSV fuzzer: a column named twice, or not at all, hid one label behind another.
    @Test func aColumnNamedTwiceOrNotAtAllIsRefused() {
        #expect(problem("path\tgender\tgender\na.wav\tf\tm\n") == "set.tsv:1: has the column 'gender' twice")
        #expect(problem("path\tgender\t\na.wav\tf\tx\n") == "set.tsv:1: column 3 has no name")
    }

    @Test func aClipListedTwiceIsRefused() {
        #expect(problem("path\tlabel\na.wav\tx\n./a.wav\ty\n") == "set.tsv:3: names the same file as line 2 (./a.wav); a clip listed twice would be in training and test at once")
    }

    /// `report --repetition-rows K` and `repetition --rows K` examine the same rows: spread over
    /// the whole set, first row included, no row twice; every row when K is the set's size or more.
    @Test func evenlySpacedRowsCoverTheSetWithoutRepeats() throws {
        let set = try LabelledSet(text: "path\n" + (0..<10).map { "c\($0).wav" }.joined(separator: "\n") + "\n", source: "s.tsv", base: Self.base)
        #expect(set.evenlySpaced(4) == [0, 2, 5, 7])
        #expect(set.evenlySpaced(10) == Array(0..<10) && set.evenlySpaced(50) == Array(0..<10))
        #expect(set.evenlySpaced(0).isEmpty && set.evenlySpaced(1) == [0])
    }
}
