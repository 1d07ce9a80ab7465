import Analysis
import Foundation
import Model
import Testing
import TUI

/// The reducer without a terminal: keys of every view through the keymap, `:` commands, and
/// the defects users hit, each shown on the state (and on the screen where it showed).
@Suite struct ReducerTests {
    /// A loaded state to reduce from.
    static func loaded() throws -> ExplorerState { try TUISupport.explorer().state }

    static func reduce(_ s: ExplorerState, _ actions: Action...) -> (ExplorerState, [Effect]) {
        var state = s
        var effects: [Effect] = []
        for a in actions { let r = Reducer.reduce(state, a); state = r.0; effects += r.1 }
        return (state, effects)
    }

    @Test func everyBoundKeyOfEveryViewDecodesToItsAction() throws {
        for view in ExplorerState.View.allCases {
            var seen = Set<Key>()
            for binding in Keymap.bindings(view) + Keymap.global {
                for (key, _) in binding.keys {
                    #expect(Keymap.action(for: key, in: view) != nil, "\(key.name) in \(view)")
                    // A view's own binding shadows a global one only for keys the global table lacks.
                    if Keymap.bindings(view).contains(where: { $0.keys.contains { $0.0 == key } }) { seen.insert(key) }
                }
            }
            for key: Key in [.char("h"), .char("j"), .char("k"), .char("l"), .left, .right, .up, .down, .pageUp, .pageDown, .char("g"), .char("G")] {
                #expect(!seen.contains(key), "\(key.name) moves in every view; \(view) must not rebind it")
            }
        }
        #expect(Keymap.action(for: .alt("x"), in: .patch) == nil, "Alt chords do nothing")
        #expect(Keymap.action(for: .escape, in: .lens).map { if case .escape = $0 { return true } else { return false } } == true)
    }

    @Test func layerAndHeadCommandsShowThatLayerAndHead() throws {
        let c = try TUISupport.explorer()
        let s = c.command("layer 2")
        #expect(c.state.settings.layer == 2 && c.state.view == .attention)
        let t = c.command("head 3")
        #expect(c.state.settings.head == 3)
        #expect(t.contains("cross-attention layer 2 head 3"), "\(s)\n\(t)")
        #expect(t.contains("ok: :head 3"))
    }

    /// t cycles the kinds, the alignment heads' mean the view opens on among them (a trial found
    /// it lost after one round).
    @Test func aCommandKeepsTheAttentionKindChosenWithT() throws {
        let c = try TUISupport.explorer()
        _ = c.press([.char("4")])
        #expect(c.state.settings.attentionKind == .alignment)
        var seen: [AttentionKind] = []
        for _ in 0..<4 { _ = c.press([.char("t")]); seen.append(c.state.settings.attentionKind) }
        #expect(seen == [.cross, .self, .encoder, .alignment])
        _ = c.press([.char("t"), .char("t")])
        #expect(c.state.settings.attentionKind == .self)
        _ = c.command("lnpost off")
        #expect(c.state.settings.attentionKind == .self && c.state.settings.lnPost == false)
    }

    /// g and G take a zoomed attention map to its first and last frames (a trial found them
    /// scrolling rows only).
    @Test func gAndGPanAZoomedAttentionMapToItsEdges() throws {
        let c = try TUISupport.explorer()
        _ = c.press([.char("4"), .char("z"), .char("z")])
        #expect(c.state.zoom == 4)
        _ = c.press([.char("G")])
        let last = c.state.attentionOffset
        _ = c.press([.char("l")])
        #expect(c.state.attentionOffset == last && last > 0, "G reached the last frames: l pans no further")
        _ = c.press([.char("g")])
        #expect(c.state.attentionOffset == 0)
    }

    /// `:attention-window K` runs the clip with localised encoder attention, named in the header
    /// and the run label; `off` returns to the clean run; a window out of range is one error line.
    @Test func theAttentionWindowCommandRunsLocalisedEncoderAttention() throws {
        let c = try TUISupport.explorer()
        let windowed = c.command("attention-window 10")
        #expect(c.state.settings.patchSet == PatchSet(attentionWindow: 10) && c.state.shown?.patches.attentionWindow == 10)
        #expect(windowed.contains("attention ±10 PATCHED") && windowed.contains("PATCHED run (0 patches, attention ±10)"), "\(windowed)")
        #expect(c.state.shown?.run.text != c.state.window?.engine.clean.text, "±10 frames changes the transcript")
        let off = c.command("attention-window off")
        #expect(c.state.settings.patchSet.isEmpty && off.contains("clean run"), "\(off)")
        let bad = c.command("attention-window 2000")
        #expect(bad.contains("2000: not a window (frames either side, 0 to 1500, or off)") && c.state.settings.attentionWindow == nil, "\(bad)")
    }

    @Test func escapeAndAltNeverQuitAndQAsksWhenPatchesWouldBeLost() throws {
        var (s, effects) = Self.reduce(try Self.loaded(), .escape)
        #expect(!s.quit && effects.allSatisfy { $0 != .quit })
        s.settings.patches = [Patch(site: Site(.encoder, 0, .residPost), positions: .range(0..<10), source: .zero)]
        (s, effects) = Self.reduce(s, .requestQuit)
        #expect(!s.quit, "one q with a patch on asks first")
        guard case .confirmQuit(let question) = s.mode else { Issue.record("no question: \(s.mode)"); return }
        #expect(question.contains("1 patch"))
        let stay = Self.reduce(s, .escape).0
        #expect(!stay.quit && stay.mode == .normal)
        let gone = Self.reduce(s, .requestQuit)
        #expect(gone.0.quit && gone.1.contains(.quit))
        // An attention window alone is work to lose too.
        var windowed = try Self.loaded()
        windowed.settings.attentionWindow = 50
        let asked = Self.reduce(windowed, .requestQuit).0
        #expect(!asked.quit && asked.mode == .confirmQuit("Quit and lose the attention window of 50 frames either side? q or y quits, any other key stays"))
        // With nothing to lose, q quits at once; so does :q.
        #expect(Self.reduce(try Self.loaded(), .requestQuit).0.quit)
        #expect(Self.reduce(try Self.loaded(), .commandLine(":q")).0.quit)
        // :q! quits with the patch on, without asking, as vi's does; :q asks.
        var patched = s
        patched.mode = .normal
        #expect(Self.reduce(patched, .commandLine(":q!")).0.quit)
        #expect(Self.reduce(patched, .commandLine(":quit!")).1.contains(.quit))
        #expect(!Self.reduce(patched, .commandLine(":q")).0.quit)
    }

    /// The same patch twice is refused (a toggle on the same span takes it off instead).
    @Test func theSamePatchTwiceIsRefused() throws {
        let c = try TUISupport.explorer()
        _ = c.command("patch enc.0.resid_post@0:10=zero")
        let again = c.command("patch enc.0.resid_post@0:10=zero")
        #expect(again.contains("enc.0.resid_post@0:10=zero: is already on, as patch 1") && c.state.settings.patches.count == 1, "\(again)")
        #expect(!c.command("patch enc.0.resid_post@0:10=mean").contains("already on") && c.state.settings.patches.count == 2)
    }

    @Test func aWarningShowsOnTheStatusLineWithoutTheAlertStyle() throws {
        let (s, effects) = Self.reduce(try Self.loaded(), .warned("ref.wav: 2.0% of its samples lie beyond full scale"))
        #expect(s.status == .init("warning: ref.wav: 2.0% of its samples lie beyond full scale"))
        #expect(effects.isEmpty)
    }

    @Test func anEmptyCommandIsNotAnError() throws {
        let (s, _) = Self.reduce(try Self.loaded(), .openCommand, .submit)
        #expect(s.status == nil && s.mode == .normal)
        let (t, _) = Self.reduce(try Self.loaded(), .commandLine(":"))
        #expect(t.status?.isError != true)
    }

    @Test func theCommandLineHasHistoryAndCompletion() throws {
        var s = try Self.loaded()
        for line in ["layer 1", "head 2"] {
            s = Self.reduce(s, .openCommand).0
            for ch in line { s = Self.reduce(s, .type(ch)).0 }
            s = Self.reduce(s, .submit).0
        }
        s = Self.reduce(s, .openCommand, .historyUp).0
        if case .command(let line) = s.mode { #expect(line.text == "head 2" && line.historyIndex == 1) } else { Issue.record("\(s.mode)") }
        s = Self.reduce(s, .historyUp).0
        if case .command(let line) = s.mode { #expect(line.text == "layer 1") } else { Issue.record("\(s.mode)") }
        s = Self.reduce(s, .escape, .openCommand, .type("e"), .type("x"), .complete).0
        if case .command(let line) = s.mode { #expect(line.text == "export ") } else { Issue.record("\(s.mode)") }
        s = Self.reduce(s, .escape, .openCommand).0
        for ch in "patch enc.3.resid_p" { s = Self.reduce(s, .type(ch)).0 }
        s = Self.reduce(s, .complete).0
        if case .command(let line) = s.mode { #expect(line.text == "patch enc.3.resid_p") } else { Issue.record("\(s.mode)") }
        #expect(s.status?.text == "2 completions: enc.3.resid_pre  enc.3.resid_post", "several matches are listed: \(String(describing: s.status))")
        s = Self.reduce(s, .type("o"), .complete).0
        if case .command(let line) = s.mode { #expect(line.text == "patch enc.3.resid_post") } else { Issue.record("\(s.mode)") }
        // The command `patch` completes with its space, as any other (a trial typed ":patchenc.1.").
        s = Self.reduce(s, .escape, .openCommand, .type("p"), .type("a"), .complete).0
        if case .command(let line) = s.mode { #expect(line.text == "patch ") } else { Issue.record("\(s.mode)") }
    }

    /// The `:` line edits at a cursor, as readline does (a trial could only edit at its end).
    @Test func theCommandLineEditsAtTheCursorAsReadlineDoes() throws {
        let c = try TUISupport.explorer()
        func line() -> LineEditor? { if case .command(let l) = c.state.mode { return l } else { return nil } }
        _ = c.press([.char(":")] + c.type("export lens tsv foo") + [.ctrl("w")])
        #expect(line()?.text == "export lens tsv ")
        _ = c.press([.ctrl("u")] + c.type("layr 2") + [.left, .left, .left, .char("e")])
        #expect(line()?.text == "layer 2" && line()?.cursor == 4)
        let shown = c.press([.ctrl("a"), .char("x"), .right, .backspace])
        #expect(line()?.text == "xayer 2" && line()?.cursor == 1 && shown.contains(":xayer 2"), "\(shown)")
        _ = c.press([.backspace, .end, .char("!"), .home, .ctrl("e"), .backspace, .ctrl("a"), .char("l")])
        #expect(line()?.text == "layer 2")
        _ = c.press([.enter])
        #expect(c.state.settings.layer == 2 && c.state.mode == .normal)
    }

    @Test func reversedAndEmptyRangesSayWhatIsWrong() throws {
        let reversed = Self.reduce(try Self.loaded(), .commandLine(":patch enc.1.resid_post@50:10=zero")).0
        #expect(reversed.status?.text == "50:10: reversed range (A:B needs A < B)", "\(String(describing: reversed.status))")
        let empty = Self.reduce(try Self.loaded(), .commandLine(":patch enc.1.resid_post@100:100=zero")).0
        #expect(empty.status?.text.contains("empty range") == true)
    }

    @Test func theSourceIsNamedTheSameEverywhere() throws {
        var s = try Self.loaded()
        s = Self.reduce(s, .showView(.patch), .cycleSource, .cycleSource, .cycleSource, .selectWord, .togglePatch).0
        #expect(s.sources[s.source] == "noise:1:0")
        #expect(s.settings.patches.first?.description.hasSuffix("=noise:1:0") == true, "\(s.settings.patches)")
    }

    @Test func xDrivesEveryViewAndEveryExport() throws {
        let c = try TUISupport.explorer()
        _ = c.press([.char("5"), .char("w"), .char(" ")])
        let patched = c.press([.char("1")])
        #expect(patched.contains("PATCHED run (1 patch)"), "\(patched)")
        let clean = c.press([.char("x")])
        #expect(clean.contains("clean run (x shows the patched one)") && clean.contains("text: He might even have been made amiable himself."), "\(clean)")
        #expect(c.press([.char("2")]).contains("logit lens, clean run"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-x-\(UUID().uuidString).txt").path
        _ = c.command("export lens text \(path)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# run: clean\n"))
        _ = c.press([.char("x")])
        _ = c.command("export lens text \(path)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# run: patched (enc.0.resid_post@"))
    }

    /// Found by a new-user trial: with `x` on the clean run, `:save-activations` said "clean"
    /// and wrote the patched run; the patch view's export said "clean" and held the patch's
    /// effect; the encoder lens (always the clean run's) was labelled with the patches.
    @Test func everyExportHoldsTheRunItsLabelNames() throws {
        let c = try TUISupport.explorer()
        _ = c.command("patch enc.2.resid_post@0:40=zero")
        _ = c.press([.char("x")])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = c.command("save-activations enc.3.resid_post \(dir.path)/clean.safetensors")
        #expect(saved.contains("(clean)"), "\(saved)")
        let engine = try #require(c.state.engine), site = Site(.encoder, 3, .residPost)
        let clean = try engine.activations(PatchSet(), at: [site])[site]!.data
        try SafeTensors.withFile("\(dir.path)/clean.safetensors") { header, bytes in
            #expect(SafeTensors.floats(header.tensors[site.description]!, in: bytes) == clean, "the clean run's values")
        }
        func first(_ view: String) throws -> String {
            _ = c.command("export \(view) text \(dir.path)/\(view).txt")
            return String(try String(contentsOfFile: "\(dir.path)/\(view).txt", encoding: .utf8).prefix { $0 != "\n" })
        }
        #expect(try first("patch") == "# run: patched (enc.2.resid_post@0:40=zero) against clean")
        #expect(try first("encoder-lens") == "# run: clean")
        _ = c.press([.char("x")])
        #expect(try first("encoder-lens") == "# run: patched (enc.2.resid_post@0:40=zero)", "the encoder lens reads the patched encoder (a trial found it always clean)")
        let lens = try String(contentsOfFile: "\(dir.path)/encoder-lens.txt", encoding: .utf8)
        let patchedLens = try #require(c.state.window).encoderLens(lnPost: true, set: c.state.settings.patchSet)
        #expect(lens.contains(patchedLens.layers.last!.text.trimmingCharacters(in: .whitespaces)), "\(lens)")
        #expect(try first("transcript") == "# run: patched (enc.2.resid_post@0:40=zero)")
    }

    /// `u` undoes the last change to the patch list, whatever made it: it used to remove only the
    /// newest patch, so `:clear` or a toggle-off could not be taken back.
    @Test func undoTakesBackClearUnpatchAndToggles() throws {
        var s = try Self.loaded()
        s = Self.reduce(s, .commandLine(":patch enc.3.resid_post@10:20=zero"), .commandLine(":patch enc.2.resid_post@30:40=zero")).0
        let two = s.settings.patches
        s = Self.reduce(s, .commandLine(":clear")).0
        #expect(s.settings.patches.isEmpty)
        s = Self.reduce(s, .undo).0
        #expect(s.settings.patches == two && s.status?.text == "undone; 2 patches (Ctrl-R redoes)")
        s = Self.reduce(s, .commandLine(":unpatch 1"), .undo).0
        #expect(s.settings.patches == two)
        s = Self.reduce(s, .undo, .undo).0
        #expect(s.settings.patches.isEmpty)
        s = Self.reduce(s, .undo).0
        #expect(s.status?.text == "nothing to undo")
    }

    /// x with nothing patched says so and leaves the next patch shown (a trial's x before any
    /// patch made the first patch show the clean run).
    @Test func xWithoutPatchesDoesNotHideTheNextPatch() throws {
        var s = try Self.loaded()
        s = Self.reduce(s, .toggleShownRun).0
        #expect(s.status?.text.hasPrefix("no patches") == true && s.settings.showPatched)
        s = Self.reduce(s, .commandLine(":patch enc.3.resid_post@10:20=zero")).0
        #expect(s.settings.showsPatchedRun)
    }

    /// One u too many is not a loss: Ctrl-R brings each undone list back, until a new change;
    /// u works in every view; a same-span patch from another source replaces the old one.
    @Test func redoBringsBackWhatUndoTookAndANewChangeEndsIt() throws {
        var s = try Self.loaded()
        s = Self.reduce(s, .commandLine(":patch enc.3.resid_post@10:20=zero"), .commandLine(":patch enc.2.resid_post@30:40=zero")).0
        let two = s.settings.patches
        s = Self.reduce(s, .showView(.lens), .undo, .undo).0
        #expect(s.settings.patches.isEmpty && s.view == .lens)
        s = Self.reduce(s, .redo, .redo).0
        #expect(s.settings.patches == two && s.status?.text == "redone; 2 patches")
        s = Self.reduce(s, .redo).0
        #expect(s.status?.text == "nothing to redo")
        s = Self.reduce(s, .undo, .commandLine(":clear"), .redo).0
        #expect(s.settings.patches.isEmpty && s.status?.text == "nothing to redo", "a new change ends what redo could bring back")
        // The patch view's toggle on a span that another source already patches replaces it.
        s = Self.reduce(s, .showView(.patch), .frameJump(10), .markStart, .frameJump(20), .markEnd, .togglePatch, .cycleSource, .togglePatch).0
        #expect(s.settings.patches.count == 1 && (s.status?.text.contains("in place of") ?? false), "\(s.settings.patches) \(s.status?.text ?? "")")
    }

    /// `[` and `]` mark a half-open span, as a patch's A:B: a trial could not select 150:200
    /// (the sweep's cells) with the keys, since `]` took the cursor's frame in and `[` dropped
    /// the end.
    @Test func spanMarksAreHalfOpenAndKeepTheOtherEnd() throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader)
        let frames = try #require(c.state.engine).audioFrames
        func span(_ keys: [Key]) -> Range<Int>? { _ = c.press(keys); return c.state.selection }
        #expect(span([.char("5"), .home, .char("L"), .char("L"), .char("L"), .char("["), .char("L"), .char("]")]) == 150..<200)
        #expect(c.state.status?.text == "selection 150:200 (50 frames)")
        #expect(span([.char("h"), .char("h"), .char("[")]) == 190..<200, "[ moves the start and keeps the end")
        #expect(span([.char("L"), .char("]")]) == 190..<240, "] moves the end and keeps the start")
        #expect(span([.char("H"), .char("H"), .char("]")]) == 140..<190, "] before the start selects up to it")
        #expect(span([.char("L"), .char("L"), .char("L"), .char("[")]) == 290..<291, "[ past the end starts a new span")
        #expect(span([.char("G"), .char("]")]) == 290..<frames, "] on the last frame takes it in")
    }

    /// `x` chose the clean run; after `:clear` the next patch is shown again, as the first one is.
    @Test func aPatchAfterClearIsShownWhateverXChoseBefore() throws {
        var s = try Self.loaded()
        s = Self.reduce(s, .commandLine(":patch enc.2.resid_post@10:20=zero"), .toggleShownRun).0
        #expect(!s.settings.showPatched)
        s = Self.reduce(s, .commandLine(":clear"), .commandLine(":patch enc.2.resid_post@30:40=zero")).0
        #expect(s.settings.showPatched && s.settings.shownPatchSet == s.settings.patchSet)
    }

    /// htop's F1 and F10 (a trial pressed them and nothing happened).
    @Test func f1OpensHelpAndF10AsksToQuitAsInHtop() throws {
        let c = try TUISupport.explorer()
        let help = c.press([.function(1)])
        #expect(help.contains("this help; type to filter"), "\(help)")
        _ = c.press([.escape])
        _ = c.command("patch enc.1.resid_post@0:10=zero")
        let asked = c.press([.function(10)])
        #expect(asked.contains("Quit and lose 1 patch?"), "\(asked)")
        #expect(!c.state.quit, "patches are on, so F10 asks first, as q does")
    }

    /// Keys the conventions promise that did nothing: g G Home End in the patch view (frame
    /// cursor to the first / last frame), Ctrl-U clearing the `:` line.
    @Test func patchViewEdgesAndCtrlUClearingTheLine() throws {
        let c = try TUISupport.explorer()
        let frames = try #require(c.state.engine).audioFrames
        _ = c.press([.char("5"), .char("G")])
        #expect(c.state.frameCursor == frames - 1)
        _ = c.press([.home])
        #expect(c.state.frameCursor == 0)
        _ = c.press([.end, .char("g")])
        #expect(c.state.frameCursor == 0)
        _ = c.press([.char(":"), .char("l"), .char("a"), .ctrl("u"), .char("c")])
        if case .command(let line) = c.state.mode { #expect(line.text == "c") } else { Issue.record("\(c.state.mode)") }
        _ = c.press([.escape])
    }

    /// q closes the help as in less, but once a filter is typed it is a letter of the filter.
    @Test func qClosesTheHelpUnlessAFilterIsBeingTyped() throws {
        let c = try TUISupport.explorer()
        _ = c.press([.char("?"), .char("q")])
        #expect(c.state.mode == .normal)
        _ = c.press([.char("?"), .char("u"), .char("q")])
        if case .help(let filter, _) = c.state.mode { #expect(filter == "uq") } else { Issue.record("\(c.state.mode)") }
        _ = c.press([.escape])
        #expect(c.state.mode == .normal)
    }

    /// An export to a FIFO that no process reads is refused at once (opening it would wait for
    /// a reader, and `q` then waited for the export): found by a new-user trial.
    @Test func anExportToAFIFOWithoutAReaderIsRefusedNotAwaited() throws {
        let c = try TUISupport.explorer()
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let screen = c.command("export lens text \(fifo)")
        #expect(c.state.status?.text == "\(fifo): cannot write: a FIFO that no process reads (start its reader first)", "\(screen)")
        #expect(c.state.status?.isError == true)
    }

    /// Standard output and error are the explorer's screen: an export there is refused, not
    /// drawn over the views.
    @Test func anExportToStandardOutputIsRefusedAsTheScreen() throws {
        let c = try TUISupport.explorer()
        for path in ["/dev/stdout", "/dev/fd/2", "/proc/self/fd/1", "/dev/tty"] {
            let screen = c.command("export lens text \(path)")
            #expect(c.state.status?.text == "\(path): is the explorer's screen; name a file", "\(screen)")
            #expect(c.state.status?.isError == true)
        }
    }

    /// `:unpatch N` removes patch N as the explorer numbers them (it removed the last one, and
    /// said ok); a word a command does not take is refused instead of ignored.
    @Test func unpatchRemovesTheNumberedPatchAndLeftoverArgumentsAreRefused() throws {
        var s = try Self.loaded()
        s = Self.reduce(s, .commandLine(":patch enc.3.resid_post@10:20=zero"), .commandLine(":patch enc.2.resid_post@30:40=zero"),
                        .commandLine(":patch enc.1.resid_post@50:60=zero")).0
        s = Self.reduce(s, .commandLine(":unpatch 1")).0
        #expect(s.settings.patches.map(\.description) == ["enc.2.resid_post@30:40=zero", "enc.1.resid_post@50:60=zero"])
        s = Self.reduce(s, .commandLine(":unpatch")).0
        #expect(s.settings.patches.map(\.description) == ["enc.2.resid_post@30:40=zero"])
        for (line, problem) in [(":unpatch 2", ":unpatch 2: there is one patch, number 1"), (":unpatch 0", "0: not a patch number (patches count from 1)"),
                                (":unpatch x", "x: not a patch number (patches count from 1)"),
                                (":layer 1 2", "2: unexpected argument to :layer (usage: :layer L)"),
                                (":clear now", "now: unexpected argument to :clear (usage: :clear)")] {
            let t = Self.reduce(s, .commandLine(line)).0
            #expect(t.status?.isError == true && t.status?.text == problem, "\(line): \(String(describing: t.status))")
            #expect(t.settings.patches == s.settings.patches && t.settings.layer == s.settings.layer, "\(line) changed nothing")
        }
    }

    @Test func statusMessagesClearTheirLine() throws {
        let c = try TUISupport.explorer(width: 80, height: 24)
        _ = c.command("patch enc.1.resid_post@100:2000=zero")
        let s = c.command("layer 1")
        let line = try #require(s.split(separator: "\n").first { $0.contains("ok: :layer 1") })
        #expect(line.trimmingCharacters(in: .whitespaces) == "ok: :layer 1", "\(line)")
    }

    @Test func slashSearchesTheLinesOfTheViewOnScreenAndNGoesOnFromTheMatch() throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader, width: 60, height: 16)
        let layers = try TUISupport.model.get().hyper.encoderLayers
        let top = c.press([.char("3")])
        try #require(!top.contains("enc \(layers - 1)"), "the last layer starts below the screen: \(top)")
        let found = c.press([.char("/")] + c.type("enc \(layers - 1)") + [.enter])
        #expect(c.state.view == .encoderLens)
        #expect(found.contains("enc \(layers - 1)") && found.contains("match 1 of 1: line"), "\(found)")
        // From the top: every layer's line in turn, n forwards, N backwards, round the ends.
        _ = c.press([.char("g")])
        #expect(c.press([.char("/")] + c.type("ENC ") + [.enter]).contains("match 1 of \(layers)"))
        #expect(c.press([.char("n")]).contains("match 2 of \(layers)"))
        #expect(c.press([.char("N")]).contains("match 1 of \(layers)"))
        let wrapped = c.press([.char("N")])
        #expect(wrapped.contains("match \(layers) of \(layers)") && wrapped.contains("enc \(layers - 1)"), "\(wrapped)")
        let none = c.press([.char("1"), .char("/")] + c.type("zzzz") + [.enter])
        #expect(none.contains("no line of the transcript view holds 'zzzz'") && c.state.view == .transcript, "\(none)")
    }

    @Test func slashInTheAttentionMapScrollsItsRowsAndTheSweepGridSearchesTheLens() throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader, width: 80, height: 24)
        let map = c.press([.char("4")])
        try #require(c.state.view == .attention && !map.contains(" power"), "the token starts below the map: \(map)")
        let found = c.press([.char("/")] + c.type("power") + [.enter])
        #expect(c.state.view == .attention && found.contains(" power") && found.contains("match 1 of 1: token"), "\(found)")
        _ = c.press([.char("6"), .char("/")] + c.type("mr") + [.enter])
        #expect(c.state.view == .lens && c.state.lensToken == 1)
        // A word split into tokens (" Dash" + "wood") is found at its first token.
        let word = c.press([.char("/")] + c.type("dashwood") + [.enter])
        #expect(c.state.lensToken == 4 && word.contains("match 1 of 1: token 4"), "\(word)")
    }

    /// In the logit lens `/` finds a word that only a layer's top-1 shows, and moves the cursor
    /// to that cell (a trial's `/weile` answered "no token matches" beside the word on screen).
    @Test func slashInTheLensFindsACellsTopToken() throws {
        let c = try TUISupport.explorer(TUISupport.sampleLoader, width: 80, height: 24)
        _ = c.press([.char("2")])
        let lens = try #require(c.state.shown?.lens), tok = try TUISupport.model.get().tokenizer
        let text = c.state.engine!.clean.text.lowercased()
        // The first cell, column by column, whose top-1 is a word of letters found nowhere in the transcript.
        let layers = lens.cells.count
        let cells = lens.targets.indices.flatMap { t in (0..<layers).map { (t, $0) } }
        let (t, l) = try #require(cells.first { t, l in
            let w = tok.display(lens.cells[l][t].top1).trimmingCharacters(in: .whitespaces).lowercased()
            return w.count >= 4 && w.allSatisfy(\.isLetter) && !text.contains(w)
        })
        let word = tok.display(lens.cells[l][t].top1).trimmingCharacters(in: .whitespaces)
        let found = c.press([.char("/")] + c.type(word) + [.enter])
        #expect(c.state.lensToken == t && c.state.lensLayer == l, "\(word) at token \(t), row \(l): \(found)")
        #expect(found.contains("a lens cell, token \(t)"), "\(found)")
        let none = c.press([.char("/")] + c.type("zzqqzz") + [.enter])
        #expect(none.contains("no token or lens cell matches 'zzqqzz'"), "\(none)")
    }

    @Test func everyListScrollsWithAPositionIndicator() throws {
        let c = try TUISupport.explorer(width: 80, height: 24)
        // 18 patches: the list wraps and scrolls, none is dropped.
        for f in 0..<18 { _ = c.command("patch enc.0.resid_post@\(f):\(f + 1)=zero") }
        var seen = Set<Int>()
        var s = c.press([.char("5")])
        for _ in 0..<30 {
            for i in 1...18 where s.contains("[\(i)] enc.0.resid_post@\(i - 1):\(i)=zero") { seen.insert(i) }
            s = c.press([.char("j")])
        }
        #expect(seen.count == 18, "patches seen: \(seen.sorted())")
        #expect(s.contains(" lines ") && s.contains(" of "), "the divider says where the view is: \(s)")
        // The transcript view at 80×24 scrolls to its last word.
        let bottom = c.press([.char("1"), .char("G")])
        #expect(bottom.contains("himself."), "\(bottom)")
    }

    /// Silence: `transcribe` (faster-whisper's rule) drops the window; the explorer says so and
    /// why, and says nothing of the kind for speech. Both follow the transcriber's own decision.
    @Test(arguments: ["silence", "speech"])
    func aWindowFasterWhisperDropsIsMarked(_ kind: String) throws {
        let model = try TUISupport.model.get()
        let samples = kind == "silence" ? [Float](repeating: 0, count: 16_000 * 3) : try AudioFile.load(TUISupport.asset("0930"))
        let dropped = try Transcriber(model: model).transcribe(samples: samples, options: .init()).segments.isEmpty
        #expect(dropped == (kind == "silence"))
        let c = try TUISupport.explorer(.success(try ClipLoader(model: model, samples: samples, name: "\(kind).wav")))
        let s = c.frame().text
        #expect(s.contains("faster-whisper drops this window: no-speech p") == dropped, "\(s)")
        #expect(s.contains("(asrlens transcribe prints no text for it)") == dropped)
    }

    /// A clip a few samples past 30 s is one window, as the offset check has it: a trial's
    /// 30.005 s clip showed "window 1/2", and `)` then failed on a window of 5 ms.
    @Test func aLastWindowShorterThanOneFrameIsNotCounted() throws {
        let counts = [0.2: 1, 30: 1, 30.005: 1, 30.01: 2, 59.995: 2, 60: 2, 60.02: 3].map { ClipWindow.count(clipSeconds: $0.key) == $0.value }
        #expect(!counts.contains(false))
        #expect(throws: InputError.self) { try Engine.checkOffset(30, clipSeconds: 30.005) }
        try Engine.checkOffset(30, clipSeconds: 30.01)
    }

    @Test func aLongClipMovesBetweenWarmWindowsWithItsOwnPatchesAndAbsoluteTimes() throws {
        let c = try TUISupport.explorer(TUISupport.longLoader)
        #expect(c.state.windowCount == 2)
        // Whole seconds, or tenths where the clip does not end on a whole second.
        let seconds = try TUISupport.longLoader.get().seconds
        let total = (seconds * 10).rounded() == seconds.rounded() * 10 ? String(format: "%.0f", seconds) : String(format: "%.1f", seconds)
        var s = c.frame().text
        #expect(s.contains("window 1/2") && s.contains("window 1 of 2: 0–30 s of \(total) s"), "\(s)")
        _ = c.press([.char("5"), .char("w"), .char(" ")])
        #expect(c.state.settings.patches.count == 1)
        s = c.press([.char(")"), .char("1")])
        #expect(c.state.window?.index == 1 && c.state.settings.patches.isEmpty, "window 2 has its own patches")
        _ = c.press([.char("5"), .char("u")])
        #expect(c.state.settings.patches.isEmpty && c.state.status?.text == "nothing to undo", "u does not bring window 1's patches here")
        _ = c.press([.char("1")])
        #expect(s.contains("window 2/2") && s.contains("30–\(total) s of \(total) s"), "\(s)")
        // Word times are the clip's: the first word of window 2 starts after 30 s.
        let first = try #require(c.state.window?.words.words.first)
        #expect(s.contains(String(format: "%7.2f", 30 + first.start)), "\(s)")
        // Back to window 1: warm (no load), its patch back.
        _ = c.command("window 1")
        #expect(c.state.window?.index == 0 && c.state.settings.patches.count == 1)
        // While window 2 loads, window 1 stays on screen and the header says so, with the spinner.
        let (pending, effects) = Self.reduce(c.state, .commandLine(":window 2"))
        #expect(effects.contains(.loadWindow(1)) && pending.window?.index == 0)
        let header = ExplorerRenderer.statusLine(pending, theme: c.theme).text
        #expect(header.contains("window 1→2/2") && !header.hasPrefix(" asrlens   "), "\(header)")
        let bad = c.command("window 3")
        #expect(bad.contains("no such window (the clip has 2 windows of 30 s)"), "\(bad)")
    }

    @Test func anEnglishOnlyModelSaysItIgnoresTheLanguage() throws {
        let loader = try ClipLoader(model: TUISupport.model.get(), samples: AudioFile.load(TUISupport.asset("0930")), name: "0930.wav", language: "fr")
        #expect(loader.notice == "tiny.en is English-only: --language fr is ignored")
        let s = try TUISupport.explorer(.success(loader)).frame().text
        #expect(s.contains("tiny.en is English-only: --language fr is ignored"), "\(s)")
        #expect(s.contains("He might even have been made amiable himself."), "the clip loads in English: \(s)")
        #expect(throws: InputError("--language 'FR'", "not a language code (lower-case, such as en or de): use --language fr")) {
            try ClipLoader(model: TUISupport.model.get(), samples: [Float](repeating: 0, count: 16_000), name: "s.wav", language: "FR")
        }
    }
}
