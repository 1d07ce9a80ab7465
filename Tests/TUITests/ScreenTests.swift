import Foundation
import Testing
import TUI

/// Whole screens, compared with the exact text of the canvas at 80×24 and 160×48, overflow
/// cases included. Each run of digits is masked as one `#` and heat glyphs as `▒`: the layout is
/// exact, while the numbers (and how many digits they take) are checked by the view and engine
/// tests. `ASRLENS_RECORD_SCREENS=1` writes the expected screens anew (then read them before
/// committing them).
@Suite struct ScreenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Screens")

    static func masked(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch.isNumber { if out.last != "#" { out.append("#") } } else { out.append("▁▂▃▄▅▆▇█".contains(ch) ? "▒" : ch) }
        }
        return out
    }

    static func check(_ name: String, _ screen: String) throws {
        let url = directory.appendingPathComponent(name + ".txt")
        let got = masked(screen)
        if ProcessInfo.processInfo.environment["ASRLENS_RECORD_SCREENS"] == "1" {
            try got.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let want = try String(contentsOf: url, encoding: .utf8)
        let a = want.split(separator: "\n", omittingEmptySubsequences: false), b = got.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(got == want, "\(name): first difference at row \(first?.offset ?? min(a.count, b.count))\nwant: \(first.map { String($0.element.0) } ?? "")\ngot:  \(first.map { String($0.element.1) } ?? "")\n\(got)")
    }

    static let sizes = [(80, 24), (160, 48)]

    @Test(arguments: sizes)
    func everyViewOnTheSampleClip(width: Int, height: Int) throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader, width: width, height: height)
        let size = "\(width)x\(height)"
        try Self.check("transcript-\(size)", c.press([.char("1")]))
        try Self.check("transcript-end-\(size)", c.press([.char("G")]))
        try Self.check("lens-\(size)", c.press([.char("2"), .char("l"), .char("l"), .char("j"), .char("j")]))
        try Self.check("lens-last-column-\(size)", c.press([.char("G")]))
        try Self.check("encoder-lens-\(size)", c.press([.char("3")]))
        try Self.check("attention-\(size)", c.press([.char("4")]))
        try Self.check("attention-scrolled-\(size)", c.press([.pageDown]))
        try Self.check("attention-encoder-\(size)", c.press([.char("t"), .char("t"), .char("t")]))
        try Self.check("patch-\(size)", c.press([.char("5"), .char("H"), .char("w"), .char(" ")]))
        try Self.check("sweep-\(size)", c.press([.char("6")]))
        try Self.check("help-\(size)", c.press([.char("5"), .char("?")]))
        try Self.check("help-no-match-\(size)", c.press([.char("z"), .char("q"), .char("x")]))
        _ = c.press([.escape])
        try Self.check("quit-question-\(size)", c.press([.char("q")]))
    }

    @Test(arguments: sizes)
    func eighteenPatchesScrollInThePatchView(width: Int, height: Int) throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader, width: width, height: height)
        for f in 0..<18 { _ = c.command("patch enc.0.resid_post@\(f * 10):\(f * 10 + 5)=zero") }
        try Self.check("patch-18-\(width)x\(height)", c.press([.char("5")]))
        try Self.check("patch-18-end-\(width)x\(height)", c.press([.char("G")]))
    }
}
