import Foundation
import Model
import Testing

/// `Engine.activations`: the values an export writes are those the engine's runs hold.
@Suite(.serialized) struct ActivationsTests {
    static let shared: Result<Engine, Error> = Result {
        try Engine(model: TestSupport.model("tiny.en"), samples: AudioFile.load(TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path))
    }

    /// Every component of the clean run equals the clean traces exactly; a head is its columns of
    /// the attention context.
    @Test func cleanActivationsAreTheCleanTraces() throws {
        let e = try Self.shared.get(), hyper = e.model.hyper
        let values = try e.activations(PatchSet(), at: Site.all(hyper))
        #expect(values.count == Site.all(hyper).count)
        for l in 0..<hyper.encoderLayers {
            for point in Site.Point.encoderComponents { #expect(values[Site(.encoder, l, point)] == e.cleanEncoder.value(Site(.encoder, l, point))) }
        }
        #expect(values[.encoderOut(layers: hyper.encoderLayers)] == e.cleanEncoder.out)
        for l in 0..<hyper.decoderLayers {
            for point in Site.Point.decoderComponents { #expect(values[Site(.decoder, l, point)] == e.clean.decoder.value(Site(.decoder, l, point)), "dec.\(l).\(point.name)") }
        }
        let context = e.model.encoder.blocks[2].attention.context(e.cleanEncoder.residPre[2])
        #expect(values[Site(.encoder, 2, .head(3))] == context.columns((3 * hyper.headDim)..<(4 * hyper.headDim)))
        let afterSelf = e.clean.decoder.residPre[1] + e.clean.decoder.selfOut[1]
        let cross = e.model.decoder.blocks[1].crossAttention.context(afterSelf, kv: e.cleanKV[1])
        #expect(values[Site(.decoder, 1, .crossHead(2))]!.maxAbsDifference(cross.columns((2 * hyper.headDim)..<(3 * hyper.headDim))) <= 1e-6)
    }

    /// Under patches and an attention window, the activations equal the engine's run of the same
    /// set (from scratch), and a patched site holds its patched value.
    @Test func patchedActivationsAreThePatchedRun() throws {
        let e = try Self.shared.get(), hyper = e.model.hyper
        let patch = try Patch.parse("enc.2.resid_post@10:60=zero", hyper: hyper, frames: hyper.audioPositions, tokens: e.tokenPositions)
        let decoderPatch = try Patch.parse("dec.1.cross_out@2:5=silence", hyper: hyper, frames: hyper.audioPositions, tokens: e.tokenPositions)
        for set in [PatchSet([patch, decoderPatch]), PatchSet([patch], attentionWindow: 30)] {
            let run = try e.run(set, useMemo: false, incremental: false)
            let sites = [Site(.encoder, 2, .residPost), .encoderOut(layers: hyper.encoderLayers)] + (0..<hyper.decoderLayers).flatMap { l in
                Site.Point.decoderComponents.map { Site(.decoder, l, $0) } }
            let values = try e.activations(set, at: sites)
            #expect(values[.encoderOut(layers: hyper.encoderLayers)] == run.encoderOut, "\(set)")
            for site in sites where site.stack == .decoder { #expect(values[site] == run.decoder.value(site), "\(set) \(site)") }
            let patched = values[Site(.encoder, 2, .residPost)]!
            #expect((10..<60).allSatisfy { r in patched.row(r).allSatisfy { $0 == 0 } })
        }
    }

    /// Patterns name the sites of the model in its order; a pattern that names none is refused.
    @Test func sitePatternsExpandOverTheModel() throws {
        let hyper = try TestSupport.model("tiny.en").hyper
        #expect(try Site.matching("enc.*.resid_post", hyper: hyper).map(\.description) == (0..<4).map { "enc.\($0).resid_post" })
        #expect(try Site.matching("dec.1.cross_head.*", hyper: hyper).count == hyper.decoderHeads)
        #expect(try Site.matching("enc.out", hyper: hyper) == [.encoderOut(layers: 4)])
        #expect(throws: InputError("enc.*.cross_out", "matches no site of this model (sites look like enc.3.resid_post, enc.out, dec.1.cross_head.2)")) {
            try Site.matching("enc.*.cross_out", hyper: hyper)
        }
        #expect(throws: InputError("enc.9.resid_post", "layer 9 out of range (the encoder has layers 0 to 3)")) { try Site.matching("enc.9.resid_post", hyper: hyper) }
    }
}
