import Foundation
import Testing
import Model

/// Ogg Opus as FFmpeg writes it (and faster-whisper reads it through FFmpeg): the fixture is
/// `assets/sense-and-sensibility-0930.wav` encoded by FFmpeg's libopus at 48 kHz, whose first
/// granule position is offset, which libsndfile 1.2 decodes with the encoder's pre-skip left in.
@Suite struct OggOpusTests {
    static let opus = TestSupport.fixture("opus/sense-and-sensibility-0930.opus").path
    static let source = TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path

    /// The decoded audio lines up with the audio that was encoded: the pre-skip (312 samples at
    /// 48 kHz, 104 at 16 kHz) is dropped and the end is kept, so the length is the source's.
    @Test func anFFmpegOpusFileDecodesWithoutItsPreSkip() throws {
        let decoded = try AudioFile.decode(Self.opus)
        let source = try AudioFile.load(Self.source)
        #expect(decoded.rate == 48_000 && decoded.channels == 1)
        #expect(decoded.samples.count == 3 * source.count, "48 kHz frames for \(source.count) source samples")
        let opus = try AudioFile.load(Self.opus)
        // The lag at which the two agree best: 0, where libsndfile's decode gave 104.
        func distance(_ lag: Int) -> Float {
            var sum: Float = 0
            for i in 200..<(source.count - 200) { let d = opus[i + lag] - source[i]; sum += d * d }
            return sum
        }
        let best = (-150...150).min { distance($0) < distance($1) }
        #expect(best == 0, "the decode is \(best ?? 0) samples late")
        #expect(distance(0) < 0.05 * distance(104), "lossy, but far closer in time than the pre-skip's offset")
    }

    /// Tokens equal faster-whisper's on the Opus file (golden from fw_reference.py), on both models.
    @Test(arguments: ["tiny.en", "base"])
    func tokensEqualFasterWhisperOnAnOpusFile(model name: String) throws {
        let golden = try #require(try TestSupport.jsonLines(TestSupport.fixture("golden/opus-\(name).jsonl")).first)
        let model = try TestSupport.model(name)
        let t = try Transcriber(model: model).transcribe(samples: try AudioFile.load(Self.opus), options: .init())
        #expect(t.tokens == golden["tokens"] as? [Int])
        #expect(t.text == golden["text"] as? String)
    }

    /// The same bytes through a pipe decode to the same samples.
    @Test func anOpusFileThroughAPipeGivesTheFilesSamples() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.opus)))
        #expect(try AudioFile.load(encoded: bytes, name: "pipe") == AudioFile.load(Self.opus))
    }
}
