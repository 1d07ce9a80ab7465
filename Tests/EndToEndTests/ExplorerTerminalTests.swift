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

    @Test func walksEveryViewPatchesAWordExportsResizesAndQuits() throws {
        let t = try TmuxSession(command: Self.explore())
        let first = try t.waitFor("[1 Transcript]")
        #expect(first.contains("And Mr. John Dashwood had then leisure to consider"), "\(first)")
        #expect(first.contains("no-speech p") && first.contains("language en"))
        #expect(try t.format("#{alternate_on}") == "1")

        try t.send("2")
        let lens = try t.waitFor("[2 Logit lens]")
        #expect(lens.contains(" emb ") && lens.contains(" L3 "), "\(lens)")
        try t.send("l", "l", "j")
        let moved = try t.waitFor("layer 0, token 2")
        #expect(moved.contains("top-5:"), "\(moved)")

        try t.send("3")
        let encoderLens = try t.waitFor("[3 Encoder lens]")
        #expect(encoderLens.contains("enc 3       And Mr. John Dashwood"), "\(encoderLens)")

        try t.send("4")
        let attention = try t.waitFor("[4 Attention]")
        #expect(attention.contains("cross-attention layer 0 head 0"), "\(attention)")

        // Patch the word "leisure" at the encoder output with silence: the cursor starts mid-clip,
        // H moves it 50 frames back into the word, w selects the word, c×4 picks enc.out.
        try t.send("5")
        let patchView = try t.waitFor("[5 Patch]")
        #expect(patchView.contains("patches: none"), "\(patchView)")
        try t.send("H", "w", "c", "c", "c", "c", "Space")
        let patched = try t.waitFor { $0.contains("patches: [1] enc.out@") && $0.contains("WER ") }
        let diffLine = patched.split(separator: "\n").first { $0.hasPrefix(" diff:") } ?? ""
        #expect(patched.contains("selected 'leisure'") || patched.contains("patch on: enc.out@"), "\(patched)")
        #expect(diffLine.contains("And Mr. John Dashwood had then [-leisure-]"), "\(patched)")
        #expect(patched.contains("patches 1"), "status line counts the patch: \(patched)")

        // The lens view now shows the patched run; export it through the command line.
        let exportPath = t.directory.appendingPathComponent("lens.txt").path
        try t.send(":export lens text \(exportPath)", "Enter")
        #expect(try t.waitFor("exported lens").contains("exported lens to"))
        let exported = try String(contentsOfFile: exportPath, encoding: .utf8)
        #expect(exported.contains("[2 Logit lens]") && exported.contains(" emb ") && exported.contains(" L3 "), "\(exported)")
        #expect(!exported.contains("\u{1B}"), "the text export has no escape sequences")

        // A smaller window redraws the same state.
        try t.tmux(["resize-window", "-t", "t", "-x", "120", "-y", "40"])
        let resized = try t.waitFor { s in s.hasPrefix(" asrlens") && s.split(separator: "\n").allSatisfy { $0.count <= 120 } }
        #expect(resized.contains("[5 Patch]") && resized.contains("patches: [1] enc.out@118:136=silence"), "\(resized)")

        try t.send("q")
        #expect(t.exitLine() == "EXIT=0", "screen after q: \((try? t.screen()) ?? "")")
        #expect(try t.format("#{alternate_on}") == "0", "left the alternate screen")
        #expect(try t.format("#{cursor_flag}") == "1", "the cursor is visible again")
        #expect(try t.format("#{keypad_cursor_flag}") == "0", "keypad transmit mode is off")
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
        for key in ["1", "2", "3", "4", "5"] {
            try t.send(key)
            try t.waitFor("[\(key) ")
            let s = try t.screen(escapes: true)
            #expect(Self.colourCodes(in: s).isEmpty, "view \(key): \(Self.colourCodes(in: s).prefix(5))")
        }
        // Heat is drawn with glyphs instead of colour.
        try t.send("4")
        let heat = try t.waitFor("[4 Attention]")
        #expect(heat.contains("█") && heat.contains("▁"), "\(heat)")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    @Test func colourTerminalDoesUseColour() throws {
        let t = try TmuxSession(command: Self.explore())
        try t.waitFor("[1 Transcript]")
        try t.send("4")
        try t.waitFor("[4 Attention]")
        let escaped = try t.screen(escapes: true)
        #expect(!Self.colourCodes(in: escaped).isEmpty, "\(escaped.prefix(600).replacingOccurrences(of: "\u{1B}", with: "ESC"))")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }
}
