import Foundation
import Testing

/// `asrlens sweep` through the real binary: each cell is exactly the single patch it names,
/// and the sweep evaluates fewer blocks than running its cells separately.
@Suite struct SweepCLITests {
    static let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path

    struct SweepJSON: Decodable {
        struct Cell: Decodable {
            let layer: Int; let start: Int; let end: Int; let patch: String; let wer: Double; let mean_abs_delta: Double
            let head: Int?; let attention: String?
        }
        struct Work: Decodable { let sweep_layers: Int; let separate_layers: Int }
        let cells: [Cell]
        let work: Work
    }

    struct PatchJSON: Decodable { let wer: Double; let delta_logprob: [Double] }

    func sweep(_ args: [String]) throws -> SweepJSON {
        let r = try CLIRunner.run(["sweep", "--model", "tiny.en", "--json", Self.clip] + args)
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONDecoder().decode(SweepJSON.self, from: Data(r.stdout.utf8))
    }

    func expectCellsEqualSinglePatches(_ s: SweepJSON, picks: [Int]) throws {
        for i in picks {
            let cell = s.cells[i]
            let r = try CLIRunner.run(["patch", "--model", "tiny.en", "--json", "--patch", cell.patch, Self.clip])
            let single = try JSONDecoder().decode(PatchJSON.self, from: Data(r.stdout.utf8))
            let mean = single.delta_logprob.map(abs).reduce(0, +) / Double(single.delta_logprob.count)
            #expect(cell.wer == single.wer, "\(cell.patch)")
            #expect(abs(cell.mean_abs_delta - mean) < 1e-9, "\(cell.patch): \(cell.mean_abs_delta) vs \(mean)")
        }
    }

    @Test func encoderSweepCellsEqualSinglePatchesAndCostLess() throws {
        let s = try sweep(["--component", "resid_post", "--window", "60", "--source", "silence"])
        #expect(s.cells.count == 4 * 3, "4 layers × 3 windows of the clip's 165 audio frames")
        #expect(s.cells.map(\.patch).contains("enc.3.resid_post@120:165=silence"))
        try expectCellsEqualSinglePatches(s, picks: [0, 5, s.cells.count - 1])
        #expect(s.work.sweep_layers < s.work.separate_layers)
    }

    @Test func decoderSweepOverTokens() throws {
        let s = try sweep(["--component", "cross_out", "--window", "4", "--source", "zero"])
        #expect(s.cells.count == 4 * 3, "4 layers × 3 windows of the 10-token transcript's 11 positions, EOT's included")
        #expect(s.cells[0].patch == "dec.0.cross_out@0:4=zero" && s.cells[2].patch == "dec.0.cross_out@8:11=zero", "\(s.cells.map(\.patch))")
        try expectCellsEqualSinglePatches(s, picks: [1, 10])
    }

    /// A window as wide as everything it tiles is allowed, with a warning: it is seldom meant.
    @Test func aWindowOverTheWholeSpanWarnsOfOneCellALayer() throws {
        let r = try CLIRunner.run(["sweep", "--model", "tiny.en", "--component", "cross_out", "--window", "5000", "--source", "zero",
                                   "--metric", "logprob", "--json", Self.clip])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: --window 5000: covers all 11 token positions: one cell a layer"), "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((json?["cells"] as? [Any])?.count == 4, "one cell for each of the 4 layers")
        let usual = try CLIRunner.run(["sweep", "--model", "tiny.en", "--component", "cross_out", "--window", "4", "--metric", "logprob", Self.clip])
        #expect(!usual.stderr.contains("warning"), "\(usual.stderr)")
    }

    @Test func headSweepRanksEveryDecoderHeadAndEachEqualsItsSinglePatch() throws {
        let s = try sweep(["--heads"])
        #expect(s.cells.count == 4 * 6 * 2, "4 layers × 6 heads × cross and self")
        #expect(Set(s.cells.compactMap(\.attention)) == ["cross", "self"])
        #expect(zip(s.cells, s.cells.dropFirst()).allSatisfy { $0.mean_abs_delta >= $1.mean_abs_delta }, "ranked strongest first")
        let picks = [0, s.cells.firstIndex { $0.attention == "self" }!, s.cells.count - 1]
        #expect(picks.allSatisfy { s.cells[$0].patch.hasSuffix("@all=zero") })
        // `@all` spans every clean position, EOT's too: one more than the transcript's tokens.
        let transcript = try CLIRunner.run(["transcribe", "--json", Self.clip])
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(transcript.stdout.utf8)) as? [String: Any])["tokens"] as? [Any]
        #expect(s.cells.allSatisfy { $0.start == 0 && $0.end == (tokens?.count ?? 0) + 1 }, "\(s.cells[0].start):\(s.cells[0].end)")
        try expectCellsEqualSinglePatches(s, picks: picks)
        #expect(s.work.sweep_layers * 4 < s.work.separate_layers, "decoder-only cells reuse the clean encoder")
    }

    func withoutTiming(_ json: String) throws -> NSDictionary {
        var o = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        o["seconds"] = nil
        return NSDictionary(dictionary: o)
    }

    @Test func shardedSweepMergesToExactlyTheUnshardedResult() throws {
        let args = ["sweep", "--model", "tiny.en", "--component", "attn_out", "--window", "80", "--source", "silence", Self.clip]
        let whole = try CLIRunner.run(args + ["--json"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let work = try CLIRunner.temporaryDirectory()
        let parts = try (0..<3).map { i -> String in
            let part = work.appendingPathComponent("sweep\(i).jsonl").path
            let r = try CLIRunner.run(args + ["--shard", "\(i)/3", "--out", part])
            #expect(r.status == 0, "\(r.stderr)")
            return part
        }
        let merged = try CLIRunner.run(["merge", "--json"] + parts.reversed())
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try withoutTiming(merged.stdout) == withoutTiming(whole.stdout), "merged \(merged.stdout)\nwhole \(whole.stdout)")
        let heads = try CLIRunner.run(["sweep", "--model", "tiny.en", "--heads", "--shard", "0/2", Self.clip])
        let mixed = work.appendingPathComponent("heads.jsonl").path
        try heads.stdout.write(toFile: mixed, atomically: true, encoding: .utf8)
        let refused = try CLIRunner.run(["merge", parts[0], mixed])
        #expect(refused.status == 2 && refused.stderr.contains("belongs to a different run"), "\(refused.stderr)")
    }

    /// Shards run on one path whose audio changed between them do not merge: the parts record a
    /// digest of the analysed window, not only the path.
    @Test func partsOfOnePathWithOtherAudioDoNotMerge() throws {
        let work = try CLIRunner.temporaryDirectory()
        let clip = work.appendingPathComponent("clip.wav")
        // The same recording 1 dB quieter: same length, same transcript, other features.
        let other = work.appendingPathComponent("quieter.wav")
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = [Self.clip, other.path, "gain", "-1"]
        try sox.run(); sox.waitUntilExit()
        func shard(_ i: Int) throws -> String {
            let part = work.appendingPathComponent("part\(i).jsonl").path
            let r = try CLIRunner.run(["sweep", "--model", "tiny.en", "--component", "resid_post", "--window", "100", "--source", "zero",
                                       "--metric", "logprob", "--shard", "\(i)/2", "--out", part, clip.path])
            #expect(r.status == 0, "\(r.stderr)")
            return part
        }
        try FileManager.default.copyItem(atPath: Self.clip, toPath: clip.path)
        let first = try shard(0)
        // A logprob cell decoded nothing: its WER, loop flag and text are null, not false or "".
        let record = try #require(try String(contentsOfFile: first, encoding: .utf8).split(separator: "\n").dropFirst().first)
        let cell = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        #expect(cell["wer"] is NSNull && cell["repetition"] is NSNull && cell["text"] is NSNull, "\(record)")
        try FileManager.default.removeItem(at: clip)
        try FileManager.default.copyItem(at: other, to: clip)
        let second = try shard(1)
        let refused = try CLIRunner.run(["merge", first, second])
        #expect(refused.status == 2 && refused.stderrLines.count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("belongs to a different run") && refused.stderr.contains("its setting 'window_sha256' differs"), "\(refused.stderr)")
    }

    @Test func unknownComponentIsOneLine() throws {
        let r = try CLIRunner.run(["sweep", "--component", "ffn", Self.clip])
        #expect(r.status == 2 && r.stderrLines.count == 1 && r.stderr.contains("--component ffn: unknown component (allowed: "), "\(r.stderr)")
        let typo = try CLIRunner.run(["sweep", "--component", "resid_pst", Self.clip])
        #expect(typo.status == 2 && typo.stderr.contains("unknown component; did you mean resid_post?"), "\(typo.stderr)")
    }
}
