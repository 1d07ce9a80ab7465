import Testing
import TUI

/// The cell grid behind every view.
@Suite struct CanvasTests {
    @Test func textIsClippedAtTheEdges() {
        var c = Canvas(width: 5, height: 2)
        #expect(c.put("hello world", x: 1, y: 0) == 5)
        c.put("ab", x: -1, y: 1)
        c.put("never", x: 0, y: 7)
        #expect(c.text == " hell\nb\n")
    }

    @Test func changesListOnlyTheCellsThatDiffer() {
        var a = Canvas(width: 4, height: 3)
        a.put("abcd", x: 0, y: 0)
        var b = a
        b.put("X", x: 2, y: 1, style: .init(foreground: 196, bold: true))
        let diff = b.changes(since: a)
        #expect(diff.count == 1)
        #expect(diff[0].x == 2 && diff[0].y == 1 && diff[0].cell.character == "X" && diff[0].cell.style.bold)
        #expect(b.changes(since: nil).count == 12)
        #expect(Canvas(width: 5, height: 3).changes(since: a).count == 15)
    }

    @Test func fillStaysInsideTheCanvas() {
        var c = Canvas(width: 3, height: 2)
        c.fill(x: 1, y: -1, width: 10, height: 10, with: .init(character: "#", style: .plain))
        #expect(c.text == " ##\n ##\n")
    }

    /// A CJK character takes two cells, as the terminal draws it; overwriting either half clears
    /// the other, and a changed row holding one is redrawn whole (a trial's Japanese words
    /// pushed every column after them one cell left).
    @Test func aWideCharacterTakesTwoCellsAndNeverLeavesHalf() {
        var c = Canvas(width: 6, height: 2)
        #expect(c.put("コン", x: 0, y: 0) == 4)
        #expect(c[1, 0].isContinuation && c[3, 0].isContinuation && c.text == "コン\n\n")
        #expect(c.put("日", x: 5, y: 1) == 6 && c.text == "コン\n\n", "a wide character cut by the edge is a space")
        var d = c
        d.put("x", x: 1, y: 0)   // the right half of コ
        #expect(d.text == " xン\n\n")
        d.put("a", x: 2, y: 0)   // the left half of ン
        #expect(d.text == " xa\n\n" && !d[3, 0].isContinuation)
        let redrawn = d.changes(since: c)
        #expect(redrawn.count == 6 && redrawn.allSatisfy { $0.y == 0 }, "the whole first row, nothing of the second")
    }

    /// A Thai vowel sign standing alone (a token that starts with one) takes its cell on a
    /// dotted circle: the terminal drew it onto the cell before, and doubled it at the next
    /// redraw. A letter with its marks stays one cell as written.
    @Test func aLoneCombiningMarkIsDrawnOnADottedCircle() {
        var d = Canvas(width: 8, height: 1)
        d.put("\u{0E34}น", x: 0, y: 0)
        #expect(d[0, 0].character == "\u{25CC}\u{0E34}" && d[1, 0].character == "น")
        var e = Canvas(width: 4, height: 1)
        e.put("a\u{200B}b", x: 0, y: 0)
        #expect(e.cells.prefix(3).map(\.character) == ["a", " ", "b"])
        var f = Canvas(width: 4, height: 1)
        f.put("วั", x: 0, y: 0)
        #expect(f[0, 0].character == "วั" && f[1, 0].character == " ")
    }
}
