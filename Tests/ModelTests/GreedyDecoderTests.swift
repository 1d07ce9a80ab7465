import Foundation
import Testing
import Model

/// Decoding rules on spec §9's synthetic input and on hand-made logits.
@Suite struct GreedyDecoderTests {
    func kv(_ model: WhisperModel) -> [Matrix] {
        let f = LogMel(nMels: model.hyper.nMels)(LogMelTests.synthetic)
        return model.decoder.crossKeysValues(model.encoder(Transcriber.window(f, from: 0, count: f.cols - 1)))
    }

    @Test func tinyEnSyntheticMatchesCTranslate2() throws {
        let m = try TestSupport.model("tiny.en")
        let r = GreedyDecoder(decoder: m.decoder, specials: m.specials, config: m.config)
            .decode(prompt: [50257, 50362], kv: kv(m), timestamps: false)
        #expect(r.tokens == [764])
        #expect(abs(r.noSpeechProb - 0.838441) < 1e-3)
        // CT2 score = Σ logprob / tokens = −3.022489 (EOT included in the sum).
        #expect(abs(r.sumLogprob / Float(r.tokens.count) - -3.022489) < 1e-3)
    }

    @Test func baseSyntheticMatchesCTranslate2() throws {
        let m = try TestSupport.model("base")
        let r = GreedyDecoder(decoder: m.decoder, specials: m.specials, config: m.config)
            .decode(prompt: [50258, 50259, 50359, 50363], kv: kv(m), timestamps: false)
        #expect(r.tokens == [286])
        #expect(abs(r.noSpeechProb - 0.627230) < 1e-3)
    }

    @Test func promptLengthCoversTheSpecialRunAfterSot() throws {
        let m = try TestSupport.model("base")
        let g = GreedyDecoder(decoder: m.decoder, specials: m.specials, config: m.config)
        #expect(g.promptLength([50258, 50259, 50359, 50363]) == 4)
        #expect(g.promptLength([50361, 100, 200, 50258, 50259, 50359]) == 6)
        #expect(g.promptLength([50258, 50259, 50359, 50364, 400]) == 3)
    }

    @Test func argmaxTiesGoToTheLowestId() {
        #expect(GreedyDecoder.argmax([0, 3, 1, 3, 2]) == 1)
    }

    @Test func timestampRulesAtTheFirstStep() throws {
        let m = try TestSupport.model("tiny.en")
        let s = m.specials
        let filter = LogitFilter(specials: s, suppress: m.config.suppressIDs, suppressAtBegin: m.config.suppressIDsBegin,
                                 timestamps: true, maxInitialTimestampIndex: 50)
        var logits = [Float](repeating: 0, count: m.hyper.vocabularySize)
        filter.apply(&logits, generated: [], sampleBegin: 0)
        let allowed = logits.indices.filter { logits[$0] > LogitFilter.disabled }
        #expect(allowed == Array(s.timestampBegin...(s.timestampBegin + 50)))
    }

    @Test func timestampsMustIncreaseAfterText() throws {
        let m = try TestSupport.model("tiny.en")
        let s = m.specials
        let filter = LogitFilter(specials: s, suppress: [], suppressAtBegin: [], timestamps: true, maxInitialTimestampIndex: 50)
        var logits = [Float](repeating: 0, count: m.hyper.vocabularySize)
        logits[400] = 30   // a strong text token keeps the "force a timestamp" rule quiet
        filter.apply(&logits, generated: [s.timestampBegin + 5, 400], sampleBegin: 0)
        #expect(logits[s.timestampBegin + 5] == LogitFilter.disabled)
        #expect(logits[s.timestampBegin + 6] > LogitFilter.disabled)
        #expect(logits[s.noTimestamps] == LogitFilter.disabled)
        // After a closed pair, only text (or EOT) may follow.
        var pair = [Float](repeating: 0, count: m.hyper.vocabularySize)
        filter.apply(&pair, generated: [s.timestampBegin, 400, s.timestampBegin + 9, s.timestampBegin + 9], sampleBegin: 0)
        #expect(pair[s.timestampBegin + 20] == LogitFilter.disabled)
        #expect(pair[400] > LogitFilter.disabled)
    }
}
