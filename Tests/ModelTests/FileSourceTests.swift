import Foundation
import Model
import Testing

/// `file:PATH:NAME` patch sources: a tensor written elsewhere patches exactly as the run it came from.
@Suite(.serialized) struct FileSourceTests {
    static let clipA = TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path
    static let clipB = TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0870.wav").path

    func engine(_ clip: String) throws -> Engine { try Engine(model: TestSupport.model("tiny.en"), samples: AudioFile.load(clip)) }

    func patch(_ text: String, _ e: Engine) throws -> Patch {
        try Patch.parse(text, hyper: e.model.hyper, frames: e.model.hyper.audioPositions, tokens: e.tokenPositions)
    }

    /// Clip B's encoder activations saved as safetensors and as npz patch clip A exactly as
    /// `clip:B` does; a decoder head saved at twice its clean value patches as `scale:2` does.
    @Test func aSavedTensorPatchesLikeTheSourceItCameFrom() throws {
        let a = try engine(Self.clipA), b = try engine(Self.clipB)
        let residual = Site(.encoder, 2, .residPost), head = Site(.decoder, 1, .crossHead(2))
        let fromB = try b.activations(PatchSet(), at: [residual])[residual]!
        var doubled = try a.activations(PatchSet(), at: [head])[head]!
        doubled.data = doubled.data.map { $0 * 2 }
        let tensors = [NamedTensor(name: residual.description, fromB), NamedTensor(name: head.description, doubled)]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let st = dir.appendingPathComponent("b.safetensors").path, npz = dir.appendingPathComponent("b.npz").path
        try Data(SafeTensors.encode(tensors)).write(to: URL(fileURLWithPath: st))
        try Data(NumpyArchive.encode(tensors)).write(to: URL(fileURLWithPath: npz))
        for (site, positions, source) in [(residual, "0:120", "clip:\(Self.clipB)"), (head, "all", "scale:2")] {
            let reference = try a.run(PatchSet([try patch("\(site)@\(positions)=\(source)", a)]), useMemo: false)
            #expect(reference.decoder.residPost != a.clean.decoder.residPost, "the patch changes the run")
            for file in [st, npz] {
                let run = try a.run(PatchSet([try patch("\(site)@\(positions)=file:\(file):\(site)", a)]), useMemo: false)
                let same = run.tokens == reference.tokens && run.encoderOut == reference.encoderOut && run.decoder.residPost == reference.decoder.residPost
                #expect(same, "\(site) from \(file) patches as \(source)")
            }
        }
    }

    /// A one-row tensor is every position's value.
    @Test func oneRowIsEveryPositionsValue() throws {
        let a = try engine(Self.clipA)
        let row = (0..<a.model.hyper.dModel).map { Float($0 % 5) * 0.5 }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-row-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(SafeTensors.encode([NamedTensor(name: "direction", shape: [row.count], values: .float32(row))])).write(to: URL(fileURLWithPath: file))
        let p = try patch("enc.1.resid_post@10:20=file:\(file):direction", a)
        let value = try a.activations(PatchSet([p]), at: [p.site])[p.site]!
        #expect((10..<20).allSatisfy { value.row($0) == row } && value.row(9) == a.cleanEncoder.residPost[1].row(9))
    }

    /// Each bad tensor is refused before a run, naming the file and the problem.
    @Test func badTensorsAreRefusedBeforeARun() throws {
        let a = try engine(Self.clipA)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.safetensors").path
        try Data(SafeTensors.encode([NamedTensor(name: "short", shape: [10, 384], values: .float32([Float](repeating: 1, count: 3840))),
                                     NamedTensor(name: "tokens", shape: [2], values: .int32([1, 2])),
                                     NamedTensor(name: "cube", shape: [1, 1, 384], values: .float32([Float](repeating: 1, count: 384)))]))
            .write(to: URL(fileURLWithPath: path))
        func problem(_ spec: String) -> String? {
            do { try a.prepare(try patch(spec, a)); return nil } catch let e as InputError { return e.description } catch { return "\(error)" }
        }
        #expect(problem("enc.0.resid_post@all=file:\(path):short") == "\(path):short: has 10 rows; enc.0.resid_post has 1500 (the 30 s window), or give one row for every frame")
        #expect(problem("dec.0.resid_post@all=file:\(path):short") == nil, "decoder rows past the tensor are left alone")
        #expect(problem("enc.0.resid_post@all=file:\(path):tokens") == "\(path):tokens: is I32, not a floating-point tensor")
        #expect(problem("enc.0.resid_post@all=file:\(path):cube") == "\(path):cube: has shape [1, 1, 384]; a patch takes one row [width] or rows [positions, width]")
        #expect(problem("enc.0.head.1@all=file:\(path):short") == "\(path):short: is 10 × 384 but enc.0.head.1 has rows of 64 values")
        let short = try patch("enc.0.resid_post@all=file:\(path):short", a)
        #expect(throws: InputError.self) { try a.run(PatchSet([short])) }
        #expect(throws: InputError.self) { try a.activations(PatchSet([short]), at: [short.site]) }
    }
}
