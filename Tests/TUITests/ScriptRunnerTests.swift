import Analysis
import Foundation
import Model
import Testing
import TUI

/// `asrlens run`: `:` scripts through the explorer's reducer.
@Suite struct ScriptRunnerTests {
    static func runner() throws -> ScriptRunner {
        let loader = try TUISupport.loader.get()
        return ScriptRunner(engine: try loader.window(0).engine)
    }

    /// `:q` ends a script (a trial's later export was still written), and `:window N` says a
    /// script keeps one window and how to choose it, instead of "the clip has 1 of 30 s".
    @Test func quitEndsAScriptAndWindowPointsToOffset() throws {
        let runner = try Self.runner()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-after-q-\(UUID().uuidString).tsv").path
        try runner.run(":patch enc.out@0:60=silence\n:q\n:export lens tsv \(path)\n", name: "q.script")
        #expect(!FileManager.default.fileExists(atPath: path), "a line after :q ran")
        let long = try TUISupport.longLoader.get()
        let script = ScriptRunner(engine: try long.window(0).engine, clipSeconds: 41)
        #expect(throws: InputError("w.script:1", ":window 2: a script runs in one 30-second window, here window 1 from 0 s; run window 2's lines "
                                   + "with `asrlens run --offset 30`, or replay a session of several windows in the explorer (asrlens explore --script)")) {
            try script.run(":window 2\n", name: "w.script")
        }
        #expect(throws: InputError("w.script:1", "3: no such window (the clip has 2 windows of 30 s)")) { try script.run(":window 3\n", name: "w.script") }
        // Run from 30 s, the script is in the explorer's window 2: a session's `:window 2` lines
        // replay there, and `:window 1` (other audio) is refused rather than applied here.
        let second = ScriptRunner(engine: try long.window(1).engine, clipSeconds: 41)
        try second.run(":window 2\n:patch enc.out@0:10=zero\n", name: "s.session")
        #expect(second.state.settings.patches.count == 1 && second.state.windowIndex == 1)
        #expect(throws: InputError("s.session:1", ":window 1: a script runs in one 30-second window, here window 2 from 30 s; run window 1's lines "
                                   + "with `asrlens run --offset 0`, or replay a session of several windows in the explorer (asrlens explore --script)")) {
            try second.run(":window 1\n", name: "s.session")
        }
    }

    @Test func scriptPatchesAndExportsEveryViewNamingTheRun() throws {
        let runner = try Self.runner()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var script = "# a comment\r\n\r\n:patch enc.out@0:60=silence\r\n"
        for view in ExportView.allCases { for f in Table.Format.allCases { script += ":export \(view.rawValue) \(f.rawValue) \(dir.path)/\(view.rawValue).\(f.rawValue)\r\n" } }
        try runner.run(script, name: "test.script")
        #expect(runner.state.settings.patches.count == 1)
        for view in ExportView.allCases {
            for f in Table.Format.allCases {
                let text = try String(contentsOfFile: "\(dir.path)/\(view.rawValue).\(f.rawValue)", encoding: .utf8)
                // The encoder lens is always the clean run's; the patch view compares the two.
                let run = view == .encoderLens ? "clean" : view == .patch ? "patched (enc.out@0:60=silence) against clean" : "patched (enc.out@0:60=silence)"
                switch f {
                case .json:
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    #expect(object?["run"] as? String == run, "\(view) json")
                case .md: #expect(text.hasPrefix("Run: \(run)\n"), "\(view) md")
                default: #expect(text.hasPrefix("# run: \(run)\n"), "\(view) \(f)")
                }
            }
        }
        // The attention export says which map it holds (found by a new-user trial).
        let attention = try String(contentsOfFile: "\(dir.path)/attention.tsv", encoding: .utf8).split(separator: "\n")
        #expect(attention[1] == "# cross-attention layer 0 head 0", "\(attention.prefix(2))")
        // The patch tables carry what the patch did, as `asrlens patch` prints it (a trial found
        // only the Δ log-prob table).
        for f in ["text", "tsv", "md"] {
            let patch = try String(contentsOfFile: "\(dir.path)/patch.\(f)", encoding: .utf8)
            let mark = f == "md" ? "" : "# "
            #expect(patch.contains("\(mark)clean:    ") && patch.contains("\(mark)patched:  ") && patch.contains("\(mark)wer "), "\(f): \(patch.prefix(300))")
        }
        try runner.run(":kind alignment\n:export attention json \(dir.path)/alignment.json\n", name: "k.script")
        let mean = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("alignment.json"))) as? [String: Any]
        #expect(mean?["kind"] as? String == "alignment" && mean?["layer"] is NSNull && mean?["head"] is NSNull, "a mean has no single layer and head")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains { $0.hasPrefix(".") || $0.contains("\r") }, "no temporary files, no CR in names: \(names)")
    }

    @Test(arguments: [(":frobnicate", "unknown command (commands: :patch"), (":exprot lens text /tmp/x", "did you mean :export?"), (":exprot! lens text /tmp/x", "did you mean :export!?"),
                      (":view swep", "unknown view; did you mean sweep?"), (":export lens tsb /tmp/x", "unknown format; did you mean tsv?"), (":export lens text -", "names no file here"), (":export lens text \"a.tsv\" extra", "unexpected text after the quoted path"),
                      (":export lens text \"unclosed #x.tsv", "an unclosed quote"), (":export lens text /tmp/no-such-folder/sub/", "names a folder, not a file"), (":save-activations enc.out, dec.0.resid_post x.npz", "an empty site in the list"), (":save-activations enc.out ,dec.0.resid_post x.npz", "a space in the site list"), (":patch enc.9.resid_post@all=zero", "layer 9 out of range"),
                      (":export nowhere text /tmp/x", "unknown view"), (":patch enc.out@0:60=clip:/nonexistent.wav", "no such file"),
                      ("patch", "not a command"), (":layer 99", "layer out of range"), (":head x", "not a head number"), (":export lens screen /tmp/x", "a script draws no screen; export as text, tsv, json or md"),
                      (":export sweep json /tmp/x", "a script runs no sweep to export; run asrlens sweep"),
                      (":save-activations enc.*.cross_out /tmp/x.npz", "matches no site"), (":save-activations enc.out", "missing argument")])
    func badLinesNameTheScriptLine(line: String, problem: String) throws {
        let error = #expect(throws: InputError.self) { try Self.runner().run("# ok\n\(line)\n", name: "s.txt") }
        #expect(error?.subject == "s.txt:2")
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
    }

    /// `:show clean` exports the clean run's views with the patches still on (the explorer's
    /// `x`); with no patch it is refused, since the next patch would be hidden.
    @Test func showCleanExportsTheCleanRunWithPatchesOn() throws {
        let runner = try Self.runner()
        #expect(throws: InputError("s.script:1", ":show clean: no patches: the clean run is the only run (give :show clean after a :patch)")) {
            try runner.run(":show clean\n", name: "s.script")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-show-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try runner.run(":patch enc.out@0:60=silence\n:show clean\n:export transcript tsv \(dir.path)/clean.tsv\n"
                       + ":show patched\n:export transcript tsv \(dir.path)/patched.tsv\n", name: "s.script")
        let clean = try String(contentsOfFile: "\(dir.path)/clean.tsv", encoding: .utf8)
        let patched = try String(contentsOfFile: "\(dir.path)/patched.tsv", encoding: .utf8)
        #expect(clean.hasPrefix("# run: clean\n") && patched.hasPrefix("# run: patched (enc.out@0:60=silence)\n"))
        #expect(clean.dropFirst(13) != patched.dropFirst(38), "the two exports hold different runs")
        #expect(runner.state.settings.patches.count == 1)
    }

    /// An export never replaces a file it did not write unless told to with `!`, as vi's `:w`
    /// refuses another file; a file the script wrote itself, and a device, are written again.
    @Test func anExportRefusesAnExistingFileUnlessGivenWithABang() throws {
        let runner = try Self.runner()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-precious-\(UUID().uuidString).tsv").path
        try "precious notes\n".write(toFile: path, atomically: true, encoding: .utf8)
        for line in [":export lens tsv \(path)", ":save-session \(path)", ":save-activations enc.out \(path)"] {
            let command = line.split(separator: " ")[0].dropFirst()
            #expect(throws: InputError("s.script:1", "\(path): already exists; :\(command)! replaces it")) { try runner.run(line + "\n", name: "s.script") }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious notes\n", "the refused exports left the file alone")
        try runner.run(":export! lens tsv \(path)\n:patch enc.out@0:60=silence\n:export lens tsv \(path)\n:export lens tsv /dev/null\n", name: "s.script")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# run: patched (enc.out@0:60=silence)\n"),
                "`!` replaced the file, and the script then wrote it again without one")
        try FileManager.default.removeItem(atPath: path)
    }

    /// Export paths read as a shell user types them: `~/` is the home folder, and quotes around
    /// a path with spaces are not part of it (both failed with "no such folder").
    @Test func exportPathsTakeATildeAndQuotes() throws {
        let hyper = try Self.runner().window.engine.model.hyper
        func path(_ line: String) throws -> String? {
            if case .export(_, _, let p) = try ScriptCommand.parse(line, hyper: hyper, frames: 1500, tokens: 10, attention: .cross) { return p.path }
            return nil
        }
        #expect(try path(":export lens text ~/lens.txt") == NSHomeDirectory() + "/lens.txt")
        #expect(try path(":export lens text \"/tmp/a b.txt\"") == "/tmp/a b.txt")
        #expect(try path(":export lens text '~/a b.txt'") == NSHomeDirectory() + "/a b.txt")
        #expect(try path(":export lens text /tmp/a b.txt") == "/tmp/a b.txt")
        #expect(try path(":export lens text \"") == "\"", "a lone quote is a name, not an empty path")
        // The rest of the line as written: spaces inside a path kept, a tab separates, a comment goes.
        #expect(try path(":export lens text two  spaces.tsv") == "two  spaces.tsv")
        #expect(try path(":export lens\ttsv\tout.tsv") == "out.tsv")
        #expect(try path(":export lens text /dev/stdout  # the lens") == "/dev/stdout")
        #expect(try path(":export lens text take#2.tsv") == "take#2.tsv")
        #expect(try path(":export lens text \"take #2.tsv\" # quoted") == "take #2.tsv")
        #expect(try ScriptCommand.parse("  # a whole comment", hyper: hyper, frames: 1500, tokens: 10, attention: .cross) == .nothing)
    }

    /// A reference clip whose name holds ` #` is written quoted, and a script reads it back: a
    /// trial's explorer saved `=clip:take #2.wav`, which its replay read as `take` and a comment.
    @Test func aPatchSourcePathWithAHashRoundTripsThroughAScriptLine() throws {
        let hyper = try Self.runner().window.engine.model.hyper
        func patch(_ line: String) throws -> Patch? {
            if case .patch(let p) = try ScriptCommand.parse(line, hyper: hyper, frames: 1500, tokens: 10, attention: .cross) { return p }
            return nil
        }
        let sources: [PatchSource] = [.clip("take #2.wav"), .clip("plain.wav"), .clip("say \"hi\" #1.wav"), .clip(" lead.wav"),
                                      .file(path: "runs #3/acts.npz", name: "enc.0.resid_post"), .file(path: "a:b.npz", name: "v")]
        for source in sources {
            let written = Patch(site: Site(.encoder, 0, .residPost), positions: .range(0..<50), source: source)
            #expect(try patch(":patch \(written)  # a comment") == written, "\(written)")
            #expect(try PatchSource.parse(source.description) == source, "\(source.description)")
        }
        #expect(PatchSource.clip("take #2.wav").description == "clip:\"take #2.wav\"" && PatchSource.clip("plain.wav").description == "clip:plain.wav")
        #expect(throws: InputError("clip:\"take #2.wav", "an unclosed quote")) { try PatchSource.parse("clip:\"take #2.wav") }
        // Unquoted, the path's ` #` begins a comment; when the whole path names a file, the reply says to quote it.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-hash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let take = dir.appendingPathComponent("take #2.wav").path
        try FileManager.default.copyItem(atPath: TUISupport.asset("0890"), toPath: take)
        #expect(throws: InputError(String(take.dropLast(" #2.wav".count)), "no such file; ' #' begins a comment, so quote a path that holds it: clip:\"\(take)\"")) {
            try patch(":patch enc.0.resid_post@0:50=clip:\(take)")
        }
        #expect(throws: InputError("file:\"a.npz\"", "a file source needs a path and a tensor name (file:PATH:NAME)")) { try PatchSource.parse("file:\"a.npz\"") }
    }

    /// The heads of a transcript too short to rank are listed layer by layer, and the export says
    /// why (a trial's two-token ranking was sorted by chance scores beside a warning that said not).
    @Test func headsOfATranscriptTooShortToRankAreListedInOrderAndSaySo() throws {
        let model = try TUISupport.model.get()
        let samples = Array(try AudioFile.load(TUISupport.asset("0930")).prefix(3_200))
        let runner = ScriptRunner(engine: try Engine(model: model, samples: samples))
        let ranking = HeadRanking(engine: runner.window.engine)
        try #require(!ranking.ranks, "0.2 s of speech: \(runner.window.engine.cleanTokens.count) tokens")
        #expect(ranking.entries.map { [$0.layer, $0.head] } == ranking.entries.map { [$0.layer, $0.head] }.sorted { $0.lexicographicallyPrecedes($1) })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-heads-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runner.run(":export heads text \(path)\n", name: "h.script")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("# \(ranking.note!)\n"))
    }

    /// The transcript's export holds the transcript, not only its token table (a trial found
    /// neither text nor language in it), and the clean run's no-speech verdict.
    @Test func theTranscriptExportGivesTextLanguageAndTheNoSpeechVerdict() throws {
        let runner = try Self.runner()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try runner.run(":export transcript text \(dir.path)/t.txt\n:export transcript json \(dir.path)/clean.json\n"
                       + ":patch enc.out@0:50=zero\n:export transcript json \(dir.path)/patched.json\n", name: "s.script")
        let text = try String(contentsOfFile: dir.appendingPathComponent("t.txt").path, encoding: .utf8)
        let clean = runner.window.engine.clean.text.trimmingCharacters(in: .whitespaces)
        #expect(text.hasPrefix("# run: clean\n# text: \(clean)\n# language: en\n# no-speech p 0.0"), "\(text)")
        #expect(text.contains(": faster-whisper keeps the window\n") && !text.contains("cap"), "\(text)")
        func json(_ name: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as? [String: Any] ?? [:]
        }
        let c = try json("clean.json"), p = try json("patched.json")
        #expect((c["no_speech_prob"] as? Double ?? 1) < 0.6 && c["dropped"] as? Bool == false, "\(c)")
        let logprobs = try #require(c["logprobs"] as? [Double])
        #expect(logprobs.count == (c["tokens"] as? [Int])?.count && logprobs.allSatisfy { $0 <= 0 }, "one log-prob per token, as the tables give")
        #expect(p["no_speech_prob"] is NSNull && p["dropped"] is NSNull, "\(p)")
    }

    @Test func exportToAnUnwritablePathFailsWithTheReason() throws {
        let error = #expect(throws: InputError.self) { try Self.runner().execute(":export lens text /nonexistent-dir/lens.txt") }
        #expect(error?.problem.contains("cannot write: ") == true)
    }

    /// `:save-activations` writes the patched run's activations, equal to the engine's own.
    @Test func saveActivationsWritesThePatchedRunsValues() throws {
        let runner = try Self.runner()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-acts-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runner.run(":patch enc.2.resid_post@0:40=zero\n:save-activations enc.3.resid_post,dec.*.resid_post \(path)\n", name: "s.txt")
        let engine = runner.window.engine, hyper = engine.model.hyper
        let expected = try engine.activations(runner.state.settings.patchSet, at: [Site(.encoder, 3, .residPost), Site(.decoder, 1, .residPost)])
        try SafeTensors.withFile(path) { header, bytes in
            #expect(header.tensors.count == 2 + hyper.decoderLayers + 1, "two sites' patterns, tokens and prompt")
            for site in [Site(.encoder, 3, .residPost), Site(.decoder, 1, .residPost)] {
                #expect(SafeTensors.floats(header.tensors[site.description]!, in: bytes) == expected[site]!.data, "\(site)")
            }
            #expect(header.metadata["patches"] == "enc.2.resid_post@0:40=zero")
        }
    }
}
