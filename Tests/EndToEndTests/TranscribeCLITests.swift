import Foundation
import Testing

/// `asrlens transcribe` and `asrlens models` as a user runs them.
@Suite struct TranscribeCLITests {
    @Test func jsonLineHasTheDocumentedFields() throws {
        let r = try CLIRunner.run(["transcribe", "--json", "/usr/share/pocketsphinx/test/data/cards/003.wav"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(Set(obj.keys) == ["file", "language", "tokens", "text", "no_speech_prob", "seconds"])
        #expect(obj["text"] as? String == " 7 of clubs.")
        #expect((obj["seconds"] as? Double ?? 0) > 0)
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
