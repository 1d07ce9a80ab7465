import Analysis
import Foundation
import Model
import Testing
import TUI

/// Every view rendered headless to text from real tiny.en output on a sample clip.
@Suite struct ViewTests {
    @Test func transcriptViewShowsTextWordsAndLanguage() throws {
        let s = try TUISupport.explorer().press([.char("1")])
        #expect(s.contains("tiny.en") && s.contains("0930.wav"))
        #expect(s.contains("text: He might even have been made amiable himself."))
        #expect(s.contains("clean run   language en"))
        #expect(s.contains("amiable"))
        #expect(s.contains("no-speech p"))
    }

    @Test func lensViewShowsEveryLayerAndTheCellDetail() throws {
        let s = try TUISupport.explorer().press([.char("2"), .char("l"), .char("j"), .char("j"), .char("j"), .char("j")])
        for label in ["emb", "L0", "L1", "L2", "L3"] { #expect(s.contains(" \(label) ")) }
        #expect(s.contains("logit lens, clean run"))
        #expect(s.contains("* saturation"))
        #expect(s.contains("layer 3, token 1 ' might'"), "\(s)")
        #expect(s.contains("top-5:"))
        #expect(s.contains("columns 1–11 of 11"), "the column range never passes the column count: \(s)")
    }

    @Test func lensCellsCarryTheirProbabilityAsAGlyphWithoutColour() throws {
        let c = try TUISupport.explorer()
        let s = c.press([.char("2")])
        let lens = try #require(c.state.shown?.lens)
        // The last row's cells are the transcript itself, mostly near probability 1: a full block.
        let last = try #require(s.split(separator: "\n").first { $0.hasPrefix(" L3 ") })
        let ones = lens.cells.last!.filter { $0.finalProb > 0.95 }.count
        #expect(ones > 0 && last.filter { $0 == "█" }.count >= ones, "\(last)")
    }

    @Test func encoderLensViewShowsOneTranscriptPerLayerAndFoldsLoops() throws {
        let c = try TUISupport.explorer()
        let s = c.press([.char("3")])
        #expect(s.contains("enc 3"))
        #expect(s.contains("final       He might even have been made amiable himself."))
        let raw = c.press([.char("e")])
        #expect(raw.contains("without ln_post"))
    }

    @Test func attentionOpensOnTheAlignmentHeadsAndScalesRowsToTheWholeRow() throws {
        let c = try TUISupport.explorer()
        let s = c.press([.char("4")])
        #expect(s.contains("cross-attention, mean of the alignment heads"), "\(s)")
        #expect(s.contains("row max (whole row)"))
        let mean = c.press([.char("a")])
        #expect(mean.contains("cross-attention, mean of all 24 heads"), "\(mean)")
        let one = c.press([.char("a"), .char("+"), .char(">")])
        #expect(one.contains("cross-attention layer 1 head 1"), "\(one)")
        // Zoom 2x and pan right by a quarter of the window.
        let frames = try #require(c.state.engine).audioFrames, n = frames / 2
        let zoomed = c.press([.char("z"), .char("l")])
        #expect(zoomed.contains("frames \(n / 4)–\(n / 4 + n - 1) (zoom 2x)"), "\(zoomed)")
        let enc = c.press([.char("t"), .char("t")])
        #expect(enc.contains("encoder self-attention layer 0 head 0"))
        let selfAttention = c.press([.char("t"), .char("t"), .char("t")])
        #expect(selfAttention.contains("decoder self-attention") && selfAttention.contains("columns: the prompt, then earlier tokens"), "\(selfAttention)")
    }

    /// Zoomed onto the end of the clip, the first token's row (whose attention lies at the
    /// start) stays dark: rows are scaled to their maximum over the whole row, not the window.
    @Test func zoomingNeverBrightensARowWhoseAttentionIsOffScreen() throws {
        let c = try TUISupport.explorer()
        _ = c.press([.char("4"), .char("z"), .char("z"), .char("z")])
        let s = c.press(Array(repeating: Key.char("l"), count: 40))
        let frames = try #require(c.state.engine).audioFrames
        #expect(s.contains("–\(frames - 1) (zoom 8x)"), "panned to the end: \(s)")
        let row = try #require(s.split(separator: "\n").first { $0.split(separator: " ").first == "He" })
        #expect(!row.contains("█") && !row.contains("▇"), "\(row)")
        // The last token's row does attend there, and lights up.
        let end = try #require(s.split(separator: "\n").first { $0.hasPrefix(" <|endofte") })
        #expect(end.contains("█"), "\(end)")
    }

    @Test func everyWordListedSpansWhatItsTimesSay() throws {
        let c = try TUISupport.explorer()
        let s = c.press([.char("1")])
        for w in try #require(c.state.window).words.words {
            let f = w.frames
            let line = String(format: " %7.2f %7.2f  %d:%d", Double(f.lowerBound) / 50, Double(f.upperBound) / 50, f.lowerBound, f.upperBound)
            #expect(s.contains(line), "\(w.text): \(line)")
            #expect(f.upperBound > f.lowerBound)
        }
    }

    @Test func patchViewTogglesAPatchOverAWordAndOffAtOnce() throws {
        let c = try TUISupport.explorer()
        let word = try #require(c.state.window?.words.words.first { $0.text.contains("amiable") })
        var keys: [Key] = [.char("5")]
        let steps = (word.frames.lowerBound + 2 - c.state.frameCursor) / 5
        keys += Array(repeating: steps >= 0 ? Key.char("l") : Key.char("h"), count: abs(steps))
        keys += [.char("w"), .char("c"), .char("c"), .char("c"), .char("c"), .char(" ")]
        let s = c.press(keys)
        #expect(s.contains("patches: [1] enc.out@"), "\(s)")
        #expect(s.contains("diff:    He might even"), "\(s)")
        #expect(s.contains("[-") || s.contains("{+"), "the inline diff marks the changed words: \(s)")
        #expect(s.contains("WER") && s.contains("Δ log-prob"))
        // Toggling off shows the clean state in the very next frame, with nothing computing.
        c.handle(.char(" "))
        let off = c.frame().text
        #expect(off.contains("patches: none") && !off.contains("computing"), "\(off)")
        // And toggling back on to the set computed before is as immediate.
        c.handle(.char(" "))
        let again = c.frame().text
        #expect(again.contains("patches: [1] enc.out@") && again.contains("WER") && !again.contains("computing"), "\(again)")
        c.handle(.char("u"))
        #expect(c.frame().text.contains("patches: none"))
    }

    /// At every width the explorer accepts, the status line keeps all six tabs, the model and the
    /// patch count on the screen, down to 60 columns with a long name, a window loading and patches.
    @Test func theStatusLineKeepsEveryTabDownToTheNarrowestScreen() throws {
        var s = try TUISupport.explorer().state
        s.clipName = "a-rather-long-recording-name-from-a-corpus.flac"
        s.windowCount = 12; s.windowIndex = 2
        s.settings.patches = [Patch(site: Site(.encoder, 0, .residPost), positions: .range(0..<10), source: .zero)]
        s.settings.attentionWindow = 50
        for width in [200, 120, 100, 80, 72, 66, 60] {
            s.width = width
            let (text, tabs) = ExplorerRenderer.statusLine(s, theme: Theme(color: false, unicode: true))
            #expect(text.count <= width, "\(width): \(text)")
            #expect(tabs.map(\.view) == ExplorerState.View.allCases && tabs.allSatisfy { $0.columns.upperBound <= width }, "\(width): \(text)")
            #expect(text.contains("tiny.en") && (text.contains("patches 1") || text.contains("p1")), "\(width): \(text)")
            #expect(text.contains(width >= 120 ? "window 1→3/12" : "1→3/12"), "window 3 is loading: \(width): \(text)")
        }
    }

    /// The attention map has a cursor row: j and k move it (the rows scroll to keep it), the
    /// detail pane says where it looks, and a click picks a cell and gives its weight. On the
    /// clean sample, ' Dash' is spoken about 1 s in: its row peaks there.
    @Test func theAttentionCursorRowSaysWhereItLooksAndAClickReadsACell() throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader, width: 120, height: 30)
        let start = c.press([.char("4")])
        #expect(start.contains("row 0 ' And': "), "\(start)")
        let dash = c.press(Array(repeating: Key.char("j"), count: 4))
        let line = try #require(dash.split(separator: "\n").first { $0.contains("row 4 ' Dash': ") }, "\(dash)")
        let seconds = try #require(line.components(separatedBy: " at ").dropFirst().first.flatMap { Double($0.split(separator: " ")[0]) })
        #expect(seconds > 0.5 && seconds < 1.5, "\(line)")
        // With the padding hidden, the pane says how much of the row's weight the audio holds
        // (a row sums to 1 over all 1,500 frames); with it shown, the span is of the whole row.
        let shareLine = try #require(dash.split(separator: "\n").first { $0.contains("% of its weight on the audio (p shows the rest), half of that in ") }, "\(dash)")
        let share = try #require(Int(shareLine.trimmingCharacters(in: .whitespaces).split(separator: "%")[0]), "\(shareLine)")
        #expect(share > 0 && share <= 100 && line.contains("row 4 ' Dash': peak on the audio "), "\(line)")
        let padded = c.press([.char("p")])
        #expect(padded.contains("row 4 ' Dash': peak ") && padded.contains(" half its weight in "), "\(padded)")
        _ = c.press([.char("p")])
        // The cursor goes past the last row shown: the rows scroll to keep it.
        _ = c.press([.char("G")])
        #expect(c.state.attentionRow == 26 && c.state.attentionRowScroll > 0, "\(c.state.attentionRow) \(c.state.attentionRowScroll)")
        // A click on the first heat cell of the top row picks it.
        let body = ExplorerRenderer.bodyRegion(width: 120, height: 30)
        let clicked = c.press([.char("g"), .mouse(x: body.x + 10, y: body.y + 1, .press)])
        #expect(c.state.attentionRow == 0 && c.state.attentionPick?.lowerBound == 0, "\(String(describing: c.state.attentionPick))")
        #expect(clicked.contains("clicked cell: 0.00–"), "\(clicked)")
        #expect(!c.press([.char("j")]).contains("clicked cell"), "moving the cursor drops the pick")
        // Decoder self-attention: the peak is a key position, which for the first row can only be
        // in the prompt (causal attention).
        let own = c.press([.char("t"), .char("t")])
        #expect(c.state.settings.attentionKind == .self && c.state.attentionRow == 0)
        let selfLine = try #require(own.split(separator: "\n").first { $0.contains("row 0 ' And': peak ") }, "\(own)")
        let key = try #require(selfLine.components(separatedBy: " at key ").dropFirst().first.flatMap { Int($0.split(separator: " ")[0]) }, "\(selfLine)")
        #expect(key < (c.state.engine?.prompt.count ?? 0), "\(selfLine)")
    }

    /// A window whose one decode ends well before its audio says so, and where to look on; the
    /// help leaves the mouse out under --no-mouse.
    @Test func aWindowDecodedShortOfItsEndSaysWhereToGoOn() throws {
        // 36.7 s of speech, of which tiny.en's first decode takes only the first sentence.
        let samples = try ["0870", "0890", "0930", "0870", "0890", "0930", "0890"].flatMap { try AudioFile.load(TUISupport.asset($0)) }
        let c = try TUISupport.explorer(Result { try ClipLoader(model: TUISupport.model.get(), samples: samples, name: "seven.wav") })
        let window = try #require(c.state.window), textEnd = try #require(window.words.textEnd)
        let screen = c.frame().text
        #expect(window.span.end - textEnd > 2, "the long clip's first decode ends at \(textEnd) s")
        #expect((window.words.words.last?.end ?? 0) - textEnd > 2, "the word times stretch past the text's end")
        // Where the speech after the text is silence, nothing is said: the clip of three
        // sentences with 12 s gaps decodes its first window to the end of the speech in it.
        #expect(!(try TUISupport.explorer(TUISupport.longLoader).frame().text.contains("decoded up to")), "silence after the text is not speech left out")
        // The note is wrapped to the screen, and gives the offset as the command line does.
        let end = String(format: "%.2f", textEnd)
        let flowed = screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(flowed.contains("decoded up to \(end) s of 30.00 s; for speech after it, explore --offset \(end) (a decode ends at its first end of text, "
                                + "as faster-whisper's without timestamps; the word times stretch over the audio after it)"), "\(screen)")
        #expect(!(try TUISupport.explorer(TUISupport.sampleLoader).frame().text.contains("decoded up to")), "the sample is decoded to its end")
        #expect(Keymap.helpRows(.patch).contains { $0.keys == "mouse" } && !Keymap.helpRows(.patch, mouse: false).contains { $0.keys == "mouse" || $0.keys == "wheel" })
    }

    @Test func mouseSwitchesViewsPicksLensCellsAndDragsASpan() throws {
        let c = try TUISupport.explorer()
        let tabs = ExplorerRenderer.statusLine(c.state, theme: c.theme).tabs
        let tab = try #require(tabs.first { $0.view == .encoderLens })
        #expect(c.press([.mouse(x: tab.columns.lowerBound + 1, y: 0, .press)]).contains("[3 Encoder lens]"))
        // Click the lens cell at layer L1 (grid row 2 below the title and header), second column.
        let body = ExplorerRenderer.bodyRegion(width: 160, height: 44)
        let lens = c.press([.char("2"), .home, .mouse(x: body.x + 5 + 10 + 2, y: body.y + 2 + 2, .press)])
        #expect(lens.contains("layer 1, token 1 "), "\(lens)")
        let dragged = c.press([.char("5"), .mouse(x: body.x, y: body.y + 1, .press), .mouse(x: body.x + body.width / 4, y: body.y + 1, .release)])
        let frames = try #require(c.state.engine).audioFrames
        #expect(dragged.contains("selection 0:\(body.width / 4 * frames / body.width + 1)"), "\(dragged)")
    }

    @Test func patchFromAReferenceClipAndAFailedPatchIsReported() throws {
        let other = TUISupport.asset("0890")
        let c = try TUISupport.explorer(references: [other, "/no/such/clip.wav"])
        let word = try #require(c.state.window?.words.words.first { $0.text.contains("amiable") })
        var keys: [Key] = [.char("5")] + Array(repeating: Key.char("H"), count: 10)
        keys += Array(repeating: Key.char("l"), count: (word.frames.lowerBound + 5) / 5)
        keys += [.char("w"), .char("s"), .char("s"), .char("s"), .char("s")]
        #expect(c.press(keys).contains("source clip:\(other)"))
        let patched = c.press([.char(" ")])
        #expect(patched.contains("patches: [1] enc.0.resid_post@\(word.frames.lowerBound):\(word.frames.upperBound)=clip:\(other)"), "\(patched)")
        #expect(patched.contains("WER"))
        // An unreadable reference: the status line says why and the list goes back.
        let failed = c.press([.char("u"), .char("s"), .char(" ")])
        #expect(failed.contains("patch failed: ") && failed.contains("/no/such/clip.wav"), "\(failed)")
        #expect(failed.contains("patches: none"), "\(failed)")
    }

    @Test func sweepViewRunsAHeatmapAndOpensACellAsThePatch() throws {
        let c = try TUISupport.explorer(width: 120, height: 40)
        #expect(c.press([.char("6")]).contains("No sweep yet. r sweeps enc.L.resid_post, 50-frame windows, source silence"))
        _ = c.command("export sweep json /tmp/none.json")
        #expect(c.state.status?.text.contains("sweep: no sweep has finished in this window") == true, "\(c.state.status?.text ?? "")")
        // 100-frame windows over the clip's 165 audio frames: 4 layers × 2 windows, counted from the start.
        c.handle(.char("f"))
        c.handle(.char("r"))
        #expect(c.frame().text.contains("0/8 cells"), "the sweep counts its cells before the first is done")
        c.waitUntilIdle()
        let grid = c.frame().text
        #expect(grid.contains("sweep enc.L.resid_post, 100-frame windows, source silence: WER"), "\(grid)")
        guard case .done(let sweep) = c.state.sweep else { Issue.record("the sweep did not finish: \(c.state.sweep)"); return }
        #expect(sweep.cells.count == 8)
        #expect(sweep.attentionWindow == nil)
        #expect(c.press([.char("m")]).contains("mean |Δ log-prob|"))
        // Ctrl-S writes the sweep as `asrlens sweep` prints it: both metrics, loops, the cost.
        let saved = c.press([.ctrl("s")])
        let name = try #require(c.state.status?.text.split(separator: " ").last.map(String.init), "\(saved)")
        defer { try? FileManager.default.removeItem(atPath: name) }
        let text = try String(contentsOfFile: name, encoding: .utf8)
        #expect(saved.contains("exported the sweep (8 cells") && text.contains("8 cells in") && text.contains("mean |Δ log-prob|") && text.contains("WER"), "\(text)")
        // `:export sweep FORMAT PATH` writes the same sweep (a trial found it refused as no view).
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-sweep-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        _ = c.command("export sweep json \(json)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect((record["cells"] as? [Any])?.count == 8, "\(record.keys.sorted())")
        #expect((record["window_sha256"] as? String)?.count == 64 && record["window_start"] as? Double == 0, "as asrlens sweep --json has them")
        let body = ExplorerRenderer.bodyRegion(width: 120, height: 40)
        let picked = c.press([.mouse(x: body.x + 7 + 7 + 2, y: body.y + 2 + 3, .press)])
        let cell = try #require(sweep.cells.first { $0.layer == 3 && $0.positions == 100..<165 })
        #expect(picked.contains("cell enc.3.resid_post@100:165=silence: WER \(String(format: "%.2f", cell.wer))"), "\(picked)")
        let opened = c.press([.enter])
        #expect(c.state.view == .patch)
        #expect(opened.contains("patches: [1] enc.3.resid_post@100:165=silence"), "\(opened)")
        #expect(opened.contains(String(format: "WER %.2f", cell.wer)), "\(opened)")
    }

    /// The explorer's sweep runs under the attention window that is on, as `sweep
    /// --attention-window` does, and says so (a trial found it ignored).
    @Test func theExplorersSweepRunsUnderTheAttentionWindowThatIsOn() throws {
        let c = try TUISupport.explorer(width: 120, height: 40)
        _ = c.command("attention-window 20")
        #expect(c.press([.char("6")]).contains("No sweep yet. r sweeps enc.L.resid_post, 50-frame windows, source silence, attention ±20"))
        c.handle(.char("f"))
        c.handle(.char("r"))
        c.waitUntilIdle()
        guard case .done(let sweep) = c.state.sweep else { Issue.record("the sweep did not finish: \(c.state.sweep)"); return }
        #expect(sweep.attentionWindow == 20 && sweep.windowAlone != nil)
        #expect(c.frame().text.contains("source silence, attention ±20: WER"), "\(c.frame().text.prefix(300))")
    }

    /// Found by a new-user trial: without colour the level glyph took the `!` slot, so a
    /// looping cell looked like any other.
    @Test func aLoopingSweepCellIsMarkedWithAndWithoutColour() throws {
        var state = try TUISupport.explorer(width: 120, height: 40).state
        state.view = .sweep
        let cells = (0..<2).map { i in
            Sweep.Cell(index: i, layer: 0, head: nil, cross: false, positions: (i * 50)..<(i * 50 + 50), patch: "enc.0.resid_post@\(i * 50):\(i * 50 + 50)=zero",
                       wer: i == 0 ? 2.5 : 0.25, meanAbsDelta: 1, repetition: i == 0, text: "x", layersEvaluated: 4)
        }
        state.sweep = .done(Sweep(kind: .component(.residPost, window: 50), source: .zero, cells: cells, plannedCells: 2, cleanLayers: 4, referenceLayers: 4))
        for color in [true, false] {
            let grid = ExplorerRenderer.render(state, theme: Theme(color: color, unicode: true)).text
            let row = try #require(grid.split(separator: "\n").first { $0.contains("enc 0") && $0.contains("2.50") }, "\(grid)")
            #expect(row.contains("2.50") && row.filter { $0 == "!" }.count == 1, "colour \(color): \(row)")
            #expect(row.firstRange(of: "2.50")!.lowerBound < row.firstIndex(of: "!")! && row.firstIndex(of: "!")! < row.firstRange(of: "0.25")!.lowerBound)
        }
    }

    @Test func helpIsGeneratedFromTheKeymapFiltersAndScrolls() throws {
        let c = try TUISupport.explorer(width: 80, height: 24)
        let s = c.press([.char("5"), .char("?"), .char("u"), .char("n"), .char("d")])
        #expect(s.contains("undo / redo the last change to the patches"), "\(s)")
        #expect(!s.contains("zoom in time"))
        let none = c.press([.char("x"), .char("y"), .char("z")])
        #expect(none.contains("no matches for 'undxyz'"), "\(none)")
        // Unfiltered, the help is longer than 24 rows: it says so and scrolls to its last row.
        let all = c.press([.backspace, .backspace, .backspace, .backspace, .backspace, .backspace])
        #expect(all.contains("↑ ↓ scroll"), "\(all)")
        let bottom = c.press(Array(repeating: Key.down, count: 40))
        #expect(bottom.contains(":q!") && bottom.contains(":save-session") && !bottom.contains("undo / redo"), "its last rows, the : commands: \(bottom)")
        // Every bound key of the view is in the help, and no help row is without a key.
        for binding in Keymap.bindings(.patch) + Keymap.global { #expect(Keymap.helpRows(.patch).contains { $0.help == binding.help }) }
        c.handle(.escape)
        #expect(c.state.mode == .normal)
    }

    /// A message longer than the screen is wide wraps into the detail pane's free rows instead
    /// of being cut (a trial could not read the list of commands of an unknown-command error).
    @Test func aLongMessageWrapsInTheDetailPane() throws {
        let c = try TUISupport.explorer()
        let screen = c.command("frobnicate now")
        let message = try #require(c.state.status?.text)
        #expect(message.count > c.state.width, "the message is longer than a line: \(message)")
        let shown = screen.split(separator: "\n").suffix(5).joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(shown.contains(message.split(separator: " ").joined(separator: " ")), "\(screen)")
    }

    /// Too small a terminal: the whole message wraps into it (the way out, q, is never cut off),
    /// and keys other than q do nothing unseen.
    @Test func tooSmallTerminalSaysWhatItNeedsAndKeysWait() throws {
        let c = try TUISupport.explorer(width: 40, height: 10)
        let s = c.frame().text.split(separator: "\n").joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(s.contains("needs at least 60x16") && s.contains("Enlarge it, or press q."), "\(s)")
        _ = c.press([.char("2"), .char("?")])
        #expect(c.state.view == .transcript && c.state.mode == .normal, "keys acted on the hidden screen")
        let patched = try TUISupport.explorer()
        _ = patched.command("patch enc.0.resid_post@0:10=zero")
        patched.resize(width: 40, height: 10)
        let asked = patched.press([.char("q")]).split(separator: "\n").joined(separator: " ")
        #expect(!patched.state.quit && asked.contains("q or y quits"), "the quit question shows on the small screen: \(asked)")
    }

    @Test func commandLineExportsTheLensAsDataWithItsRun() throws {
        let c = try TUISupport.explorer()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-view-\(UUID().uuidString).tsv").path
        let s = c.command("export lens tsv \(path)")
        #expect(s.contains("exported lens (clean, tsv)"), "\(s)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# run: clean\nlayer\tposition\ttarget_id\ttarget\ttop1_id\ttop1\ttarget_prob\ttarget_rank\tsaturation_layer\tpast_cap\nemb\t0\t679\t He\t"), "\(text.prefix(200))")
        // "He might even have been made amiable himself." is 10 tokens; with EOT 11 columns, on 5 rows.
        #expect(text.split(separator: "\n").count == 2 + 5 * 11, "the run, the header, then a row per layer and column")
    }
    /// A view's screen exported before the view was ever shown holds its data, not "computing…"
    /// (a trial's attention and encoder-lens screens did), under the patch the explorer holds.
    @Test func aScreenExportWaitsForTheDataItsViewShows() throws {
        let c = try TUISupport.explorer()
        _ = c.command("patch enc.3.resid_post@40:80=zero")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-screens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for view in ["attention", "encoder-lens"] {
            let path = dir.appendingPathComponent("\(view).txt").path
            _ = c.command("export \(view) screen \(path)")
            c.waitUntilIdle()
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains("computing") && !text.contains("decoding a transcript from every"), "\(view):\n\(text)")
            #expect(text.contains("patches 1 PATCHED"), "the patched run's screen:\n\(text)")
        }
        #expect(c.state.view == .transcript, "the export leaves the view on screen as it was")
    }

    /// The `:` line's cursor sits at its character's screen column: after CJK text it was drawn
    /// at the character's index and overwrote its neighbour (`:view 日 x語x`).
    @Test func theCommandLineCursorFollowsWideCharacters() throws {
        let c = try TUISupport.explorer()
        let screen = c.press([.char(":")] + c.type("view 日本語x") + [.left])
        #expect(screen.split(separator: "\n").last.map(String.init)?.hasPrefix(":view 日本語x") == true, "\(screen.split(separator: "\n").last ?? "")")
        _ = c.press([.escape])
        // A line wider than the screen scrolls: its end and the cursor stay in view.
        let long = "export lens text /tmp/" + String(repeating: "a", count: 200) + "-end.txt"
        let wide = c.press([.char(":")] + c.type(long)).split(separator: "\n").last.map(String.init) ?? ""
        #expect(wide.hasPrefix("…") && wide.hasSuffix("-end.txt_") && DisplayWidth.of(wide) == 160, "\(wide)")
        _ = c.press([.escape])
    }

    /// The status line shows a path as written: two spaces in it stay two (they were shown as one).
    @Test func theStatusLineKeepsAPathsSpaces() throws {
        let c = try TUISupport.explorer()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-spaces-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let screen = c.command("export lens text \(dir.path)/my  lens.txt")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("my  lens.txt").path))
        #expect(screen.contains("/my  lens.txt"), "\(screen)")
    }

    /// A window as wide as the clip's audio leaves one cell a layer; the header says so, as the
    /// CLI warns (a trial found the explorer silent).
    @Test func aSweepWindowOverTheWholeAudioSaysSo() throws {
        let loader = Result { try ClipLoader(model: TUISupport.model.get(), path: "/usr/share/pocketsphinx/test/data/cards/001.wav") }
        let c = try TUISupport.explorer(loader, width: 120, height: 30)
        _ = c.press([.char("6"), .char("f"), .char("r")])
        let grid = c.frame().text
        guard case .done(let sweep) = c.state.sweep else { Issue.record("the sweep did not finish: \(grid)"); return }
        #expect(Set(sweep.cells.map(\.positions.lowerBound)) == [0] && grid.contains("100-frame windows (one window covers the audio)"), "\(grid)")
    }

    /// Japanese is written without spaces and its characters take two columns: every token is
    /// drawn whole (tokens of two characters lost one to the next token) and the text wraps
    /// inside its one long word instead of running off the edge (found by a trial).
    @Test func japaneseTokensAreDrawnWholeAndTheTextWraps() throws {
        let wav = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-ja-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: wav) }
        let espeak = Process()
        espeak.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        espeak.arguments = ["-v", "ja", "-w", wav, "きょうは とても いい てんき ですね。 とうきょうへ いきましょう。 あめが ふるかもしれないので かさを もって いきましょう。"]
        try espeak.run(); espeak.waitUntilExit()
        let base = try WhisperModel(directory: ModelCatalog.directory(for: "base"))
        let loader = Result { try ClipLoader(model: base, samples: AudioFile.load(wav), name: "ja.wav", language: "ja") }
        let c = try TUISupport.explorer(loader, width: 60, height: 30)
        let engine = try #require(c.state.engine)
        let screen = c.frame().text
        let shown = engine.cleanTokens.map(engine.model.tokenizer.display).filter { !$0.contains("\u{FFFD}") && $0.count > 1 }
        try #require(!shown.isEmpty, "tokens of two characters or more: \(engine.cleanTokens)")
        for token in shown { #expect(screen.contains(token.trimmingCharacters(in: .whitespaces)), "\(token) is drawn whole:\n\(screen)") }
        let flat = screen.filter { !$0.isWhitespace }
        #expect(flat.contains(engine.clean.text.filter { !$0.isWhitespace }), "the whole text, wrapped:\n\(screen)")
    }
}

