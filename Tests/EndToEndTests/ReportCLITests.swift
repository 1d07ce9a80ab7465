import Foundation
import Testing

/// `asrlens report` through the real binary on tiny.en: every section and the findings table.
@Suite struct ReportCLITests {
    @Test func reportHasEverySectionAndAVerdictPerFinding() throws {
        let synth = try ProbeCLITests.synth.get()
        let dir = try CLIRunner.temporaryDirectory()
        let tsv = dir.appendingPathComponent("six.tsv").path
        let rows = ["s00-m1\tmale", "s00-f1\tfemale", "s01-m2\tmale", "s01-f2\tfemale", "s02-m3\tmale", "s02-f3\tfemale"]
        try (["path\tgender"] + rows.map { "\(synth.path)/sentences/\($0.replacingOccurrences(of: "\t", with: ".wav\t"))" })
            .joined(separator: "\n").write(toFile: tsv, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("report.md").path
        let r = try CLIRunner.run(["report", "--model", "tiny.en", "--folds", "2", "--repetition-rows", "1", "--snr=-10",
                                   "--no-context", "--out", out, tsv])
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOfFile: out, encoding: .utf8)
        for heading in ["# Replicating \"Beyond Transcription\" on tiny.en", "## 1. Logit lens", "## 2. Encoder lens", "## 3. Linear probes",
                        "### gender", "## 4. Patching sweep", "## 5. Attention heads", "## 6. Repetition hunting",
                        "## 7. Localised encoder attention", "## Summary"] {
            #expect(md.contains(heading), "missing \(heading)")
        }
        #expect(!md.contains("## 8. Contextual bias"))
        let summary = try #require(md.components(separatedBy: "## Summary").last)
        let findings = summary.split(separator: "\n").filter { $0.hasPrefix("| ") }.dropFirst()
        #expect(findings.count >= 6, "\(summary)")
        let verdicts = ["reproduced", "partly", "not reproduced", "not tested"]
        #expect(findings.allSatisfy { row in verdicts.contains { row.contains($0) } }, "\(summary)")
        #expect(md.contains("6 clips, classes female/male"))
        #expect(md.contains("majority  0.500"), "the majority control")
        #expect(md.contains("\nlog-mel   ") && md.contains("\nduration  "), "the input controls beside every probe")
    }

    @Test func reportJSONHoldsTheFindingsWithTheirRules() throws {
        let r = try CLIRunner.run(["report", "--model", "tiny.en", "--no-context", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        // Lenses 2, sweep 1, alignment heads 1; then "not tested" for the survey (2), probes (1),
        // decoder probes (1), repetition (2), attention windows (1) and contextual bias (1), which
        // need data or were skipped.
        #expect(findings.count == 12, "\(findings)")
        for f in findings {
            let verdict = try #require(f["verdict"] as? [String: Any])
            #expect(["reproduced", "partly", "not reproduced", "not tested"].contains(verdict["outcome"] as? String ?? ""))
            let rule = verdict["rule"] as? String ?? ""
            #expect(rule.hasPrefix("reproduced when") || (verdict["outcome"] as? String == "not tested" && rule.hasPrefix("not tested when")), "\(rule)")
        }
        let untested = findings.filter { ($0["verdict"] as? [String: Any])?["outcome"] as? String == "not tested" }
        // The lenses, the sweep and the head ranking on one clip illustrate; no claim is judged on it.
        #expect(untested.count == findings.count)
        #expect(Set(untested.compactMap { $0["section"] as? String })
                == ["logit lens", "encoder lens", "patching sweep", "attention heads", "lens survey", "linear probes", "decoder probes", "repetition hunting",
                    "attention windows", "contextual bias"])
        let header = try #require(json["header"] as? [String: Any])
        #expect((header["commit"] as? String)?.isEmpty == false && header["commit"] as? String != "unknown", "built from this checkout: \(header)")
        #expect((json["lenses"] as? [String: Any])?["encoder_lens"] is [Any] && json["sweep"] is [String: Any] && json["probes"] is [Any])
        // Keys are snake_case at every depth, as in every other command's JSON.
        func camelKeys(_ o: Any, _ path: String) -> [String] {
            if let d = o as? [String: Any] {
                return d.flatMap { k, v in (k.contains { $0.isUppercase } ? [path + "." + k] : []) + camelKeys(v, path + "." + k) }
            }
            return (o as? [Any])?.flatMap { camelKeys($0, path + "[]") } ?? []
        }
        #expect(json["repetition_parts"] is [Any])
        #expect(camelKeys(json, "").isEmpty, "\(camelKeys(json, ""))")
    }

    @Test func anUnwritableReportPathFailsBeforeAnyWork() throws {
        let start = Date()
        let r = try CLIRunner.run(["report", "--model", "tiny.en", "--out", "/proc/asrlens-report.md"])
        #expect(r.status == 2 && r.stderrLines.count == 1 && r.stderr.contains("/proc/asrlens-report.md"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 20, "it failed only after running experiments")
    }
}
