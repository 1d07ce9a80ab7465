import Foundation
import Testing
import Model

/// Byte-level BPE against the spec's examples (§7.5), with round trips.
@Suite struct TokenizerTests {
    @Test(arguments: [("tiny.en", [18435, 995, 13]), ("base", [2425, 1002, 13])])
    func encodesTheSpecExample(model: String, ids: [Int]) throws {
        let tok = try TestSupport.model(model).tokenizer
        #expect(tok.encode(" Hello world.") == ids)
        #expect(tok.decode(ids) == " Hello world.")
    }

    @Test(arguments: ["tiny.en", "base"])
    func roundTripsVariedText(model: String) throws {
        let tok = try TestSupport.model(model).tokenizer
        for text in [" And so my fellow Americans, ask not what your country can do for you.",
                     "It's 3.14159 o'clock; we'll see — naïve café, 東京, emoji 🎙️!",
                     "  leading and  double  spaces\nand a newline\t tab",
                     "I'm, you're, they've, he'd, she'll"] {
            #expect(tok.decode(tok.encode(text)) == text)
        }
    }

    /// A token holding part of a character shows its stray bytes in hex, so such tokens differ
    /// on screen (a trial's Chinese lens showed eight columns of `�`); whole characters beside
    /// them stay text, and a token that is whole text is shown as decoded.
    @Test func tokensHoldingPartOfACharacterShowTheirBytes() throws {
        let m = try TestSupport.model("base")
        let tok = m.tokenizer
        // Tokens whose decoding holds U+FFFD: stray bytes, or (four of them) the character itself.
        let lossy = (0..<m.specials.eot).filter { tok.decode([$0]).contains("\u{FFFD}") }
        let partial = lossy.filter { tok.display($0) != tok.decode([$0]) }
        #expect(partial.count > 100 && lossy.count - partial.count <= 4, "base's vocabulary splits many characters")
        let shown = partial.map(tok.display)
        #expect(shown.allSatisfy { !$0.contains("\u{FFFD}") && $0.wholeMatch(of: #/.*<[0-9A-F]{2}( [0-9A-F]{2})*>.*/#) != nil }, "\(shown.prefix(5))")
        #expect(Set(shown).count == partial.count, "no two tokens look alike")
        let chinese = tok.encode("今天天气很好")
        #expect(chinese.map(tok.display).joined().contains("<") == chinese.contains { partial.contains($0) })
        #expect(tok.display(tok.encode(" Hello")[0]) == " Hello")
    }

    /// What a layer decoded is shown with its special tokens where they stand: an encoder-lens
    /// layer that decoded only `<|th|>` read as an empty line.
    @Test func displayTextShowsSpecialTokensWhereTheyStand() throws {
        let m = try TestSupport.model("base")
        let th = try #require(m.specials.languageID("th"))
        let hello = m.tokenizer.encode(" Hello"), city = m.tokenizer.encode(" 東京")
        #expect(m.tokenizer.displayText([th]) == "<|th|>")
        #expect(m.tokenizer.displayText([th] + hello + [m.specials.noTimestamps] + city) == "<|th|> Hello<|notimestamps|> 東京")
        #expect(m.tokenizer.displayText(hello + city) == m.tokenizer.decode(hello + city), "no special token: the decoded text")
    }

    @Test func decodeDropsSpecialsAndTimestamps() throws {
        let m = try TestSupport.model("tiny.en")
        let s = m.specials
        #expect(m.tokenizer.decode([s.sot, 18435, s.timestampBegin + 10, 995, s.eot]) == " Hello world")
    }

    @Test func incompleteUTF8DecodesLossily() throws {
        let tok = try TestSupport.model("tiny.en").tokenizer
        // Token ids 0…255 are the single-byte symbols; find the one for byte 0xE2.
        let id = tok.vocabulary.ids[String(ByteLevel.scalarForByte[0xE2])]!
        #expect(tok.decode([id]) == "\u{FFFD}")
        #expect(tok.decode(tok.encode(" A") + [id]) == " A\u{FFFD}")
    }

    @Test func byteAlphabetIsABijection() {
        #expect(Set(ByteLevel.scalarForByte).count == 256)
        #expect(ByteLevel.scalarForByte[0x20].value == 0x120)
        #expect(ByteLevel.scalarForByte[0x0A].value == 0x10A)
        let all = (0...255).map { UInt8($0) }
        #expect(ByteLevel.decode(ByteLevel.encode(all)) == all)
    }

    @Test func specialTokensMatchTheSpecTable() throws {
        let tiny = try TestSupport.model("tiny.en").specials
        let tinyIDs: [Int] = [tiny.eot, tiny.sot, tiny.noSpeech, tiny.noTimestamps, tiny.timestampBegin, tiny.timestampEnd]
        #expect(tinyIDs == [50256, 50257, 50361, 50362, 50363, 51863])
        #expect(!tiny.isMultilingual)
        let base = try TestSupport.model("base").specials
        let baseIDs: [Int] = [base.eot, base.sot, base.translate, base.transcribe, base.noSpeech, base.noTimestamps, base.timestampBegin]
        #expect(baseIDs == [50257, 50258, 50358, 50359, 50362, 50363, 50364])
        #expect(base.isMultilingual)
        #expect(base.languages.count == 99)
        #expect(base.languageID("en") == 50259 && base.languageID("su") == 50357)
    }

    @Test func compressionRatioUsesZlibLevel6WithHeader() {
        // zlib.compress(b"hello hello hello hello", 6) is 16 bytes: ratio 23/16.
        #expect(CompressionRatio.of("hello hello hello hello") == 23.0 / 16.0)
        #expect(CompressionRatio.of(String(repeating: "la ", count: 100)) > 2.4)
    }
}
