import Analysis
import Model
import Testing

/// Text tables align on screen columns: a CJK word takes two, a combining mark none.
@Suite struct TableTests {
    @Test func wideAndCombiningCharactersKeepTheColumnsAligned() {
        let table = Table(headers: ["word", "start"], rows: [["コ", "0.00"], ["ンデ", "0.16"], ["café", "0.30"], ["cafe\u{301}", "0.40"], ["\u{0E31}", "0.50"]])
        let lines = table.text.split(separator: "\n").map(String.init)
        // The second column starts at the same screen column on every line.
        let second = ["start"] + table.rows.map { $0[1] }
        let starts = zip(lines, second).map { line, cell in DisplayWidth.of(String(line[..<line.range(of: cell)!.lowerBound])) }
        #expect(Set(starts).count == 1, "\(lines)")
        #expect(lines[1] == "コ    0.00" && lines[2] == "ンデ  0.16", "\(lines)")
        // A Thai vowel sign standing alone (a word of faster-whisper's Thai split) is shown on a
        // dotted circle, one column, as the explorer draws it.
        #expect(lines[5] == "\u{25CC}\u{0E31}     0.50", "\(lines)")
    }

    @Test func widthCountsColumnsNotCharacters() {
        #expect(DisplayWidth.of("He") == 2 && DisplayWidth.of("日本語") == 6 && DisplayWidth.of("e\u{301}") == 1 && DisplayWidth.of("") == 0)
        #expect(DisplayWidth.padded("ンデ", to: 6) == "ンデ  ")
    }

    /// The attention command's heatmap rows start at one screen column whatever their token
    /// (a trial's `金` row sat one column right of the Latin ones).
    @Test func heatmapRowsStartAtOneColumnWithWideLabels() {
        let m = Matrix(rows: 3, cols: 4, data: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1])
        let lines = Heatmap.labelledLines(m, labels: ["金", " N", "ン\u{FFFD}"], width: 4).dropLast()
        let bars = lines.map { DisplayWidth.of(String($0[..<$0.firstIndex(of: "|")!])) }
        #expect(Set(bars).count == 1 && bars.first == 4, "\(lines)")
    }
}
