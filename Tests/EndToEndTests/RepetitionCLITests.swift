import Foundation
import Testing

/// `asrlens repetition` through the real binary on tiny.en: loops found, every decoder patch
/// tried on each, unreadable rows skipped and counted, and sharded parts merging exactly.
@Suite struct RepetitionCLITests {
    /// The bundled sample loops under white noise at -10 dB; the second row cannot be read.
    static func tsv() throws -> String {
        let dir = try CLIRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("hunt.tsv").path
        let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0870.wav").path
        try "path\tnote\n\(clip)\tsample\n/no/such/clip.wav\tmissing\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    struct Hunt: Decodable {
        struct Entry: Decodable { let component: String; let layer: Int; let head: Int?; let resolved: Int; let fraction: Double }
        struct Case: Decodable { let condition: String; let loop: Bool; let text: String }
        let examined: Int, skipped: Int
        let dataSHA256: String
        let loops: [String: Int]
        let resolved: [Entry]
        let cases: [Case]
        enum CodingKeys: String, CodingKey { case examined, skipped, loops, resolved, cases, dataSHA256 = "data_sha256" }
    }

    func withoutTiming(_ json: String) throws -> NSDictionary {
        var o = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        o["seconds"] = nil
        return NSDictionary(dictionary: o)
    }

    @Test func findsLoopsTriesEveryDecoderPatchAndMergesShardsExactly() throws {
        let data = try Self.tsv()
        let whole = try CLIRunner.run(["repetition", "--model", "tiny.en", "--json", data])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stderr.contains("/no/such/clip.wav: no such file (row skipped)"), "\(whole.stderr)")
        let hunt = try JSONDecoder().decode(Hunt.self, from: Data(whole.stdout.utf8))
        #expect(hunt.examined == 1 && hunt.skipped == 1)
        #expect(hunt.dataSHA256.count == 64, "the hunt names the data it rests on")
        #expect(hunt.cases.map(\.condition) == ["plain", "noisy 0dB", "noisy -5dB", "noisy -10dB", "truncated"])
        #expect(hunt.loops["noisy -10dB"] == 1, "\(hunt.cases.map(\.text))")
        // 4 layers × (self_out, cross_out, mlp_out, any cross head) + 4 × 6 single heads.
        #expect(hunt.resolved.count == 4 * 4 + 4 * 6)
        #expect(hunt.resolved.allSatisfy { $0.resolved <= 1 && $0.fraction == Double($0.resolved) })
        for l in 0..<4 {
            let anyHead = hunt.resolved.first { $0.component == "any cross head" && $0.layer == l }!.resolved
            let single = hunt.resolved.filter { $0.component == "cross_head" && $0.layer == l }.map(\.resolved).max()!
            #expect(anyHead == single, "layer \(l): any head resolves iff one head does")
        }

        let work = try CLIRunner.temporaryDirectory()
        let parts = try (0..<2).map { i -> String in
            let part = work.appendingPathComponent("hunt\(i).jsonl").path
            let r = try CLIRunner.run(["repetition", "--model", "tiny.en", "--shard", "\(i)/2", "--out", part, data])
            #expect(r.status == 0, "\(r.stderr)")
            return part
        }
        let merged = try CLIRunner.run(["merge", "--json", parts[1], parts[0]])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try withoutTiming(merged.stdout) == withoutTiming(whole.stdout))
        let text = try CLIRunner.run(["merge", parts[0], parts[1]])
        #expect(text.stdout.contains("fraction of the 1 looping transcripts (1 distinct clips) each patch resolves"), "\(text.stdout)")
        #expect(text.stdout.contains("any cross head"))

        // TSV: one row per patch, the same counts as the JSON's.
        let tsv = try CLIRunner.run(["merge", "--format", "tsv", parts[0], parts[1]])
        #expect(tsv.status == 0, "\(tsv.stderr)")
        let rows = tsv.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first == ["component", "layer", "head", "loops", "resolved", "fraction", "low", "high", "improved", "improved_low", "improved_high"])
        #expect(rows.dropFirst().map { [$0[0], $0[1], $0[2], $0[4]] }
                == hunt.resolved.map { [$0.component, String($0.layer), $0.head.map(String.init) ?? "", String($0.resolved)] })
    }

    @Test(arguments: [
        (["--keep", "1.5"], "--keep 1.5: must be between 0 and 1"),
        (["--reference", "pink"], "pink"),
        (["--snr=nan"], "--snr nan: an SNR must be between -60 and 100 dB"),
        (["--snr=-1e30"], "--snr -1e+30: an SNR must be between -60 and 100 dB"),
        (["--snr", "-1e30"], "--snr -1e+30: an SNR must be between -60 and 100 dB"),   // a negative value after a space
    ])
    func badOptionsAreOneLine(args: [String], message: String) throws {
        let r = try CLIRunner.run(["repetition", "--model", "tiny.en"] + args + [try Self.tsv()])
        #expect(r.status == 2 && r.stderrLines.count == 1 && r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func aTableWithoutPathColumnIsOneLine() throws {
        let path = try CLIRunner.temporaryDirectory().appendingPathComponent("bad.tsv").path
        try "file\tlabel\nx.wav\ta\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["repetition", "--model", "tiny.en", path])
        #expect(r.status == 2 && r.stderrLines.count == 1 && r.stderr.contains("has no 'path' column"), "\(r.stderr)")
    }
}
