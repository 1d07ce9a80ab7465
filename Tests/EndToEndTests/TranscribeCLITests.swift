import Foundation
import Testing

/// `asrlens transcribe` and `asrlens models` as a user runs them.
@Suite struct TranscribeCLITests {
    @Test func jsonLineHasTheDocumentedFields() throws {
        let r = try CLIRunner.run(["transcribe", "--json", "/usr/share/pocketsphinx/test/data/cards/003.wav"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(Set(obj.keys) == ["file", "language", "tokens", "text", "no_speech_prob", "dropped_windows", "seconds"])
        #expect(obj["text"] as? String == " 7 of clubs.")
        #expect((obj["seconds"] as? Double ?? 0) > 0)
        #expect((obj["dropped_windows"] as? [Any])?.isEmpty == true)
    }

    /// A window dropped as silence prints no text, and still its no-speech probability: in
    /// `no_speech_prob` and in `dropped_windows`, beside its average log-prob.
    @Test func aWindowDroppedAsSilenceKeepsItsNoSpeechProbability() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let silence = dir.appendingPathComponent("silence.wav").path
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "16000", "-b", "16", silence, "trim", "0", "5"]
        try sox.run(); sox.waitUntilExit()
        let r = try CLIRunner.run(["transcribe", "--json", silence])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["text"] as? String == "")
        let p = try #require(obj["no_speech_prob"] as? Double, "no_speech_prob must not be null: \(r.stdout)")
        #expect(p > 0.6, "a dropped window is above the 0.6 threshold: \(p)")
        let dropped = try #require(obj["dropped_windows"] as? [[String: Any]])
        #expect(dropped.count == 1 && dropped[0]["start"] as? Double == 0 && dropped[0]["no_speech_prob"] as? Double == p)
        #expect((dropped[0]["avg_logprob"] as? Double ?? 0) < -1, "dropped only below the -1 log-prob threshold: \(dropped)")
        #expect(r.stderr.isEmpty, "--json has the window as data")
        // Plain output: the empty line, and one line on stderr that says why.
        let plain = try CLIRunner.run(["transcribe", silence])
        #expect(plain.status == 0 && plain.stdout == "\n")
        #expect(plain.stderrLines.count == 1 && plain.stderr.contains("\(silence): the window from 0.00 s is dropped as silence, as faster-whisper drops it (no-speech p "),
                "\(plain.stderr)")
    }

    @Test func plainOutputIsOneLinePerFile() throws {
        let files = ["001", "003"].map { "/usr/share/pocketsphinx/test/data/cards/\($0).wav" }
        let r = try CLIRunner.run(["transcribe"] + files)
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n") == ["10 of clubs.", "7 of clubs."])
    }

    @Test func timestampsModeEmitsTimestampTokens() throws {
        let r = try CLIRunner.run(["transcribe", "--json", "--timestamps", "/usr/share/pocketsphinx/test/data/cards/001.wav"])
        #expect(r.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let tokens = obj["tokens"] as! [Int]
        #expect(tokens.first == 50363)            // <|0.00|>
        #expect(tokens.last! >= 50363)            // closes with a timestamp
        #expect(obj["text"] as? String == " 10 of clubs.")
    }

    /// A bad directory among several gets its error line; the others are still described.
    @Test func modelsListGoesOnPastABadDirectory() throws {
        let tiny = ErrorCatalogueTests.installedModels + "/tiny.en"
        let r = try CLIRunner.run(["models", "list", "/nonexistent-model-dir", tiny])
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("asrlens: /nonexistent-model-dir: "), "\(r.stderr)")
        #expect(r.stdout == "\(tiny)\tctranslate2\n", "\(r.stdout)")
    }

    @Test func modelsListsBothCatalogueModels() throws {
        let r = try CLIRunner.run(["models"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.map { $0[0] } == ["tiny.en", "base"])
        #expect(lines.allSatisfy { $0.count == 3 })
    }

    @Test func installingAnInstalledModelIsAQuickNoOp() throws {
        let start = Date()
        let r = try CLIRunner.run(["models", "install", "tiny.en"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("already installed"))
        #expect(Date().timeIntervalSince(start) < 10)
    }
}

/// `transcribe --output-format`: segments as faster-whisper times them, in openai-whisper's files.
@Suite struct TranscriptFilesCLITests {
    /// The five LibriVox clips joined (24.7 s, seven segments), as the golden was made.
    static func joined(in dir: URL) throws -> String {
        let out = dir.appendingPathComponent("librivox-joined.wav").path
        let clips = try FileManager.default.contentsOfDirectory(atPath: "/usr/share/pocketsphinx/test/data/librivox").filter { $0.hasSuffix(".wav") }.sorted()
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = clips.map { "/usr/share/pocketsphinx/test/data/librivox/\($0)" } + [out]
        try sox.run()
        sox.waitUntilExit()
        return out
    }

    @Test(arguments: ["tiny.en", "base"])
    func segmentsEqualFasterWhispersAndEveryFormatIsWritten(model: String) throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = try Self.joined(in: dir)
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: CLIRunner.root.appendingPathComponent("Tests/Fixtures/golden/segments-\(model).jsonl"))) as! [String: Any]
        let r = try CLIRunner.run(["transcribe", "--model", model, "--output-format", "json", clip])
        #expect(r.status == 0, "\(r.stderr)")
        let ours = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let want = golden["segments"] as! [[String: Any]], got = ours["segments"] as! [[String: Any]]
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) {
            #expect(g["tokens"] as? [Int] == w["tokens"] as? [Int] && g["text"] as? String == w["text"] as? String)
            #expect(g["seek"] as? Int == w["seek"] as? Int, "the window's first frame (the last segment is in a second window)")
            #expect(abs((g["start"] as! Double) - (w["start"] as! Double)) < 1e-9 && abs((g["end"] as! Double) - (w["end"] as! Double)) < 1e-9)
        }
        // Every format into a folder, named after the clip; the SRT numbers and times its segments.
        for format in ["txt", "vtt", "srt", "tsv"] {
            let w = try CLIRunner.run(["transcribe", "--model", model, "--output-format", format, "--output-dir", dir.path, clip])
            #expect(w.status == 0, "\(w.stderr)")
        }
        let srt = try String(contentsOf: dir.appendingPathComponent("librivox-joined.srt"), encoding: .utf8)
        #expect(srt.components(separatedBy: "\n\n").filter { !$0.isEmpty }.count == want.count)
        let first = want[0], second = want[1]
        #expect(srt.hasPrefix("1\n00:00:00,000 --> \(Self.srtTime(first["end"] as! Double))\n\((first["text"] as! String).trimmingCharacters(in: .whitespaces))\n\n2\n\(Self.srtTime(second["start"] as! Double))"))
        let txt = try String(contentsOf: dir.appendingPathComponent("librivox-joined.txt"), encoding: .utf8)
        #expect(txt.split(separator: "\n").count == want.count)
        let tsv = try String(contentsOf: dir.appendingPathComponent("librivox-joined.tsv"), encoding: .utf8)
        #expect(tsv.hasPrefix("start\tend\ttext\n0\t\(Int(((first["end"] as! Double) * 1000).rounded()))\t"))
        #expect(try String(contentsOf: dir.appendingPathComponent("librivox-joined.vtt"), encoding: .utf8).hasPrefix("WEBVTT\n\n00:00.000 --> "))
    }

    static func srtTime(_ s: Double) -> String {
        let ms = Int((s * 1000).rounded())
        return String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    }
}
