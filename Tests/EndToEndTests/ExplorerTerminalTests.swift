import Foundation
import Testing

/// The explorer in a real terminal (tmux): every view, a patch, an export, a resize, and a clean
/// exit; and the same screens under NO_COLOR without a single colour attribute.
@Suite struct ExplorerTerminalTests {
    static let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0870.wav").path

    /// The explorer command, its environment made explicit (`swift test` itself sets NO_COLOR).
    static func explore(_ environment: String = "") -> String {
        "env -u NO_COLOR -u COLORTERM LANG=C.UTF-8 \(environment) \(TmuxSession.quote(CLIRunner.binary)) explore --model tiny.en \(TmuxSession.quote(clip))"
    }

    /// Waits until the screen shows every needle (a frame can be captured half-drawn), then
    /// expects them all, with the screen in the message when one is missing.
    @discardableResult
    static func shows(_ t: TmuxSession, _ needles: String...) throws -> String {
        let s = try t.waitFor { s in needles.allSatisfy { s.contains($0) } }
        for n in needles { #expect(s.contains(n), "missing '\(n)' in:\n\(s)") }
        return s
    }

    @Test func walksEveryViewPatchesAWordExportsResizesAndQuits() throws {
        let t = try TmuxSession(command: Self.explore())
        try Self.shows(t, "[1 Transcript]", "And Mr. John Dashwood had then leisure to consider", "no-speech p", "language en", "leisure ")
        #expect(try t.format("#{alternate_on}") == "1")

        try t.send("2")
        try Self.shows(t, "[2 Logit lens]", " emb ", " L3 ", "saturation")
        try t.send("l", "l", "j")
        try Self.shows(t, "layer 0, token 2", "top-5:")

        try t.send("3")
        try Self.shows(t, "[3 Encoder lens]", "enc 3       And Mr. John Dashwood")

        try t.send("4")
        try Self.shows(t, "[4 Attention]", "cross-attention, mean of the alignment heads", "row max")

        // Patch the word "leisure" at the encoder output with silence: the cursor starts mid-clip,
        // H moves it 50 frames back into the word, w selects the word, c×4 picks enc.out.
        try t.send("5")
        try Self.shows(t, "[5 Patch]", "patches: none", "cursor frame")
        try t.send("H", "w", "c", "c", "c", "c", "Space")
        let patched = try Self.shows(t, "patches: [1] enc.out@118:136=silence", "WER ", "Δ log-prob of each clean token")
        let diffLine = patched.split(separator: "\n").first { $0.hasPrefix(" diff:") } ?? ""
        #expect(diffLine.contains("And Mr. John Dashwood had then [-leisure-]"), "\(patched)")
        #expect(patched.contains("patches 1"), "status line counts the patch: \(patched)")

        // The lens view now shows the patched run; export its screen and its data through the command line.
        let exportPath = t.directory.appendingPathComponent("lens.txt").path
        try t.send(":export lens screen \(exportPath)", "Enter")
        try Self.shows(t, "exported the lens screen to")
        let exported = try String(contentsOfFile: exportPath, encoding: .utf8)
        #expect(exported.contains("[2 Logit lens]") && exported.contains(" emb ") && exported.contains(" L3 "), "\(exported)")
        #expect(exported.contains("logit lens, PATCHED run (1 patch)"), "\(exported)")
        #expect(!exported.contains("\u{1B}"), "the text export has no escape sequences")
        let dataPath = t.directory.appendingPathComponent("lens.tsv").path
        try t.send(":export lens tsv \(dataPath)", "Enter")
        try Self.shows(t, "exported lens (patched (enc.out@118:136=silence), tsv)")
        let data = try String(contentsOfFile: dataPath, encoding: .utf8)
        #expect(data.hasPrefix("# run: patched (enc.out@118:136=silence)\nlayer\tposition\ttarget_id\ttarget\ttop1_id\ttop1\t"), "\(data.prefix(300))")
        #expect(data.contains("\nemb\t0\t843\t And\t"), "\(data.prefix(300))")

        // A smaller window redraws the same state.
        try t.tmux(["resize-window", "-t", "t", "-x", "120", "-y", "40"])
        let resized = try t.waitFor { s in
            s.hasPrefix(" asrlens") && s.contains("patches: [1] enc.out@118:136=silence") && s.split(separator: "\n").allSatisfy { $0.count <= 120 }
        }
        #expect(resized.contains("[5 Patch]") && resized.contains("patches: [1] enc.out@118:136=silence"), "\(resized)")

        try t.send("q")
        try Self.shows(t, "Quit and lose 1 patch? q or y quits")
        try t.send("y")
        #expect(t.exitLine() == "EXIT=0", "screen after q: \((try? t.screen()) ?? "")")
        #expect(try t.format("#{alternate_on}") == "0", "left the alternate screen")
        #expect(try t.format("#{cursor_flag}") == "1", "the cursor is visible again")
        #expect(try t.format("#{keypad_cursor_flag}") == "0", "keypad transmit mode is off")
    }

    /// From a shell with the default `stty` (flow control on), Ctrl-S exports instead of
    /// freezing the terminal; Esc and Alt chords with a patch on never quit; q asks first.
    @Test func ctrlSExportsEscNeverQuitsAndQAsksFirst() throws {
        let flow = "stty -a | tr ' ' '\\n' | grep -x -e ixon -e -ixon"
        let t = try TmuxSession(command: "stty sane ixon; \(flow) > stty.txt; \(Self.explore()); s=$?; \(flow) > after.txt; (exit $s)")
        try Self.shows(t, "[1 Transcript]", "And Mr. John Dashwood")
        #expect((try? String(contentsOf: t.directory.appendingPathComponent("stty.txt"), encoding: .utf8))?.hasPrefix("ixon\n") == true,
                "the shell had flow control on")
        try t.send("5", "H", "w", "Space")
        try Self.shows(t, "patches: [1] enc.0.resid_post@118:136=silence", "WER ")
        try t.send("C-s")
        try Self.shows(t, "exported patch (patched (enc.0.resid_post@118:136=silence) against clean, text) to asrlens-patch.txt")
        let file = try String(contentsOf: t.directory.appendingPathComponent("asrlens-patch.txt"), encoding: .utf8)
        #expect(file.hasPrefix("# run: patched (enc.0.resid_post@118:136=silence) against clean\n# clean:    ") && file.contains("\ntoken"), "\(file.prefix(300))")
        // A second Ctrl-S never replaces the first export.
        try t.send("C-s")
        try Self.shows(t, "against clean, text) to asrlens-patch-2.txt")
        #expect(try String(contentsOf: t.directory.appendingPathComponent("asrlens-patch-2.txt"), encoding: .utf8) == file)
        #expect(try String(contentsOf: t.directory.appendingPathComponent("asrlens-patch.txt"), encoding: .utf8) == file)
        // The explorer still draws after Ctrl-S (the terminal was not stopped).
        try t.send("2")
        try Self.shows(t, "[2 Logit lens]", "PATCHED run (1 patch)")
        try t.send("Escape")
        try t.send("M-x")
        try t.send("M-q")
        try t.send("1")
        try Self.shows(t, "[1 Transcript]")
        try t.send("q")
        try Self.shows(t, "Quit and lose 1 patch? q or y quits, any other key stays")
        try t.send("n")
        try Self.shows(t, "1-6/Tab views")
        try t.send("q")
        try Self.shows(t, "Quit and lose 1 patch?")
        try t.send("y")
        #expect(t.exitLine() == "EXIT=0")
        #expect((try? String(contentsOf: t.directory.appendingPathComponent("after.txt"), encoding: .utf8))?.hasPrefix("ixon\n") == true,
                "flow control is the shell's again after the explorer")
    }

    /// A clip longer than 30 s: ( and ) and :window move between its windows, which keep
    /// their own patches, and times are the clip's.
    @Test func movesBetweenThirtySecondWindowsOfALongClip() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = dir.appendingPathComponent("long.wav").path
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = Array(repeating: Self.clip, count: 6) + [long]
        try sox.run()
        sox.waitUntilExit()
        let t = try TmuxSession(command: "env -u NO_COLOR -u COLORTERM LANG=C.UTF-8 \(TmuxSession.quote(CLIRunner.binary)) explore --model tiny.en \(TmuxSession.quote(long))")
        try Self.shows(t, "[1 Transcript]", "window 1/2", "window 1 of 2: 0–30 s of 42.6 s")
        try t.send(")")
        try Self.shows(t, "window 2/2", "window 2 of 2: 30–42.6 s of 42.6 s")
        // A capture can land in the middle of a repaint (seen on a loaded machine: the header
        // already new, the word table not yet), so wait for a whole frame of window 2.
        let second = try t.waitFor { $0.contains(" 30.") && !$0.contains("  0.00  ") }
        #expect(!second.contains("  0.00  ") && second.contains(" 30."), "window 2 lists times from 30 s on: \(second)")
        try t.send(":window 1", "Enter")
        try Self.shows(t, "window 1/2", "window 1 of 2: 0–30 s of 42.6 s")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    @Test func colortermTruecolorGivesTwentyFourBitHeat() throws {
        let t = try TmuxSession(command: Self.explore("COLORTERM=truecolor"))
        try t.waitFor("[1 Transcript]")
        try t.send("4")
        try Self.shows(t, "[4 Attention]", "row max")
        let s = try t.screen(escapes: true)
        #expect(s.contains("\u{1B}[48;2;"), "heat cells carry RGB backgrounds: \(s.prefix(400))")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    @Test func unknownTerminalTypeIsOneLineNotACrash() throws {
        let t = try TmuxSession(command: "env TERM=no-such-terminal \(TmuxSession.quote(CLIRunner.binary)) explore --model tiny.en \(TmuxSession.quote(Self.clip)) 2> err.txt")
        #expect(t.exitLine() == "EXIT=2")
        let err = try String(contentsOf: t.directory.appendingPathComponent("err.txt"), encoding: .utf8)
        #expect(err.split(separator: "\n").count == 1 && err.contains("TERM=no-such-terminal: no terminal description"), "\(err)")
    }

    /// An xterm (X10) mouse report for the 0-based cell (x, y): button 0 is a press, 3 a release.
    /// X10 puts each coordinate in one byte, so cells must stay below column and row 95 here
    /// (tmux would send larger values as two UTF-8 bytes).
    static func mouse(_ button: Int, x: Int, y: Int) -> String {
        precondition(x < 95 && y < 95)
        return "\u{1B}[M" + String(UnicodeScalar(UInt8(32 + button))) + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
    }

    @Test func mouseClicksATabAndDragsASpanOnThePatchStrip() throws {
        let t = try TmuxSession(command: Self.explore(), width: 90, height: 40)
        // The transcript view's word table, not the loading screen's "word alignment" step.
        let first = try Self.shows(t, "[1 Transcript]", "no-speech p", "start     end  frames")
        let statusLine = first.split(separator: "\n")[0]
        let five = try #require(statusLine.lastIndex(of: "5"), "the status line shows every tab at 90 columns: \(statusLine)")
        let tab = statusLine.distance(from: statusLine.startIndex, to: five)
        try t.tmux(["send-keys", "-t", "t", "-l", Self.mouse(0, x: tab, y: 0)])
        try Self.shows(t, "[5 Patch]")
        try t.tmux(["send-keys", "-t", "t", "-l", Self.mouse(3, x: tab, y: 0)])
        try Self.shows(t, "[5 Patch]", "selection none")
        // The strip spans columns 1…88 for the clip's 355 frames; drag from column 1 to column 80.
        try t.tmux(["send-keys", "-t", "t", "-l", Self.mouse(0, x: 1, y: 3)])
        try Self.shows(t, "cursor frame 0 ")   // a drag takes time: the release comes later
        try t.tmux(["send-keys", "-t", "t", "-l", Self.mouse(3, x: 80, y: 3)])
        let end = 79 * 355 / 88
        let dragged = try t.waitFor { $0.contains("selection 0:") }
        #expect(dragged.contains("cursor frame \(end)") && dragged.contains("selection 0:\(end + 1)"), "\(dragged)")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    /// A parent may start the explorer with signals blocked (the mask survives exec); it
    /// unblocks the ones it needs, so a resize still redraws and Ctrl-C still leaves cleanly.
    @Test func redrawsOnResizeEvenWhenStartedWithSignalsBlocked() throws {
        let blocking = "python3 -c 'import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGWINCH, signal.SIGINT, signal.SIGTERM}); os.execvp(sys.argv[1], sys.argv[1:])'"
        let t = try TmuxSession(command: "\(blocking) \(Self.explore())", width: 150, height: 45)
        try t.waitFor("[1 Transcript]")
        try t.tmux(["resize-window", "-t", "t", "-x", "100", "-y", "30"])
        let resized = try t.waitFor(timeout: 60) { s in s.hasPrefix(" asrlens") && s.contains("[1 Transcript]") && s.split(separator: "\n").allSatisfy { $0.count <= 100 } }
        #expect(resized.contains("1 Transcript] 2 3 4 5") || resized.contains("[1 Transcript] 2 Logit lens"), "\(resized)")
        try t.send("C-c")
        #expect(t.exitLine() == "EXIT=130", "Ctrl-C is SIGINT: 128 + 2, as a shell reports it")
        #expect(try t.format("#{alternate_on}") == "0")
    }

    /// SGR parameters that set a colour (30–37, 38;…, 40–47, 48;…, 90–97, 100–107).
    static func colourCodes(in screen: String) -> [String] {
        let sgr = try! NSRegularExpression(pattern: "\u{1B}\\[([0-9;:]*)m")
        var found: [String] = []
        for m in sgr.matches(in: screen, range: NSRange(screen.startIndex..., in: screen)) {
            let params = String(screen[Range(m.range(at: 1), in: screen)!]).split(separator: ";").compactMap { Int($0.split(separator: ":").first ?? "") }
            if params.contains(where: { (30...38).contains($0) || (40...48).contains($0) || (90...97).contains($0) || (100...107).contains($0) }) {
                found.append(String(screen[Range(m.range, in: screen)!]).replacingOccurrences(of: "\u{1B}", with: "ESC"))
            }
        }
        return found
    }

    @Test func noColorShowsNoColourAttributesInAnyView() throws {
        let t = try TmuxSession(command: Self.explore("NO_COLOR=1"))
        try t.waitFor("[1 Transcript]")
        // A text that each view draws near its bottom, so the frame is whole when captured.
        for (key, last) in [("1", "start     end  frames"), ("2", "saturation"), ("3", "enc 3"), ("4", "row max"), ("5", "cursor frame")] {
            try t.send(key)
            try Self.shows(t, "[\(key) ", last)
            let s = try t.screen(escapes: true)
            #expect(Self.colourCodes(in: s).isEmpty, "view \(key): \(Self.colourCodes(in: s).prefix(5))")
        }
        // Heat is drawn with glyphs instead of colour.
        try t.send("4")
        let heat = try Self.shows(t, "[4 Attention]", "row max")
        #expect(heat.contains("█") && heat.contains("▁"), "\(heat)")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    @Test func colourTerminalDoesUseColour() throws {
        let t = try TmuxSession(command: Self.explore())
        try t.waitFor("[1 Transcript]")
        try t.send("4")
        try Self.shows(t, "[4 Attention]", "row max")
        let escaped = try t.screen(escapes: true)
        #expect(!Self.colourCodes(in: escaped).isEmpty, "\(escaped.prefix(600).replacingOccurrences(of: "\u{1B}", with: "ESC"))")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }
}
