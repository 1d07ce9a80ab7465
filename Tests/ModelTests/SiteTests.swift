import Foundation
import Model
import Testing

/// Site and patch parsing, round trips and errors.
@Suite struct SiteTests {
    func hyper() throws -> Hyperparameters { try TestSupport.model("tiny.en").hyper }

    @Test(arguments: ["enc.0.resid_pre", "enc.3.attn_out", "enc.2.mlp_out", "enc.1.resid_post", "enc.2.head.5", "enc.out",
                      "dec.0.resid_pre", "dec.1.self_out", "dec.2.cross_out", "dec.3.mlp_out", "dec.3.resid_post", "dec.0.cross_head.4",
                      "dec.2.self_head.1"])
    func sitesRoundTrip(text: String) throws {
        #expect(try Site.parse(text, hyper: hyper()).description == text)
    }

    @Test func transformerLensNamesFollowHookPoints() throws {
        #expect(try Site.parse("enc.3.resid_post", hyper: hyper()).transformerLensName == "encoder.blocks.3.hook_resid_post")
        #expect(try Site.parse("dec.1.cross_out", hyper: hyper()).transformerLensName == "decoder.blocks.1.hook_cross_attn_out")
    }

    @Test(arguments: [("enc.9.resid_post", "layer 9 out of range"), ("enc.1.cross_out", "unknown site"), ("enc.2.resid_pst", "unknown site; did you mean enc.2.resid_post?"),
                      ("foo", "unknown site"), ("enc.1.head.6", "head 6 out of range"), ("dec.-1.mlp_out", "layer -1 out of range")])
    func badSitesSayWhatIsAllowed(text: String, problem: String) throws {
        let error = #expect(throws: InputError.self) { try Site.parse(text, hyper: hyper()) }
        #expect(error?.subject == text)
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
    }

    @Test func patchParsesAllSources() throws {
        for source in ["zero", "mean", "noise:0.5:7", "noise:1:0", "silence", "clip:/tmp/x.wav", "scale:0.5", "scale:3"] {
            let p = try Patch.parse("enc.3.resid_post@100:150=\(source)", hyper: hyper(), frames: 1500, tokens: 10)
            #expect(p.description == "enc.3.resid_post@100:150=\(source)")
        }
    }

    @Test(arguments: [("enc.3.resid_post@1400:1600=zero", "positions out of range"), ("enc.3.resid_post@5:2=zero", "reversed range"),
                      ("enc.3.resid_post@150:100=zero", "reversed range (A:B needs A < B)"), ("enc.3.resid_post@100:100=zero", "empty range"),
                      ("dec.0.mlp_out@0:20=zero", "the transcript's tokens are 0:10"), ("enc.3.resid_post@x=zero", "malformed positions"),
                      ("enc.3.resid_post=zero", "malformed patch"), ("enc.3.resid_post@all=blue", "unknown patch source"), ("enc.3.resid_post@all=silnce", "unknown patch source; did you mean silence?"),
                      ("enc.3.resid_post@all=noise:1", "noise needs")])
    func badPatchesAreExplained(text: String, problem: String) throws {
        let error = #expect(throws: InputError.self) { try Patch.parse(text, hyper: hyper(), frames: 1500, tokens: 10) }
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
    }
}
