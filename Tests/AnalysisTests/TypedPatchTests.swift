import Foundation
import Model
import Testing
import Analysis

/// Patches are values inside asrlens: built from `Site`, `Positions` and `PatchSource`, never
/// from strings, which are for the command line, the `:` line and files.
@Suite struct TypedPatchTests {
    /// Source lines outside the command line and the grammar's parsers that build a patch or a
    /// site from text, or write audio for an experiment to read back.
    @Test func noPatchIsBuiltFromTextOutsideTheCommandLineAndTheParsers() throws {
        let sources = AnalysisSupport.root.appendingPathComponent("Sources")
        let allowedParse = ["Model/Engine/Patch.swift", "Analysis/ScriptCommand.swift"]
        var found: [String] = []
        for layer in ["Model", "Analysis", "TUI"] {
            let dir = sources.appendingPathComponent(layer)
            let files = (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
            #expect(!files.isEmpty, "no sources under \(dir.path)")
            for file in files {
                let relative = "\(layer)/\(file)"
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let code = String(line.components(separatedBy: "//").first ?? "")
                    // A site name put together by interpolation: "enc.\(l).resid_post".
                    if code.range(of: #""(enc|dec)\.\\\("#, options: .regularExpression) != nil { found.append("\(relative):\(n + 1): \(line)") }
                    if code.contains("Patch.parse(") && !allowedParse.contains(relative) { found.append("\(relative):\(n + 1): \(line)") }
                    if ["Analysis/RepetitionHunt.swift", "Analysis/ContextBias.swift"].contains(relative) 
                        && ["AudioWriter", "temporaryDirectory", "scratch"].contains(where: code.contains) {
                        found.append("\(relative):\(n + 1): writes audio: \(line)")
                    }
                }
            }
        }
        #expect(found.isEmpty, "patches built from text:\n\(found.joined(separator: "\n"))")
    }

    /// The one list of sites: every site of the model, each parsed back from its name.
    @Test func everySiteOfTheModelParsesBackFromItsName() throws {
        let hyper = try AnalysisSupport.model("tiny.en").hyper
        let all = Site.all(hyper)
        #expect(all.count == 1 + hyper.encoderLayers * (4 + hyper.encoderHeads) + hyper.decoderLayers * (5 + 2 * hyper.decoderHeads))
        #expect(Set(all).count == all.count)
        for site in all { #expect(try Site.parse(site.description, hyper: hyper) == site) }
    }

    /// In-memory samples patch exactly as the same audio read from a file (`clip:`), and are
    /// told apart by value: other samples under the same name are another reference.
    @Test func samplesInMemoryPatchLikeTheSameClipFromAFile() throws {
        let engine = try AnalysisSupport.engine("tiny.en", AnalysisSupport.clips[2])
        let donor = AnalysisSupport.clips[0]
        let site = Site(.encoder, 2, .residPost)
        func run(_ source: PatchSource) throws -> Run {
            try engine.run(PatchSet([Patch(site: site, positions: .range(0..<120), source: source)]), useMemo: false)
        }
        let fromFile = try run(.clip(donor))
        let fromMemory = try run(.samples(.init("donor", try AudioFile.load(donor))))
        #expect(fromMemory.tokens == fromFile.tokens && fromMemory.cleanTokenLogprobs == fromFile.cleanTokenLogprobs)
        #expect(fromFile.tokens != engine.clean.tokens, "the patch must change something for the test to mean anything")
        let silent = try run(.samples(.init("donor", [Float](repeating: 0, count: 16_000))))
        #expect(silent.cleanTokenLogprobs != fromMemory.cleanTokenLogprobs, "same name, other samples: another reference")
    }
}
