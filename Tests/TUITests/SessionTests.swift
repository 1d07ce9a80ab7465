import Analysis
import Foundation
import Model
import Testing
import TUI

/// `:save-session` and `explore --script`: a session saved as `:` lines and replayed into a new
/// explorer holds the same settings, the same patches in each window, and the same view.
@Suite struct SessionTests {
    @Test func aSavedSessionReplaysToTheSameStateAcrossWindows() throws {
        let c = try TUISupport.explorer(TUISupport.longLoader)
        for line in ["layer 2", "head 4", "kind alignment", "lnpost off", "attention-window 40",
                     "patch enc.3.resid_post@10:60=zero", "patch dec.1.cross_out@2:5=mean", "window 2", "patch enc.0.mlp_out@0:30=silence", "show clean", "view patch"] {
            let screen = c.command(line)
            #expect(c.state.status?.isError != true, "\(line): \(screen)")
        }
        let script = Session.script(c.state)
        #expect(script.contains("\n# language: en\n"), "the language decoded in")
        #expect(script.contains(":window 1\n:patch enc.3.resid_post@10:60=zero\n:patch dec.1.cross_out@2:5=mean\n:window 2\n:patch enc.0.mlp_out@0:30=silence\n"), "\(script)")
        #expect(script.hasSuffix(":show clean\n:view patch\n"), "the run shown (x) is saved")

        let fresh = try TUISupport.explorer(TUISupport.longLoader)
        fresh.replay(script, name: "s.session")
        fresh.waitUntilIdle()
        let commands = script.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(commands.prefix(6) == [":kind cross", ":layer 2", ":head 4", ":kind alignment", ":lnpost off", ":attention-window 40"])
        #expect(fresh.state.status?.text == "replayed s.session: \(commands.count) lines", "\(String(describing: fresh.state.status))")
        #expect(fresh.state.settings == c.state.settings)
        #expect(fresh.state.parkedPatches == c.state.parkedPatches && fresh.state.window?.index == 1)
        #expect(fresh.state.view == .patch)
        #expect(Session.script(fresh.state).split(separator: "\n").dropFirst() == script.split(separator: "\n").dropFirst(), "a replay saves the same script")
        // The replayed state is on screen: the patched run of window 2.
        #expect(fresh.frame().text.contains("enc.0.mlp_out@0:30=silence"))
    }

    /// A session names its reference clips by absolute path, so it replays from another folder,
    /// and its replay line names the model (a trial's replay of a base session ran on tiny.en).
    @Test func aSessionNamesReferenceClipsByAbsolutePathAndItsModel() throws {
        let c = try TUISupport.explorer()
        let cwd = FileManager.default.currentDirectoryPath, asset = TUISupport.asset("0890")
        try #require(asset.hasPrefix(cwd + "/"), "the tests run from the package's folder")
        let relative = String(asset.dropFirst(cwd.count + 1))
        _ = c.command("patch enc.0.resid_post@0:10=clip:\(relative)")
        c.waitUntilIdle()
        let script = Session.script(c.state)
        #expect(script.contains("\n:patch enc.0.resid_post@0:10=clip:\(asset)\n"), "\(script)")
        #expect(script.contains("# replay: asrlens explore --script FILE --model tiny.en CLIP"), "\(script)")
    }

    /// `:save-session` and `:export` in the explorer refuse a file that is there, unless given
    /// with `!` or written by this session (a session saved twice to one name), and Ctrl-S never
    /// takes a name an export of this session wrote.
    @Test func theExplorerKeepsAnExistingFileUnlessTheCommandHasABang() throws {
        let c = try TUISupport.explorer()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-keep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("notes.txt").path
        try "precious notes\n".write(toFile: path, atomically: true, encoding: .utf8)
        _ = c.command("save-session \(path)")
        c.waitUntilIdle()
        #expect(c.state.status == .init("\(path): already exists; :save-session! replaces it", isError: true), "\(String(describing: c.state.status))")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious notes\n")
        _ = c.command("save-session! \(path)")
        c.waitUntilIdle()
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# asrlens session"))
        _ = c.command("patch enc.0.resid_post@0:10=zero")
        _ = c.command("save-session \(path)")
        c.waitUntilIdle()
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(":patch enc.0.resid_post@0:10=zero\n"), "the session's own file is saved again")
    }

    /// A bad line stops a replay with the line's number on the status line, and the explorer
    /// stays usable.
    @Test func aBadLineStopsTheReplayAndNamesIt() throws {
        let c = try TUISupport.explorer()
        c.replay("# a comment\n:patch enc.0.resid_post@0:10=zero\n:layer 99\n:patch enc.1.resid_post@0:10=zero\n", name: "bad.session")
        c.waitUntilIdle()
        #expect(c.state.status?.isError == true)
        #expect(c.state.status?.text.hasPrefix("bad.session:3: 99: layer out of range (0 to 3)") == true, "\(String(describing: c.state.status))")
        #expect(c.state.settings.patches.map(\.description) == ["enc.0.resid_post@0:10=zero"], "the lines before it applied, none after")
        #expect(c.command("view 2").contains("[2 Logit lens]"))
    }

    /// A replay ends at its `:q` or `:q!` (the explorer stays, the lines after it do not run), and
    /// says when the session was saved on another model, clip, language or window layout (a
    /// trial's session of a Chinese clip replayed silently in Thai); a script longer
    /// than the explorer replays is refused before the screen opens.
    @Test func aReplayEndsAtItsQuitAndWarnsWhenTheSessionCameFromElsewhere() throws {
        let c = try TUISupport.explorer()
        let session = "# asrlens session\n# model: base\n# clip: other.wav\n# language: de\n# window 1 starts at (s): 7.5\n"
            + ":patch enc.0.resid_post@0:10=zero\n:q!\n:layer 2\n"
        c.replay(session, name: "q.session")
        c.waitUntilIdle()
        #expect(!c.state.quit && c.state.settings.patches.count == 1 && c.state.settings.layer == 0)
        let status = c.state.status?.text ?? ""
        #expect(status == "replayed q.session to its :q! on line 7 (warning: the session was saved on base, replayed on tiny.en; "
                + "saved on other.wav, replayed on 0930.wav; decoded in language de, replayed in en: give --language de, or its positions "
                + "fall on another transcript; its windows started at 7.5 s, here at 0 s: give --offset as when it was saved, "
                + "or positions fall on other audio)", "\(status)")
        #expect(throws: InputError("big.session", "has 2001 command lines; the explorer replays at most 2000 (asrlens run takes any length)")) {
            try Session.checkReplayable("# comment\n" + String(repeating: ":layer 1\n", count: 2001), name: "big.session")
        }
        try Session.checkReplayable(String(repeating: ":layer 1\n", count: 2000), name: "ok.session")
    }

    /// `:save-session` in `asrlens run` writes the script of the state the lines built, which
    /// the explorer's replay reads; a name or number picks a view, anything else is refused.
    @Test func theViewCommandAndSaveSessionInAScript() throws {
        let c = try TUISupport.explorer()
        #expect(c.command("view 4").contains("[4 Attention]"))
        #expect(c.command("view encoder-lens").contains("[3 Encoder lens]"))
        #expect(c.command("view 7").contains("7: unknown view (allowed: transcript, lens, encoder-lens, attention, patch, sweep, or 1 to 6)"))
        let model = try TUISupport.model.get()
        let runner = ScriptRunner(engine: try Engine(model: model, samples: AudioFile.load(TUISupport.asset("0930"))))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-session-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runner.run(":patch enc.2.resid_post@5:25=zero\n:lnpost off\n:save-session \(path)\n", name: "s.script")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.split(separator: "\n").filter { !$0.hasPrefix("#") }
                == [":kind cross", ":layer 0", ":head 0", ":lnpost off", ":attention-window off", ":patch enc.2.resid_post@5:25=zero", ":view transcript"], "\(saved)")
    }
}
