import Foundation
import Testing

/// The analysis commands as a user runs them, including their bad-input errors.
@Suite struct AnalysisCLITests {
    static let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path

    @Test func lensJSONHasTheDocumentedFields() throws {
        let r = try CLIRunner.run(["lens", "--json", Self.clip])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let layers = obj["layers"] as! [[String: Any]]
        #expect(layers.count == 5)
        let cell = (layers[0]["cells"] as! [[String: Any]])[0]
        #expect(Set(cell.keys) == ["top", "final_prob", "final_rank"])
        #expect((obj["tokens"] as! [Any]).count == (layers[0]["cells"] as! [Any]).count)
        #expect((obj["saturation"] as! [Any]).count == (obj["tokens"] as! [Any]).count)
        #expect(obj["language"] as? String == "en")
    }

    /// On a multilingual model every analysis record names the language the decoder was
    /// prompted with, here detected from German speech.
    @Test func multilingualRecordsNameTheirLanguage() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let german = dir.appendingPathComponent("de.wav").path
        let espeak = Process()
        espeak.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        espeak.arguments = ["-v", "de", "-w", german, "Guten Morgen, wie geht es dir heute? Das Wetter ist sehr schön."]
        try espeak.run(); espeak.waitUntilExit()
        for args in [["lens"], ["encoder-lens"], ["words"], ["patch", "--patch", "enc.5.resid_post@0:20=zero"]] {
            let r = try CLIRunner.run(args + ["--json", "--model", "base", german])
            #expect(r.status == 0, "\(args[0]): \(r.stderr)")
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(obj["language"] as? String == "de", "\(args[0]): \(obj["language"] ?? "none")")
        }
    }

    /// The attention window is part of the run: a trial found `patch --json` and the sweep's tsv
    /// indistinguishable from runs under full attention.
    @Test func theAttentionWindowIsRecordedInPatchAndSweepOutputs() throws {
        let card = "/usr/share/pocketsphinx/test/data/cards/001.wav"
        for (window, expected) in [(["--attention-window", "10"], 10 as Int?), ([], nil)] {
            let r = try CLIRunner.run(["patch", card, "--patch", "enc.0.resid_post@25:50=silence", "--json"] + window)
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
            #expect(o.keys.contains("attention_window") && o["attention_window"] as? Int == expected, "\(o["attention_window"] ?? "missing")")
            #expect(o["window_start"] as? Double == 0, "\(o["window_start"] ?? "missing")")
        }
        let later = try CLIRunner.run(["sweep", Self.clip, "--offset", "1.5", "--metric", "logprob", "--json"])
        let sweep = try #require(try JSONSerialization.jsonObject(with: Data(later.stdout.utf8)) as? [String: Any], "\(later.stderr)")
        #expect(sweep["window_start"] as? Double == 1.5, "\(sweep["window_start"] ?? "missing")")
        let text = try CLIRunner.run(["patch", card, "--patch", "enc.0.resid_post@25:50=silence", "--attention-window", "10"])
        #expect(text.stdout.contains("encoder self-attention restricted to ±10 frames"), "\(text.stdout)")
        let tsv = try CLIRunner.run(["sweep", card, "--attention-window", "10", "--metric", "logprob", "--format", "tsv"])
        #expect(tsv.stdout.hasPrefix("# every cell also restricts encoder self-attention to ±10 frames"), "\(tsv.stdout.prefix(200))")
    }

    /// A looping layer's 224 tokens fold in the text form, as in the explorer (a trial got one
    /// huge line); tsv keeps every word.
    @Test func encoderLensTextFoldsALoopAndTSVKeepsIt() throws {
        let card = "/usr/share/pocketsphinx/test/data/cards/001.wav"
        let text = try CLIRunner.run(["encoder-lens", "--no-ln-post", card])
        let loop = try #require(text.stdout.split(separator: "\n").first { $0.contains("loop") }, "\(text.stdout)")
        #expect(loop.contains(") ×") && loop.count < 120, "\(loop)")
        let tsv = try CLIRunner.run(["encoder-lens", "--no-ln-post", "--format", "tsv", card])
        let full = try #require(tsv.stdout.split(separator: "\n").first { $0.contains("\tloop\t") })
        #expect(full.split(separator: " ").count > 100, "every word of the loop: \(full.prefix(80))")
    }

    @Test func encoderLensJSONEndsWithTheTranscript() throws {
        let r = try CLIRunner.run(["encoder-lens", "--json", Self.clip])
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let layers = obj["layers"] as! [[String: Any]]
        #expect(layers.count == 4)
        #expect(layers.last!["text"] as? String == " He might even have been made amiable himself.")
        #expect(Set(layers[0].keys) == ["layer", "tokens", "text", "repetition"])
    }

    @Test func patchJSONReportsWorkAgainstAFullRun() throws {
        let r = try CLIRunner.run(["patch", "--json", Self.clip, "--patch", "enc.3.resid_post@0:60=zero"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        for key in ["clean", "patched", "delta_logprob", "wer", "repetition", "layers_evaluated", "layers_full"] {
            #expect(obj[key] != nil, "missing \(key)")
        }
        #expect((obj["layers_evaluated"] as! Int) < (obj["layers_full"] as! Int))
    }

    /// The JSON holds the text table's three columns: each clean token's log-prob in both runs
    /// (then EOT's), and their difference.
    @Test func patchJSONGivesBothLogprobsBesideTheirDelta() throws {
        let r = try CLIRunner.run(["patch", "--json", Self.clip, "--patch", "enc.3.resid_post@0:60=zero"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let clean = try #require(obj["clean_logprob"] as? [Double]), patched = try #require(obj["patched_logprob"] as? [Double])
        let delta = try #require(obj["delta_logprob"] as? [Double])
        let tokens = try #require((obj["clean"] as? [String: Any])?["tokens"] as? [Int])
        #expect(clean.count == tokens.count + 1 && patched.count == clean.count && delta.count == clean.count)
        for i in delta.indices { #expect(abs(Float(patched[i]) - Float(clean[i]) - Float(delta[i])) == 0, "token \(i)") }
        #expect(clean.allSatisfy { $0 <= 0 } && patched.allSatisfy { $0 <= 0 })
        #expect(delta.contains { abs($0) > 0.01 }, "the patch moves some log-prob: \(delta)")
    }

    /// A patch saved as TSV or Markdown says which run it holds and what the patch did, not
    /// only the per-token table.
    @Test(arguments: ["tsv", "md", "text"])
    func patchTablesCarryTheRunAndItsSummary(format: String) throws {
        let r = try CLIRunner.run(["patch", "--format", format, Self.clip, "--patch", "enc.3.resid_post@0:60=zero"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let prefix = format == "tsv" ? "# " : ""
        if format != "text" { #expect(lines.first == "\(prefix)\(format == "tsv" ? "run" : "Run"): patched (enc.3.resid_post@0:60=zero) against clean") }
        #expect(lines.contains("\(prefix)clean:    He might even have been made amiable himself."), "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("\(prefix)patched:  ") } && lines.contains { $0.hasPrefix("\(prefix)wer ") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("token") || $0.hasPrefix("| token") }, "the per-token table follows: \(r.stdout)")
    }

    @Test(arguments: ["tsv", "md", "text"])
    func tablesComeInEveryFormat(format: String) throws {
        let r = try CLIRunner.run(["heads", "--format", format, Self.clip])
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n").count >= 25)
    }

    /// `heads --top N` keeps the N highest-ranked heads, in the same order as the full ranking.
    @Test func headsTopKeepsTheHighestRankedHeads() throws {
        let all = try CLIRunner.run(["heads", "--format", "tsv", Self.clip])
        let top = try CLIRunner.run(["heads", "--format", "tsv", "--top", "3", Self.clip])
        #expect(all.status == 0 && top.status == 0, "\(top.stderr)")
        #expect(top.stdout.split(separator: "\n") == Array(all.stdout.split(separator: "\n").prefix(5)), "the run, the header and three heads")
        let json = try CLIRunner.run(["heads", "--json", "--top", "2", Self.clip])
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["heads"].map { ($0 as? [Any])?.count } == 2)
        let bad = try CLIRunner.run(["heads", "--top", "0", Self.clip])
        #expect(bad.status == 2 && bad.stderr.contains("--top 0: must be at least 1"))
    }

    @Test func wordsAndAttentionRun() throws {
        let w = try CLIRunner.run(["words", "--format", "tsv", Self.clip])
        #expect(w.status == 0 && w.stdout.contains("amiable"))
        let a = try CLIRunner.run(["attention", "--alignment", Self.clip])
        #expect(a.status == 0 && a.stdout.contains("ramp"))
        let e = try CLIRunner.run(["attention", "--kind", "encoder", "--layer", "1", "--head", "2", "--format", "tsv", Self.clip])
        #expect(e.status == 0)
    }

    /// A cross-attention row shown over the audio is part of a softmax over all 1,500 frames:
    /// scaled to its own maximum, a row that looks at the padding would look as bright as any
    /// other, so the text heatmap gives each row's share on the audio, the sum of its numbers
    /// in JSON (a trial found a row with 2% of its weight on the audio drawn at full strength).
    @Test(arguments: [["--layer", "1", "--head", "3"], ["--kind", "encoder", "--layer", "0", "--head", "1"]])
    func attentionHeatmapRowsGiveTheirShareOnTheAudio(choice: [String]) throws {
        let text = try CLIRunner.run(["attention"] + choice + [Self.clip])
        #expect(text.status == 0, "\(text.stderr)")
        let json = try CLIRunner.run(["attention", "--json"] + choice + [Self.clip])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let sums = try #require(o["weights"] as? [[Double]]).map { $0.reduce(0, +) }
        let rows = text.stdout.split(separator: "\n").dropLast().map(String.init)
        #expect(rows.count == sums.count)
        for (line, sum) in zip(rows, sums) {
            let shown = try #require(Double(line.split(separator: "|").last!.trimmingCharacters(in: .whitespaces).dropLast()), "\(line)")
            #expect(abs(shown - 100 * sum) <= 0.5 + 1e-9, "\(line) against \(sum)")
        }
        #expect(sums.contains { $0 < 0.9 }, "some row looks at the padding: \(sums)")
        #expect(text.stdout.contains("the share of the row's weight on these frames"))
    }

    /// Decoder self-attention keeps every key a token sees, the prompt's too: each row is a
    /// causal softmax, summing to 1 over its own position and those before it (a trial found
    /// the prompt's columns cut, rows summing to 0.25).
    @Test func decoderSelfAttentionRowsAreWholeCausalSoftmaxes() throws {
        for model in ["tiny.en", "base"] {
            let r = try CLIRunner.run(["attention", "--model", model, "--kind", "self", "--layer", "3", "--head", "5", "--json", Self.clip])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let columns = try #require(o["columns"] as? [String]), rows = try #require(o["rows"] as? [String])
            let weights = try #require(o["weights"] as? [[Double]])
            #expect(columns.first == "<|startoftranscript|>" && columns.count == weights[0].count)
            let prompt = columns.count - rows.count + 1   // keys: prompt + tokens; rows: tokens + EOT
            for (i, row) in weights.enumerated() {
                #expect(abs(row.reduce(0, +) - 1) < 1e-4, "\(model) row \(i) sums to \(row.reduce(0, +))")
                #expect(row[(prompt + i)...].allSatisfy { $0 == 0 }, "\(model) row \(i) sees a later key")
            }
        }
    }

    /// Word times are the clip's seconds whatever window is analysed (a trial found them
    /// counted from the window's start under --offset, with nothing saying so).
    @Test func wordTimesUnderAnOffsetAreTheClipsSeconds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-words-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let joined = dir.appendingPathComponent("two.wav").path
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = [CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0870.wav").path, Self.clip, joined]
        try sox.run(); sox.waitUntilExit()
        let whole = try CLIRunner.run(["words", "--json", Self.clip])
        let later = try CLIRunner.run(["words", "--json", "--offset", "7.1", joined])   // 0870 lasts 7.10 s
        #expect(whole.status == 0 && later.status == 0, "\(later.stderr)")
        func words(_ out: String) throws -> (start: Double, words: [(String, Double)]) {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            let list = try #require(o["words"] as? [[String: Any]])
            return (try #require(o["window_start"] as? Double), list.map { ($0["word"] as? String ?? "", $0["start"] as? Double ?? .nan) })
        }
        let (zero, alone) = try words(whole.stdout), (start, shifted) = try words(later.stdout)
        #expect(zero == 0 && abs(start - 7.1) < 1e-9)
        #expect(alone.map(\.0) == shifted.map(\.0), "the same audio, the same words")
        for (a, b) in zip(alone, shifted) { #expect(abs(b.1 - a.1 - 7.1) < 0.05, "\(b.0) at \(b.1) s: \(a.1) s into the second clip") }
        let tsv = try CLIRunner.run(["words", "--format", "tsv", "--offset", "7.1", joined])
        #expect(tsv.stdout.split(separator: "\n").dropFirst(2).first?.split(separator: "\t").dropFirst().first.flatMap { Double($0) }.map { $0 >= 7.1 } == true,
                "\(tsv.stdout.prefix(120))")
    }

    /// Found by a new-user trial: on 36.7 s of speech tiny.en stops after the first sentence and
    /// the word times stretch it over the whole window, with nothing said. `words` now says where
    /// the text ends (one line on stderr, `text_end` in JSON); a clip decoded through says nothing.
    @Test func wordsSayWhenTheDecodeStoppedBeforeTheAudio() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let joined = dir.appendingPathComponent("seven.wav").path
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["0870", "0890", "0930", "0870", "0890", "0930", "0890"].map {
            CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-\($0).wav").path
        } + [joined]
        try sox.run(); sox.waitUntilExit()
        func textEnd(_ r: CLIRunner.Result) throws -> Double {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
            return try #require(o["text_end"] as? Double)
        }
        let early = try CLIRunner.run(["words", "--json", joined])
        let end = try textEnd(early)
        #expect(early.status == 0 && end > 5.5 && end < 8.5, "\(end)")
        #expect(early.stderr.contains("\(joined): decoded up to \(String(format: "%.2f", end)) s of 30.00 s: a decode ends at its first end of text")
                && early.stderr.contains("the word times stretch over the audio after it; for speech after it, give --offset \(String(format: "%.2f", end))"), "\(early.stderr)")
        let whole = try CLIRunner.run(["words", "--json", Self.clip])
        let wholeEnd = try textEnd(whole)
        #expect(whole.status == 0 && whole.stderr.isEmpty && abs(wholeEnd - 2.8) < 1, "\(wholeEnd) \(whole.stderr)")
    }

    @Test(arguments: [
        (["patch", clip, "--patch", "enc.7.resid_post@all=zero"], "enc.7.resid_post: layer 7 out of range"),
        (["patch", clip, "--patch", "enc.2.nothing@all=zero"], "unknown site"),
        (["patch", clip, "--patch", "enc.2.resid_post@1400:1600=zero"], "positions out of range"),
        (["patch", clip, "--patch", "enc.2.resid_post@0:10=clip:/nonexistent.wav"], "/nonexistent.wav: no such file"),
        (["attention", clip, "--layer", "9", "--head", "0"], "layer out of range"),
    ])
    func badAnalysisInputIsOneLineWithStatus2(args: [String], message: String) throws {
        let r = try CLIRunner.run(args)
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func malformedScriptLineIsReportedWithItsLineNumber() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let script = dir.appendingPathComponent("s.script")
        try ":patch enc.out@0:50=zero\n:export lens tsv \(dir.path)/lens.tsv\n:bogus\n".write(to: script, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["run", Self.clip, script.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(script.path):3: :bogus: unknown command"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(dir.path)/lens.tsv"))
    }

    /// `> log.txt` makes /dev/stdout lead to a regular file: exports there are appended through
    /// the open descriptor, in order, never renamed over the file (which lost what the shell
    /// wrote before and after, and refused a second export as "already exists").
    @Test func exportsToRedirectedStandardOutputKeepWhatCameBeforeAndAfter() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("s.script").path, log = dir.appendingPathComponent("log.txt").path
        try ":export words json /dev/stdout\n:export transcript text /dev/stdout  # again\n".write(toFile: script, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["-c", "{ echo before; '\(CLIRunner.binary)' run --threads 1 '\(Self.clip)' '\(script)'; echo \"rc=$? after\"; } > '\(log)' 2>&1"],
                                  executable: "/bin/sh")
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.hasPrefix("before\n{\"language\"") && text.hasSuffix("rc=0 after\n"), "\(text)")
        #expect(text.components(separatedBy: "# run: clean").count == 2, "the second export follows the first: \(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["log.txt", "s.script"])
    }

    /// Every view's JSON says which window of which model it describes, and in which language it
    /// was decoded (a trial could not tell a saved `--offset 30` lens from offset 0's; `heads` and
    /// `attention` lacked the language).
    @Test(arguments: [["lens"], ["encoder-lens"], ["attention", "--kind", "mean"], ["heads"], ["words"], ["patch", "--patch", "enc.out@0:20=zero"]])
    func everyViewsJSONNamesItsWindowAndModel(command: [String]) throws {
        let r = try CLIRunner.run(command + ["--offset", "1", "--json", "--threads", "1", Self.clip])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["window_start"] as? Double == 1 && json?["model"] as? String == "tiny.en" && json?["language"] as? String == "en",
                "\(json?.keys.sorted() ?? [])")
    }

    /// A view's file forms are one thing whichever way they are asked for: `asrlens lens --format
    /// tsv` printed the bare table, `:export lens tsv` the same with its run named, and `patch
    /// --json` had no `run` at all.
    @Test(arguments: [(["lens"], "lens", "tsv"), (["lens"], "lens", "json"), (["attention", "--kind", "mean"], "attention", "tsv"),
                      (["patch", "--patch", "enc.2.resid_post@10:40=zero"], "patch", "tsv"), (["patch", "--patch", "enc.2.resid_post@10:40=zero"], "patch", "md"),
                      (["patch", "--patch", "enc.2.resid_post@10:40=zero"], "patch", "json")])
    func aViewCommandPrintsWhatItsExportWrites(command: [String], view: String, format: String) throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("s.script").path, out = dir.appendingPathComponent("out").path
        let setup = command[0] == "patch" ? ":patch \(command[2])\n" : command.contains("mean") ? ":kind mean\n" : ""
        try (setup + ":export \(view) \(format) \(out)\n").write(toFile: script, atomically: true, encoding: .utf8)
        let exported = try CLIRunner.run(["run", "--threads", "1", Self.clip, script])
        #expect(exported.status == 0, "\(exported.stderr)")
        let printed = try CLIRunner.run(command + ["--format", format, "--threads", "1", Self.clip])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout == (try String(contentsOfFile: out, encoding: .utf8)))
        #expect(printed.stdout.hasPrefix(format == "json" ? "{" : format == "md" ? "Run: " : "# run: "))
    }
}
