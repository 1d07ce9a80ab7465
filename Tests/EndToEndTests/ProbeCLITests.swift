import Foundation
import Testing

/// `asrlens dataset synth` and `asrlens probe` through the real binary, on the real tiny.en.
@Suite(.serialized) struct ProbeCLITests {
    /// One synthetic set for the suite (espeak-ng, Flite and Festival, ~90 s).
    static let synth: Result<URL, Error> = Result {
        let dir = try CLIRunner.temporaryDirectory().appendingPathComponent("synth")
        let r = try CLIRunner.run(["dataset", "synth", dir.path])
        guard r.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return dir
    }

    struct Probe: Decodable {
        struct Layer: Decodable { let layer: Int; let accuracy: Double; let std: Double; let low: Double; let high: Double }
        struct Control: Decodable { let name: String; let accuracy: Double; let low: Double; let high: Double }
        let label: String, side: String, baseline: Double, layers: [Layer], classes: [String]
        let rows: Int, skipped: Int, extracted: Int, cached: Int
        let group: String?
        let input_baselines: [Control]
        struct Lead: Decodable { let layer: Int; let over: String; let mean: Double; let low: Double; let high: Double }
        let interval_units: Int
        let best_lead: Lead?
    }

    func probe(_ args: [String]) throws -> (CLIRunner.Result, Probe?) {
        let r = try CLIRunner.run(["probe", "--model", "tiny.en", "--json"] + args)
        return (r, try? JSONDecoder().decode(Probe.self, from: Data(r.stdout.utf8)))
    }

    @Test func synthIsReproducibleAndBalanced() throws {
        let dir = try Self.synth.get()
        let again = try CLIRunner.temporaryDirectory()
        #expect(try CLIRunner.run(["dataset", "synth", again.path]).status == 0)
        for file in ["sentences.tsv", "words.tsv", "sentences/s03-f2.wav", "words/mango-m3.wav", "sentences/s05-flite-awb.wav",
                     "sentences/s07-festival-cmu_us_slt_arctic_hts.wav", "words/mango-festival-kal_diphone.wav"] {
            #expect(FileManager.default.contents(atPath: dir.appendingPathComponent(file).path)
                    == FileManager.default.contents(atPath: again.appendingPathComponent(file).path), "\(file) differs between runs")
        }
        let rows = try String(contentsOf: dir.appendingPathComponent("sentences.tsv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 216, "12 sentences in 18 voices")
        #expect(rows.filter { $0.contains("\tfemale\t") }.count == 84, "7 female voices")
        #expect(rows.filter { $0.contains("\tnoisy\t") }.count == 108)
        let fields = rows.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(fields.allSatisfy { $0.count == 11 && !$0[9].isEmpty && $0[9] != "unknown" && !$0[10].isEmpty })
        #expect(Dictionary(grouping: fields, by: { String($0[8]) }).mapValues(\.count) == ["espeak-ng": 120, "flite": 60, "festival": 36])
        #expect(Set(fields.map { $0[7] }).count == 18, "eighteen voices, named in the voice column")
        #expect(Set(fields.map { $0[6] }).count == 15, "Flite and Festival share the recorded speakers kal and slt")
        let words = try String(contentsOf: dir.appendingPathComponent("words.tsv"), encoding: .utf8).split(separator: "\n").dropFirst()
        for category in ["fruit", "clothing", "animal"] { #expect(words.filter { $0.contains("\t\(category)\t") }.count == 120) }
        // The manifest names the files it wrote by their SHA-256, so that a report can tell them
        // from a hand-made subset beside them.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("dataset.json"))) as? [String: Any]
        let files = try #require(manifest?["files"] as? [String: String])
        let sums = try CLIRunner.run(["sentences.tsv", "words.tsv"].map { dir.appendingPathComponent($0).path }, executable: "/usr/bin/sha256sum")
        #expect(Set(files.values) == Set(sums.stdout.split(separator: "\n").map { String($0.prefix(64)) }) && files.count == 2, "\(files) \(sums.stdout)")
        // Another command's set is not replaced unasked.
        let other = try CLIRunner.run(["dataset", "synth", dir.path, "--synth", "espeak-ng"])
        #expect(other.status == 2 && other.stderr.contains("holds a data set made by `asrlens dataset synth ") && other.stderr.contains("give --force"), "\(other.stderr)")
        #expect(FileManager.default.contents(atPath: dir.appendingPathComponent("dataset.json").path).flatMap { String(data: $0, encoding: .utf8) }?
            .contains("festival") == true, "the set is left as it was")
    }

    /// The acceptance bar: gender and noise probes beat the majority baseline by 20 points at
    /// their best encoder layer; the second probe reads every feature from the cache.
    @Test func genderAndNoiseProbesBeatTheBaselineAndTheSecondProbeUsesTheCache() throws {
        let tsv = try Self.synth.get().appendingPathComponent("sentences.tsv").path
        let (r1, gender) = try probe([tsv, "--label", "gender"])
        #expect(r1.status == 0, "\(r1.stderr)")
        let g = try #require(gender, "\(r1.stdout)")
        #expect(g.rows == 216 && g.skipped == 0 && g.layers.count == 4 && abs(g.baseline - 132.0 / 216) < 1e-9)
        #expect(g.layers.map(\.accuracy).max()! >= g.baseline + 0.2, "\(g.layers)")
        #expect(g.group == "speaker", "folds keep each speaker together unless told otherwise")
        #expect(g.input_baselines.map(\.name) == ["log-mel", "duration"], "the controls beside the probe")
        #expect(g.layers.allSatisfy { $0.low <= $0.accuracy + 0.05 && $0.accuracy - 0.05 <= $0.high && $0.low < $0.high })
        // 15 speakers are the interval's units, and the verdict's comparison is printed with it.
        #expect(g.interval_units == 15, "\(g.interval_units)")
        let lead = try #require(g.best_lead)
        let best = g.layers.max { $0.accuracy < $1.accuracy }!, control = g.input_baselines.max { $0.accuracy < $1.accuracy }!
        #expect(lead.layer == best.layer && lead.over == control.name && abs(lead.mean - (best.accuracy - control.accuracy)) < 1e-9
                && lead.low <= lead.mean && lead.mean <= lead.high, "\(lead)")
        let (r2, noise) = try probe([tsv, "--label", "noise"])
        let n = try #require(noise, "\(r2.stdout) \(r2.stderr)")
        #expect(n.extracted == 0 && n.cached == 216, "features come from the cache")
        #expect(n.layers.map(\.accuracy).max()! >= n.baseline + 0.2, "\(n.layers)")
        // The speaker column is the default grouping; probing it ungrouped is said, not silent.
        let (r3, speaker) = try probe([tsv, "--label", "speaker"])
        let s = try #require(speaker, "\(r3.stdout) \(r3.stderr)")
        #expect(s.group == nil && s.classes.count == 15, "\(s.classes)")
        #expect(r3.stderr.contains("\(tsv): the folds are not grouped by speaker, since 'speaker' is the label"), "\(r3.stderr)")
    }

    func writeTSV(_ lines: [String]) throws -> String {
        let path = try CLIRunner.temporaryDirectory().appendingPathComponent("set.tsv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func badDataSetsGetOneClearLine() throws {
        let dir = try Self.synth.get().path
        let tsv = dir + "/sentences.tsv"
        let missing = try CLIRunner.run(["probe", tsv, "--label", "accent"])
        #expect(missing.status == 2 && missing.stderrLines.count == 1)
        #expect(missing.stderr.contains("\(tsv): has no label column 'accent' (columns: gender, rate, noise, noise_type, snr_db, speaker, voice, synthesizer, synth_version, text)"), "\(missing.stderr)")

        // Found by a new-user trial: a voice label grouped by speaker scored 0 on every layer,
        // since each voice is one speaker and the fold testing it never trained on it.
        let alone = try CLIRunner.run(["probe", tsv, "--label", "voice"])
        #expect(alone.status == 2 && alone.stderrLines.count == 1
                && alone.stderr.contains("asrlens: \(tsv): folds grouped by speaker (the default): every row of class 'awb' of 'voice' has the speaker 'awb', so the fold that tests them never trains on that class"),
                "\(alone.stderr)")
        // Found by the same trial: the clean clips' empty snr_db cells were probed as a class.
        let (snr, snrProbe) = try probe([tsv, "--label", "snr_db", "--group", "none"])
        let unlabelled = try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n").dropFirst().filter { $0.contains("\tclean\t") }.count
        let p = try #require(snrProbe, "\(snr.stderr)")
        #expect(unlabelled > 0 && p.skipped == unlabelled && p.rows == 216 - unlabelled && !p.classes.contains(""), "\(p.classes)")
        #expect(snr.stderr.contains("\(tsv): \(unlabelled) rows have no 'snr_db' value; left out, and counted as skipped"), "\(snr.stderr)")
        let headerOnly = try writeTSV(["path\tgender"])
        let none = try CLIRunner.run(["probe", headerOnly, "--label", "gender"])
        #expect(none.status == 2 && none.stderr == "asrlens: \(headerOnly): has a header line but no rows\n", "\(none.stderr)")

        let single = try writeTSV(["path\tgender"] + (0..<6).map { "\(dir)/sentences/s0\($0)-m1.wav\tmale" })
        let one = try CLIRunner.run(["probe", single, "--label", "gender"])
        #expect(one.status == 2 && one.stderr.contains("label 'gender' has a single class (male)"), "\(one.stderr)")

        let few = try writeTSV(["path\tgender", "\(dir)/sentences/s00-m1.wav\tmale", "\(dir)/sentences/s00-f1.wav\tfemale",
                                "\(dir)/sentences/s01-f1.wav\tfemale"])
        let tooFew = try CLIRunner.run(["probe", few, "--label", "gender", "--folds", "2"])
        #expect(tooFew.status == 2 && tooFew.stderr.contains("only 1 row of class 'male'; --folds 2 needs at least 2 per class"), "\(tooFew.stderr)")

        let ragged = try writeTSV(["path\tgender", "\(dir)/sentences/s00-m1.wav"])
        let r = try CLIRunner.run(["probe", ragged, "--label", "gender"])
        #expect(r.status == 2 && r.stderr.contains("\(ragged):2: has 1 fields, the header has 2"), "\(r.stderr)")

        #expect(try CLIRunner.run(["probe", "/no/such.tsv", "--label", "x"]).stderr.contains("/no/such.tsv: no such file"))
    }

    @Test func unreadableRowsAreSkippedAndCountedWithoutLosingTheOthers() throws {
        let dir = try Self.synth.get().path
        var lines = ["path\tgender"]
        for s in 0..<4 { for v in ["m1", "m2", "f1", "f2"] { lines.append("\(dir)/sentences/s0\(s)-\(v).wav\t\(v.hasPrefix("m") ? "male" : "female")") } }
        lines.append("/no/such/clip.wav\tmale")
        lines.append("\(dir)/sentences.tsv\tfemale")   // not audio
        let (r, p) = try probe([try writeTSV(lines), "--label", "gender", "--folds", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        let result = try #require(p, "\(r.stdout)")
        #expect(result.rows == 16 && result.skipped == 2)
        #expect(r.stderr.contains("/no/such/clip.wav: no such file (row skipped)"), "\(r.stderr)")
        #expect(r.stderr.contains("sentences.tsv: not a readable audio file"), "\(r.stderr)")
    }

    /// Drops the one field that is timing, not result.
    func result(_ json: String) throws -> NSDictionary {
        var o = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        o["feature_seconds"] = nil
        return NSDictionary(dictionary: o)
    }

    @Test func shardedProbeMergesToExactlyTheUnshardedResult() throws {
        let dir = try Self.synth.get().path
        var lines = ["path\tgender"]
        for s in 0..<5 { for v in ["m1", "m4", "f2", "f5"] { lines.append("\(dir)/sentences/s0\(s)-\(v).wav\t\(v.hasPrefix("m") ? "male" : "female")") } }
        lines.append("/no/such/clip.wav\tmale")
        let tsv = try writeTSV(lines)
        let whole = try CLIRunner.run(["probe", "--model", "tiny.en", "--json", "--folds", "4", tsv, "--label", "gender"])
        let work = try CLIRunner.temporaryDirectory()
        var parts: [String] = []
        for i in 0..<3 {
            let part = work.appendingPathComponent("part\(i).jsonl").path
            let r = try CLIRunner.run(["probe", "--model", "tiny.en", "--folds", "4", "--shard", "\(i)/3", "--out", part, tsv, "--label", "gender"])
            #expect(r.status == 0, "\(r.stderr)")
            parts.append(part)
        }
        let merged = try CLIRunner.run(["merge", "--json"] + parts.reversed())
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try result(merged.stdout) == result(whole.stdout), "merged \(merged.stdout)\nwhole \(whole.stdout)")
        #expect(merged.stdout.contains("\"skipped\":1"))

        // Incomplete sets and parts are refused with one line.
        let missing = try CLIRunner.run(["merge", parts[0], parts[2]])
        #expect(missing.status == 2 && missing.stderr.contains("the parts do not make a whole run of 3 shards; shard 1 is missing"), "\(missing.stderr)")
        let cut = work.appendingPathComponent("cut.jsonl").path
        let text = try String(contentsOfFile: parts[1], encoding: .utf8)
        try String(text.split(separator: "\n").dropLast().joined(separator: "\n")).write(toFile: cut, atomically: true, encoding: .utf8)
        let truncated = try CLIRunner.run(["merge", parts[0], cut, parts[2]])
        #expect(truncated.status == 2 && truncated.stderr.contains("\(cut): is incomplete (no end line)"), "\(truncated.stderr)")
        let other = work.appendingPathComponent("other.jsonl").path
        #expect(try CLIRunner.run(["probe", "--model", "tiny.en", "--folds", "3", "--shard", "1/3", "--out", other, tsv, "--label", "gender"]).status == 0)
        let mixed = try CLIRunner.run(["merge", parts[0], other, parts[2]])
        #expect(mixed.status == 2 && mixed.stderr.contains("belongs to a different run"), "\(mixed.stderr)")
        // The same TSV path, with a label edited between shards: the digest tells the runs apart.
        try (lines.map { $0.replacingOccurrences(of: "s00-m1.wav\tmale", with: "s00-m1.wav\tfemale") }.joined(separator: "\n") + "\n")
            .write(toFile: tsv, atomically: true, encoding: .utf8)
        let edited = work.appendingPathComponent("edited.jsonl").path
        #expect(try CLIRunner.run(["probe", "--model", "tiny.en", "--folds", "4", "--shard", "1/3", "--out", edited, tsv, "--label", "gender"]).status == 0)
        let changed = try CLIRunner.run(["merge", parts[0], edited, parts[2]])
        #expect(changed.status == 2 && changed.stderr.contains("\(edited): belongs to a different run than \(parts[0]) (its setting 'data_sha256' differs)"), "\(changed.stderr)")
        // A part edited by hand no longer matches the checksum on its end line.
        let written = try String(contentsOfFile: parts[2], encoding: .utf8)
        let handEdited = work.appendingPathComponent("hand-edited.jsonl").path
        #expect(written.contains("\"label\":\"male\""))
        try written.replacingOccurrences(of: "\"label\":\"male\"", with: "\"label\":\"female\"").write(toFile: handEdited, atomically: true, encoding: .utf8)
        let sum = try CLIRunner.run(["merge", parts[0], parts[1], handEdited])
        #expect(sum.status == 2 && sum.stderr == "asrlens: \(handEdited): its lines do not match the checksum on its end line (content_sha256); was the part edited? Run its shard again\n",
                "\(sum.stderr)")
        // Parts from before the checksum: a row moved to another shard's number, one outside the set, one dropped.
        let lines2 = written.replacing(#/"content_sha256":"[0-9a-f]+",?/#, with: "").split(separator: "\n").map(String.init)
        let firstRow = try #require(lines2[1].firstRange(of: #/"row":[0-9]+/#)), rowText = String(lines2[1][firstRow])
        for (edit, problem) in [({ (l: [String]) in [l[0], l[1].replacingOccurrences(of: rowText, with: "\"row\":0")] + l.dropFirst(2) }, "row 0 belongs to shard 0 of 3, not to this part's shard 2"),
                                ({ l in [l[0], l[1].replacingOccurrences(of: rowText, with: "\"row\":5000")] + l.dropFirst(2) }, "row 5000 is not one of the 21 rows the run examines"),
                                ({ l in [l[0]] + l.dropFirst(2) }, "lacks row \(rowText.dropFirst(6))")] {
            let edited = work.appendingPathComponent("edited-2.jsonl").path
            try (edit(lines2).joined(separator: "\n") + "\n").write(toFile: edited, atomically: true, encoding: .utf8)
            let r = try CLIRunner.run(["merge", parts[0], parts[1], edited])
            #expect(r.status == 2 && r.stderr == "asrlens: \(edited): \(problem)" + (problem.hasPrefix("lacks") ? "; was the part edited, or its run cut short?\n" : problem.contains("5000") ? "; was the part edited, or made by another run?\n" : "\n"), "\(r.stderr)")
        }
        // A row relabelled with a class no other row has: the part is named, not the TSV.
        let label = try #require(lines2[1].firstRange(of: #/"label":"[a-z]+"/#))
        let robot = work.appendingPathComponent("robot-2.jsonl").path
        try ([lines2[0], lines2[1].replacingCharacters(in: label, with: #""label":"robot""#)] + lines2.dropFirst(2)).joined(separator: "\n")
            .appending("\n").write(toFile: robot, atomically: true, encoding: .utf8)
        let relabelled = try CLIRunner.run(["merge", parts[0], parts[1], robot])
        #expect(relabelled.status == 2 && relabelled.stderr.hasPrefix("asrlens: \(robot): row \(rowText.dropFirst(6)) is of class 'robot' of label 'gender'"),
                "\(relabelled.stderr)")
        let badShard = try CLIRunner.run(["probe", "--shard", "3/3", tsv, "--label", "gender"])
        #expect(badShard.status == 2 && badShard.stderr.contains("a shard is i/n with 0 <= i < n"), "\(badShard.stderr)")
    }

    /// Every other word in its two espeak-ng voices (the first two of six). Split by clip, a
    /// word's other voice sits in the training folds. With --group word both stay in one fold,
    /// so the probe must generalise to new words.
    @Test func groupedFoldsKeepAWordsClipsTogether() throws {
        let dir = try Self.synth.get()
        let rows = try String(contentsOf: dir.appendingPathComponent("words.tsv"), encoding: .utf8).split(separator: "\n")
        let half = [String(rows[0])] + rows.dropFirst().enumerated().filter { $0.offset % 6 < 2 && ($0.offset / 6) % 2 == 0 }.map { dir.path + "/" + $0.element }
        #expect(half.dropFirst().allSatisfy { $0.contains("\tespeak-ng\t") })
        let tsv = try writeTSV(half)
        let (r1, byClip) = try probe([tsv, "--label", "category", "--folds", "5", "--group", "none"])
        let (r2, byWord) = try probe([tsv, "--label", "category", "--folds", "5", "--group", "word"])
        let a = try #require(byClip, "\(r1.stderr)"), b = try #require(byWord, "\(r2.stderr)")
        #expect(a.rows == 60 && b.rows == 60)
        #expect(b.layers.map(\.accuracy).max()! < a.layers.map(\.accuracy).max()!, "by clip \(a.layers), by word \(b.layers)")
        // A word's voices are one unit for the interval too, not only for the folds.
        let words = Set(half.dropFirst().map { $0.split(separator: "\t")[2] })
        let text = try CLIRunner.run(["probe", "--model", "tiny.en", tsv, "--label", "category", "--folds", "5", "--group", "word"])
        #expect(text.stdout.contains("[ ] its 95% interval of a bootstrap over the \(words.count) word groups (at least Wilson's)"), "\(text.stdout)")
        #expect(b.layers.allSatisfy { $0.low <= $0.accuracy && $0.accuracy <= $0.high })
        // With no --group the folds keep a word together too: the category is a property of the word.
        let (r3, byDefault) = try probe([tsv, "--label", "category", "--folds", "5"])
        let c = try #require(byDefault, "\(r3.stderr)")
        #expect(c.group == "word" && c.layers.map(\.accuracy) == b.layers.map(\.accuracy), "\(r3.stderr)")
        #expect(r3.stderr.contains("folds grouped by word, since every word has one 'category'"), "\(r3.stderr)")
        let missing = try CLIRunner.run(["probe", tsv, "--label", "category", "--group", "accent"])
        #expect(missing.status == 2 && missing.stderr.contains("has no column 'accent' to group by"), "\(missing.stderr)")
    }

    /// `--per-token`: every decoded token of the noisy rows labelled against the text column,
    /// probed per decoder layer beside the token's own log-probability; the flag and --label
    /// exclude each other, and data without a text column are refused by name.
    @Test func perTokenDecoderProbesLabelTokensAgainstTheReference() throws {
        let dir = try Self.synth.get()
        let rows = try String(contentsOf: dir.appendingPathComponent("sentences.tsv"), encoding: .utf8).split(separator: "\n")
        let noisy = [String(rows[0])] + rows.dropFirst().filter { $0.contains("\tnoisy\t") }.prefix(24).map { dir.path + "/" + $0 }
        let tsv = try writeTSV(noisy)
        let r = try CLIRunner.run(["probe", "--model", "tiny.en", "--per-token", "--json", tsv])
        #expect(r.status == 0, "\(r.stderr)")
        struct Layer: Decodable { let layer: Int; let accuracy: Double; let low: Double; let high: Double }
        struct Lead: Decodable { let layer: Int; let over: String; let mean: Double; let low: Double; let high: Double }
        struct Control: Decodable { let name: String; let accuracy: Double; let low: Double; let high: Double }
        // The label probe's field names: one reader serves both.
        struct Result: Decodable {
            let label: String; let side: String; let rows: Int; let incorrect: Int; let clips: Int; let baseline: Double; let group: String
            let layers: [Layer]; let input_baselines: [Control]; let best_lead: Lead?
        }
        let result = try #require(try? JSONDecoder().decode(Result.self, from: Data(r.stdout.utf8)), "\(r.stdout)")
        #expect(result.label == "correct" && result.side == "dec" && result.group == "speaker")
        #expect(result.clips == 24 && result.rows > 100 && result.incorrect > 0 && result.incorrect < result.rows)
        #expect(result.layers.count == 4 && result.layers.allSatisfy { $0.low <= $0.high })
        let logprob = try #require(result.input_baselines.first { $0.name == "logprob" })
        #expect(result.baseline >= 0.5 && (0...1).contains(logprob.accuracy) && result.input_baselines.count == 1)
        // The verdict's comparison, paired token by token: the best layer over the log-probability.
        let lead = try #require(result.best_lead)
        let best = result.layers.max { $0.accuracy < $1.accuracy }!
        #expect(lead.over == "logprob" && lead.layer == best.layer && abs(lead.mean - (best.accuracy - logprob.accuracy)) < 1e-9
                && lead.low <= lead.mean && lead.mean <= lead.high, "\(lead)")
        let both = try CLIRunner.run(["probe", "--per-token", "--label", "gender", tsv])
        #expect(both.status != 0 && both.stderr.contains("give either --label COL or --per-token"), "\(both.stderr)")
        let plain = try writeTSV(["path\tgender"] + noisy.dropFirst().prefix(4).map { String($0.split(separator: "\t")[0]) + "\tmale" })
        let noText = try CLIRunner.run(["probe", "--per-token", plain])
        #expect(noText.status == 2 && noText.stderr.contains("has no label column 'text'"), "\(noText.stderr)")
    }
}
