import Foundation
import Testing

/// `asrlens transcribe --json` itself returns faster-whisper's tokens (and language) on every golden clip.
@Suite struct GoldenCLITests {
    @Test(arguments: ["tiny.en", "base"])
    func transcribeJSONMatchesTheGoldenFile(model: String) throws {
        let golden = try String(contentsOf: CLIRunner.root.appendingPathComponent("Tests/Fixtures/golden/\(model).jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let files = golden.map { f -> String in
            let p = f["file"] as! String
            return p.hasPrefix("/") ? p : CLIRunner.root.appendingPathComponent(p).path
        }
        let r = try CLIRunner.run(["transcribe", "--json", "--model", model] + files)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == golden.count)
        for (ours, ref) in zip(lines, golden) {
            #expect(ours["tokens"] as! [Int] == ref["tokens"] as! [Int], "\(ref["file"]!)")
            #expect(ours["language"] as? String == ref["language"] as? String)
            #expect(ours["text"] as? String == ref["text"] as? String)
        }
    }
}
