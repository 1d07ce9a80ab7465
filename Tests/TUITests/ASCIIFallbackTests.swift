import Testing
import TUI

/// In a locale that is not UTF-8 every cell must reach the terminal as one ASCII byte: a trial
/// under LC_ALL=C saw each en dash take three cells and leave an '@' behind.
struct ASCIIFallbackTests {
    @Test func everyCharacterTheViewsDrawHasAnASCIIStandIn() throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader, width: 160, height: 48, unicode: false)
        var seen = Set<Character>()
        let keys: [[Key]] = [[.char("1")], [.char("2")], [.char("3")], [.char("4")], [.char("t"), .char("t"), .char("t")],
                             [.char("5"), .char("H"), .char("w"), .char(" ")], [.char("6")], [.char("?")], [.escape, .char("q")]]
        for k in keys { seen.formUnion(c.press(k).filter { !$0.isASCII && $0 != "\n" }) }
        _ = c.press([.escape])
        seen.formUnion(c.command("patch enc.9.resid_post@0:10=zero").filter { !$0.isASCII && $0 != "\n" })
        #expect(!seen.isEmpty, "the views draw dashes and signs, which this test is about")
        let unmapped = seen.filter { ASCIIFallback.character($0) == "?" }
        #expect(unmapped.isEmpty, "no stand-in for \(unmapped.sorted())")
        #expect(seen.allSatisfy { ASCIIFallback.character($0).isASCII })
        // An attention window's ± is written +- (a one-cell '+' read as a plus: a trial's "attention +10").
        let windowed = c.command("attention-window 10")
        #expect(windowed.contains("attention +-10") && !windowed.contains("±"), "\(windowed.prefix(200))")
    }
}
