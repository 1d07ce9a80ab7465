import Analysis
import Foundation
import Model
import Testing
import TUI

/// Every view rendered headless to text from real tiny.en output on a sample clip.
@Suite(.serialized) struct ViewTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let shared: Result<ExplorerController, Error> = Result {
        guard ModelCatalog.isInstalled("tiny.en") else { throw InputError("tiny.en", "model not installed") }
        let model = try WhisperModel(directory: ModelCatalog.directory(for: "tiny.en"))
        let path = root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path
        let engine = try Engine(model: model, samples: AudioFile.load(path))
        return try ExplorerController(clip: ClipData(engine: engine, clipName: "0930.wav"), theme: Theme(color: false, unicode: true))
    }

    func screen(_ keys: [Key], width: Int = 160, height: Int = 44) throws -> String {
        let c = try Self.shared.get()
        c.resize(width: width, height: height)
        for k in keys { _ = c.handle(k) }
        c.waitUntilIdle()
        return c.frame().text
    }

    @Test func transcriptViewShowsTextWordsAndLanguage() throws {
        let s = try screen([.char("1")])
        #expect(s.contains("tiny.en") && s.contains("0930.wav"))
        #expect(s.contains("text: He might even have been made amiable himself."))
        #expect(s.contains("language en"))
        #expect(s.contains("amiable"))
        #expect(s.contains("no-speech p"))
    }

    @Test func lensViewShowsEveryLayerAndTheCellDetail() throws {
        let s = try screen([.char("2"), .char("l"), .char("j"), .char("j"), .char("j"), .char("j")])
        for label in ["emb", "L0", "L1", "L2", "L3"] { #expect(s.contains(label)) }
        #expect(s.contains("* saturation"))
        #expect(s.contains("layer 3, token 1 ' might'"), "\(s)")
        #expect(s.contains("top-5:"))
    }

    @Test func encoderLensViewShowsOneTranscriptPerLayer() throws {
        let s = try screen([.char("3")])
        #expect(s.contains("enc 3"))
        #expect(s.contains("He might even have been made amiable himself."))
        let raw = try screen([.char("l")])
        #expect(raw.contains("without ln_post"))
        _ = try screen([.char("l")])
    }

    @Test func attentionViewDrawsAHeatmapWithALegend() throws {
        let s = try screen([.char("4"), .char("+"), .char(">")])
        #expect(s.contains("cross-attention layer 1 head 1"))
        #expect(s.contains("row max 0"))
        let alignment = try screen([.char("a")])
        #expect(alignment.contains("cross-attention, mean of the alignment heads"))
        let mean = try screen([.char("a")])
        #expect(mean.contains("cross-attention, mean of all 24 heads"), "\(mean)")
        _ = try screen([.char("a")])
        // Zoom 2x and pan right by a quarter of the window.
        let frames = try Self.shared.get().clip.engine.audioFrames, n = frames / 2
        let zoomed = try screen([.char("z"), .char("l")])
        #expect(zoomed.contains("frames \(n / 4)–\(n / 4 + n - 1) (zoom 2x)"), "\(zoomed)")
        _ = try screen([.char("z"), .char("z"), .char("z")])
        let enc = try screen([.char("t"), .char("t")])
        #expect(enc.contains("encoder self-attention layer 0 head 0"))
        _ = try screen([.char("t")])
    }

    @Test func patchViewTogglesAPatchOverAWord() throws {
        let c = try Self.shared.get()
        let word = c.clip.words.words.first { $0.text.contains("amiable") }!
        var keys: [Key] = [.char("5")]
        let steps = (word.frames.lowerBound + 2 - c.state.frameCursor) / 5
        keys += Array(repeating: steps >= 0 ? Key.char("l") : Key.char("h"), count: abs(steps))
        keys += [.char("w"), .char("c"), .char("c"), .char("c"), .char("c"), .char(" ")]
        let s = try screen(keys)
        #expect(s.contains("patches: [1] enc.out@"), "\(s)")
        #expect(s.contains("diff:    He might even"), "\(s)")
        #expect(s.contains("[-") || s.contains("{+"), "the inline diff marks the changed words: \(s)")
        #expect(s.contains("WER") && s.contains("Δ log-prob:"))
        let off = try screen([.char("u")])
        #expect(off.contains("patches: none"))
    }

    @Test func mouseSwitchesViewsPicksLensCellsAndDragsASpan() throws {
        let c = try Self.shared.get()
        _ = try screen([.char("1")])
        // Click the "3 Encoder lens" tab on the status line.
        let tabs = ExplorerRenderer.statusLine(state: c.state, clip: c.clip, snapshot: c.current.0, computing: false, theme: c.theme).tabs
        let tab = tabs.first { $0.view == .encoderLens }!
        #expect(try screen([.mouse(x: tab.columns.lowerBound + 1, y: 0, .press)]).contains("[3 Encoder lens]"))
        // Click the lens cell at layer L1 (grid row 2), second column.
        let body = ExplorerRenderer.bodyRegion(width: 160, height: 44)
        let lens = try screen([.char("2"), .home, .mouse(x: body.x + 5 + 10 + 2, y: body.y + 1 + 2, .press)])
        #expect(lens.contains("layer 1, token 1 "), "\(lens)")
        // Drag over the first quarter of the patch strip.
        let dragged = try screen([.char("5"), .mouse(x: body.x, y: body.y + 1, .press), .mouse(x: body.x + body.width / 4, y: body.y + 1, .release)])
        let frames = c.clip.engine.audioFrames
        #expect(dragged.contains("selection 0:\(body.width / 4 * frames / body.width + 1)"), "\(dragged)")
        _ = try screen([.char("1")])
    }

    @Test func patchFromAReferenceClipAndAFailedPatchIsReported() throws {
        let shared = try Self.shared.get()
        let other = Self.root.appendingPathComponent("assets/sense-and-sensibility-0890.wav").path
        let c = try ExplorerController(clip: shared.clip, theme: shared.theme, references: [other, "/no/such/clip.wav"])
        c.resize(width: 160, height: 44)
        func press(_ keys: [Key]) -> String {
            for k in keys { _ = c.handle(k) }
            c.waitUntilIdle()
            return c.frame().text
        }
        // To frame 0, then in steps of 5 to just inside the word.
        let word = c.clip.words.words.first { $0.text.contains("amiable") }!
        var keys: [Key] = [.char("5")] + Array(repeating: Key.char("H"), count: 10)
        keys += Array(repeating: Key.char("l"), count: (word.frames.lowerBound + 5) / 5)
        keys += [.char("w"), .char("s"), .char("s"), .char("s"), .char("s")]
        #expect(press(keys).contains("source clip:\(other)"))
        let patched = press([.char(" ")])
        #expect(patched.contains("patches: [1] enc.0.resid_post@\(word.frames.lowerBound):\(word.frames.upperBound)=clip:\(other)"), "\(patched)")
        #expect(patched.contains("WER"))
        // An unreadable reference: the status line says why and the last good result stays.
        let failed = press([.char("u"), .char("s"), .char(" ")])
        #expect(failed.contains("patch failed: ") && failed.contains("/no/such/clip.wav"), "\(failed)")
        // The list goes back to the set before the failing toggle (the undo left none).
        c.waitUntilIdle()
        let after = c.frame().text
        #expect(after.contains("patches: none") && after.contains("patch failed: "), "\(after)")
    }

    @Test func sweepViewRunsAHeatmapAndOpensACellAsThePatch() throws {
        let shared = try Self.shared.get()
        let c = try ExplorerController(clip: shared.clip, theme: shared.theme)
        c.resize(width: 120, height: 40)
        func press(_ keys: [Key]) -> String {
            for k in keys { _ = c.handle(k) }
            c.waitUntilIdle()
            return c.frame().text
        }
        #expect(press([.char("6")]).contains("No sweep yet. r sweeps enc.L.resid_post, 50-frame windows, source silence"))
        // 100-frame windows over the clip's 165 audio frames: 4 layers × 2 windows.
        let grid = press([.char("w"), .char("r")])
        #expect(grid.contains("sweep enc.L.resid_post, 100-frame windows, source silence: WER"), "\(grid)")
        guard case .done(let sweep) = c.sweep else { Issue.record("the sweep did not finish: \(c.sweep)"); return }
        #expect(sweep.cells.count == 8)
        for layer in 0..<4 { #expect(grid.contains("enc \(layer)")) }
        #expect(press([.char("m")]).contains("mean |Δ log-prob|"))
        // Click layer 3, window 1 (frames 100:165), then open it.
        let body = ExplorerRenderer.bodyRegion(width: 120, height: 40)
        // Cells are 7 columns wide after a 7-column layer label, below the title and header rows.
        let picked = press([.mouse(x: body.x + 7 + 7 + 2, y: body.y + 2 + 3, .press)])
        let cell = try #require(sweep.cells.first { $0.layer == 3 && $0.positions == 100..<165 })
        #expect(picked.contains("cell enc.3.resid_post@100:165=silence: WER \(String(format: "%.2f", cell.wer))"), "\(picked)")
        let opened = press([.enter])
        #expect(c.state.view == .patch)
        #expect(opened.contains("patches: [1] enc.3.resid_post@100:165=silence"), "\(opened)")
        #expect(opened.contains(String(format: "WER %.2f", cell.wer)) || opened.contains(String(format: "WER %.3f", cell.wer)), "\(opened)")
    }

    @Test func helpOverlayFiltersKeys() throws {
        let s = try screen([.char("?"), .char("u"), .char("n"), .char("d")])
        #expect(s.contains("undo the last patch"))
        #expect(!s.contains("zoom encoder attention"))
        _ = try screen([.escape])
    }

    @Test func tooSmallTerminalSaysWhatItNeeds() throws {
        let s = try screen([], width: 40, height: 10)
        #expect(s.contains("needs at least 60x16"))
        _ = try screen([], width: 160, height: 44)
    }

    @Test func commandLineExportsTheLensAsScreenText() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-view-\(UUID().uuidString).txt").path
        let keys: [Key] = [.char(":")] + "export lens text \(path)".map { Key.char($0) } + [.enter]
        let s = try screen(keys)
        #expect(s.contains("exported lens"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("emb") && text.contains("L3") && text.contains("might"))
    }
}
