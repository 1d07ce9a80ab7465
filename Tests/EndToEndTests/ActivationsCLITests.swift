import Foundation
import Model
import Testing

/// `asrlens activations` as a notebook user runs it: the file holds exactly what the lenses read.
@Suite struct ActivationsCLITests {
    static let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path

    /// The safetensors file read back equals the engine's clean traces bit for bit, and the
    /// logit lens of its last decoder layer is the transcript.
    @Test func safetensorsHoldTheCleanTracesTheLensesRead() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("acts.safetensors").path
        let r = try CLIRunner.run(["activations", Self.clip, "--site", "enc.*.resid_post", "--site", "dec.3.resid_post", "--site", "dec.0.cross_head.1", "--out", out])
        #expect(r.status == 0 && r.stderrLines.last?.hasPrefix("asrlens: wrote 6 sites (enc.0.resid_post, enc.1.resid_post,") == true, "\(r.stderr)")
        let engine = try Engine(model: WhisperModel(directory: ModelCatalog.directory(for: "tiny.en")), samples: AudioFile.load(Self.clip))
        try SafeTensors.withFile(out) { header, bytes in
            func matrix(_ name: String) throws -> Matrix {
                let e = try #require(header.tensors[name], "\(name) is in the file")
                return Matrix(rows: e.shape[0], cols: e.shape[1], data: try #require(SafeTensors.floats(e, in: bytes)))
            }
            for l in 0..<4 { #expect(try matrix("enc.\(l).resid_post") == engine.cleanEncoder.residPost[l]) }
            let last = try matrix("dec.3.resid_post")
            #expect(last == engine.clean.decoder.residPost[3])
            #expect(header.tensors["dec.0.cross_head.1"]?.shape == [engine.prompt.count + engine.cleanTokens.count, 64])
            let logits = engine.model.decoder.logits(last)
            let greedy = (0..<engine.cleanTokens.count).map { s -> Int in
                let lp = engine.filteredLogprobs(logits.row(engine.tokenRow0 + s), step: s)
                return lp.indices.max { lp[$0] < lp[$1] }!
            }
            #expect(greedy == engine.cleanTokens)
            #expect(header.metadata["tokens"] == "[" + engine.cleanTokens.map(String.init).joined(separator: ",") + "]")
            #expect(header.metadata["model"] == "tiny.en" && header.metadata["patches"] == "none (clean run)" && header.metadata["frames"] == String(engine.audioFrames)
                    && header.metadata["window_start"] == "0.00")
            // The version, as --version prints it, even for a binary copied out of its checkout (a trial read "unknown").
            let version = try CLIRunner.run(["--version"]).stdout
            #expect(header.metadata["asrlens"].map { !$0.isEmpty && version.hasPrefix($0 + " ") } == true, "\(header.metadata["asrlens"] ?? "none") vs \(version)")
            #expect(header.metadata["asrlens_commit"] != nil)
        }
    }

    /// A patched run's file names its patches and the patched transcript; `.npz` is chosen by the
    /// extension and is a ZIP archive.
    @Test func aPatchedRunGoesToAnNpzArchiveWithItsTranscript() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let npz = dir.appendingPathComponent("acts.npz").path
        let r = try CLIRunner.run(["activations", Self.clip, "--site", "enc.out", "--patch", "enc.3.resid_post@0:100=zero", "--out", npz])
        #expect(r.status == 0, "\(r.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: npz))
        #expect(Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        // The metadata is a NumPy string (UTF-32) holding JSON.
        let utf32 = Data("\"patches\":\"enc.3.resid_post@0:100=zero\"".unicodeScalars.flatMap { s in withUnsafeBytes(of: s.value.littleEndian) { Array($0) } })
        #expect(bytes.range(of: utf32) != nil, "the metadata names the patch")
        #expect(String(decoding: bytes, as: UTF8.self).contains("enc.out.npy"))
    }

    @Test(arguments: [
        (["--site", "enc.*.cross_out"], "asrlens: enc.*.cross_out: matches no site of this model (sites look like enc.3.resid_post, enc.out, dec.1.cross_head.2)"),
        (["--site", "enc.7.resid_post"], "asrlens: enc.7.resid_post: layer 7 out of range (the encoder has layers 0 to 3)"),
    ])
    func aSiteTheModelLacksIsOneLine(arguments: [String], message: String) throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("a.safetensors").path
        let r = try CLIRunner.run(["activations", Self.clip] + arguments + ["--out", out])
        #expect(r.status == 2 && r.stderrLines == [Substring(message)], "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
