import Analysis
import Foundation
import Model
import Testing

/// A result from the literature reproduced as a test (paper-methods §5, "Replacing encoder output").
@Suite struct FindingTests {
    /// On tiny.en, replacing `enc.out` over one word's frames with the silent run's removes that
    /// word, while the words outside the span stay.
    @Test func silencingOneWordsFramesRemovesJustThatWord() throws {
        let clip = AnalysisSupport.clips[0]   // "And Mr. John Dashwood had then leisure to consider …"
        let engine = try AnalysisSupport.engine("tiny.en", clip)
        let words = WordAlignment(engine: engine).words
        #expect(words.count >= 10)
        let target = try #require(words.first { $0.text.trimmingCharacters(in: .whitespaces).lowercased() == "leisure" })
        let patch = try Patch.parse("enc.out@\(target.frames.lowerBound):\(target.frames.upperBound)=silence",
                                    hyper: engine.model.hyper, frames: 1500, tokens: engine.tokenPositions)
        let run = try engine.run(PatchSet([patch]))
        let before = WordErrorRate.words(engine.clean.text), after = WordErrorRate.words(run.text)
        #expect(before.contains("leisure"))
        #expect(!after.contains("leisure"), "patched: \(run.text)")
        let outside = before.filter { $0 != "leisure" }
        let kept = outside.filter { after.contains($0) }.count
        #expect(Double(kept) / Double(outside.count) >= 0.9, "clean: \(engine.clean.text) patched: \(run.text)")
    }

    @Test func wordTimingsAreOrderedAndInsideTheAudio() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[0])
        let words = WordAlignment(engine: engine).words
        #expect(words.map(\.tokens).flatMap { $0 } == engine.cleanTokens)
        #expect(zip(words, words.dropFirst()).allSatisfy { $0.start <= $1.start && $0.end <= $1.end + 1e-9 })
        #expect(words.allSatisfy { $0.start <= $0.end && $0.end <= Double(engine.audioFrames) / 50 + 0.02 })
    }

    @Test func rankingCoversEveryHeadBestFirst() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[0])
        let ranking = HeadRanking(engine: engine)
        #expect(ranking.entries.count == 24)
        #expect(zip(ranking.entries, ranking.entries.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(ranking.entries.filter(\.isAlignmentHead).count == 8)
    }

    /// On base, half of the model's alignment heads rank among the top eight of 48.
    @Test func alignmentHeadsRankHighOnBase() throws {
        let engine = try AnalysisSupport.engine("base", AnalysisSupport.clips[0])
        let top8 = HeadRanking(engine: engine).entries.prefix(8).filter(\.isAlignmentHead).count
        #expect(top8 >= 3, "alignment heads among the top 8: \(top8)")
    }
}

/// The `:` command language behind `asrlens run` and the explorer.
@Suite struct SessionTests {
    @Test func scriptPatchesAndExportsEveryView() throws {
        let session = Session(engine: try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2]))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var script = "# a comment\n\n:patch enc.out@0:60=silence\n"
        for view in Session.View.allCases { for f in Table.Format.allCases { script += ":export \(view.rawValue) \(f.rawValue) \(dir.path)/\(view.rawValue).\(f.rawValue)\n" } }
        try session.runScript(script, name: "test.script")
        #expect(session.patches.count == 1)
        for view in Session.View.allCases {
            for f in Table.Format.allCases {
                let text = try String(contentsOfFile: "\(dir.path)/\(view.rawValue).\(f.rawValue)", encoding: .utf8)
                #expect(!text.isEmpty)
                if f == .json { #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil) }
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test(arguments: [(":frobnicate", "unknown command"), (":patch enc.9.resid_post@all=zero", "layer 9 out of range"),
                      (":export nowhere text /tmp/x", "unknown view"), (":patch enc.out@0:60=clip:/nonexistent.wav", "no such file"),
                      ("patch", "not a command"), (":layer 99", "layer out of range")])
    func badLinesNameTheScriptLine(line: String, problem: String) throws {
        let session = Session(engine: try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2]))
        let error = #expect(throws: InputError.self) { try session.runScript("# ok\n\(line)\n", name: "s.txt") }
        #expect(error?.subject == "s.txt:2")
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
    }

    @Test func exportToAnUnwritablePathKeepsTheOldFile() throws {
        let session = Session(engine: try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2]))
        let error = #expect(throws: InputError.self) { try session.execute(":export lens text /nonexistent-dir/lens.txt") }
        #expect(error?.problem.contains("cannot write: ") == true)
    }
}
