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
}
