import Foundation
import Model
import Testing
import Analysis

/// `Report` on tiny.en and a real clip: the findings as data, rendered to Markdown and JSON.
@Suite struct ReportTests {
    @Test func findingsAreDataThatMarkdownAndJSONBothCarry() throws {
        let model = try AnalysisSupport.model("tiny.en")
        let clip = AnalysisSupport.clips[0]
        let engine = try Engine(model: model, samples: try AudioFile.load(clip))
        var report = Report(model: model, clip: clip, data: [], command: "asrlens report")
        report.addLenses(engine)
        try report.addSweeps(engine)
        #expect(report.findings.map(\.section) == [.logitLens, .encoderLens, .sweep, .heads])
        // The sections that need data did not run: each of their claims is "not tested", never
        // left out of the summary and never given a verdict from other numbers.
        report.closeUntested()
        let untested = report.findings.filter { $0.verdict.outcome == .notTested }
        // One clip illustrates the lenses, the sweep and the head ranking; no claim is judged on it.
        #expect(untested.map(\.section) == [.logitLens, .encoderLens, .sweep, .heads, .lensSurvey, .lensSurvey, .probes, .tokenProbe, .repetition, .repetition,
                                             .attentionWindows, .contextBias])
        #expect(untested.prefix(4).allSatisfy { $0.verdict.text.contains("1 clip; a verdict needs at least 20") })
        #expect(untested.map(\.paper).contains(PaperClaim.singleHead.rawValue))
        #expect(report.findings.allSatisfy { $0.verdict.outcome == .notTested })
        let lenses = try #require(report.lenses)
        #expect(lenses.encoderLens.count == model.hyper.encoderLayers)
        #expect(lenses.encoderLens.last!.wer == 0, "the last layer through ln_post is the model's own transcript")
        #expect(lenses.saturation.count == engine.clean.tokens.count + 1)
        #expect(report.heads?.ranking.count == model.hyper.decoderLayers * model.hyper.decoderHeads)

        let markdown = MarkdownReport.render(report)
        for f in report.findings {
            // A section that did not run has no text to close; its claims sit in the summary alone.
            let closing = f.observed == "not run in this report." ? "| \(f.verdict.text) |" : "(\(f.verdict.text))"
            #expect(markdown.contains(closing), "finding not closing its section: \(f.observed)")
            #expect(markdown.contains(f.verdict.rule.replacingOccurrences(of: "|", with: "\\|")), "rule missing from the summary")
        }
        #expect(!markdown.contains("## 3.") && !markdown.contains("## 6.") && !markdown.contains("## 7."), "sections that did not run")

        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONText.encode(report).utf8)) as? NSDictionary)
        let findings = try #require(json["findings"] as? [NSDictionary])
        #expect(findings.count == report.findings.count)
        #expect(findings.allSatisfy { ($0["verdict"] as? NSDictionary)?["rule"] is String })
        #expect((json["header"] as? NSDictionary)?["model"] as? String == "tiny.en")
    }

    @Test func probeLabelsAreColumnsWithTwoToTenClassesOfEnoughRows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tsv = dir.appendingPathComponent("set.tsv")
        let rows = (0..<6).map { "a\($0).wav\t\($0 % 2 == 0 ? "m" : "f")\tid\($0)\t\($0 < 5 ? "x" : "y")\tspk\($0 / 2)" }
        try (["path\tgender\tid\trare\tspeaker"] + rows).joined(separator: "\n").write(to: tsv, atomically: true, encoding: .utf8)
        let set = try LabelledSet(tsv: tsv.path)
        #expect(Report.probeLabels(set, wanted: [], group: nil, folds: 2) == ["gender"], "who speaks describes a clip; it is not a label")
        #expect(Report.probeLabels(set, wanted: ["speaker"], group: nil, folds: 2) == ["speaker"], "unless asked for")
        #expect(Report.probeLabels(set, wanted: ["rare", "missing"], group: nil, folds: 2) == ["rare"])
        #expect(set.speakerColumn == "speaker")
        #expect(try set.probeGroup(nil, label: "gender") == "speaker", "folds keep a speaker together by default")
        #expect(try set.probeGroup("none", label: "gender") == nil)
        #expect(try set.probeGroup(nil, label: "speaker") == nil, "a speaker probe cannot group by speaker")
        #expect(throws: InputError.self) { try set.probeGroup("gender", label: "gender") }
    }

    /// A report says a data file was made by `dataset synth` only when the folder's manifest
    /// lists that file with its SHA-256: a hand-made subset beside the set (or an edited file)
    /// was credited to the command that made the set.
    @Test func aFileIsMadeByTheManifestOnlyWhenItListsItsBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "path\tlabel\na.wav\tx\n"
        try text.write(to: dir.appendingPathComponent("words.tsv"), atomically: true, encoding: .utf8)
        try text.write(to: dir.appendingPathComponent("subset.tsv"), atomically: true, encoding: .utf8)
        let sha = Array(text.utf8).withUnsafeBytes { SHA256.hex(of: $0) }
        let manifest = DatasetManifest(command: "asrlens dataset synth d", synthesizers: ["flite": "2.2"], files: ["words.tsv": sha])
        try (JSONText.encode(manifest) + "\n").write(to: dir.appendingPathComponent("dataset.json"), atomically: true, encoding: .utf8)
        #expect(DatasetManifest.near(dir.appendingPathComponent("words.tsv").path)?.command == "asrlens dataset synth d")
        #expect(DatasetManifest.near(dir.appendingPathComponent("subset.tsv").path) == nil, "a file the manifest does not list")
        try (text + "b.wav\ty\n").write(to: dir.appendingPathComponent("words.tsv"), atomically: true, encoding: .utf8)
        #expect(DatasetManifest.near(dir.appendingPathComponent("words.tsv").path) == nil, "an edited file")
    }
}
