import Foundation
import Model
import Testing

/// Reading audio through libsndfile and libsoxr: formats, channels and rates (files made by sox).
@Suite struct AudioFileTests {
    static let source = "/usr/share/pocketsphinx/test/data/cards/001.wav"

    /// Converts the source clip with sox into a temporary file.
    func convert(_ args: [String], ext: String) throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-audio-\(UUID().uuidString).\(ext)").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["-R", Self.source] + args + [out]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "sox \(args) failed")
        return out
    }

    /// Lossless re-encodings must give exactly the samples of the 16-bit original.
    @Test(arguments: [(["-b", "24"], "wav"), (["-b", "32"], "wav"), (["-e", "floating-point", "-b", "32"], "wav"),
                      ([], "flac"), (["-c", "2"], "wav"), (["-c", "6"], "wav")])
    func losslessFormatsGiveIdenticalSamples(args: [String], ext: String) throws {
        let original = try AudioFile.load(Self.source)
        let path = try convert(args, ext: ext)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try AudioFile.load(path) == original)
    }

    /// Lossy encodings and other rates still give the transcript.
    @Test(arguments: [(["-b", "8"], "wav"), ([], "ogg"), (["-r", "44100"], "wav"), (["-r", "48000"], "wav"),
                      (["-r", "8000"], "wav")])
    func lossyFormatsAndOtherRatesTranscribe(args: [String], ext: String) throws {
        let path = try convert(args, ext: ext)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let samples = try AudioFile.load(path)
        #expect(abs(samples.count - 17526) < 40, "resampled length \(samples.count)")
        let t = try Transcriber(model: TestSupport.model("tiny.en")).transcribe(samples: samples, options: .init())
        #expect(t.text.lowercased().contains("of clubs") || t.text.lowercased().contains("of clues"), "got \(t.text)")
    }

    @Test func resamplerKeepsDurationAndTone() throws {
        let rate = 44_100
        let tone = (0..<rate).map { Float(sin(2 * Double.pi * 440 * Double($0) / Double(rate))) * 0.5 }
        let out = try Resampler.resample(tone, from: rate, to: 16_000, source: "tone")
        #expect(abs(out.count - 16_000) <= 2)
        // A 440 Hz sine at 16 kHz: compare against the analytic samples away from the edges.
        var worst: Float = 0
        for i in 1000..<15000 { worst = max(worst, abs(out[i] - Float(sin(2 * Double.pi * 440 * Double(i) / 16000)) * 0.5)) }
        #expect(worst < 1e-3)
    }

    @Test func nanSamplesAreRejected() throws {
        let path = try convert(["-e", "floating-point", "-b", "32"], ext: "wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let nan = Float.nan.bitPattern
        withUnsafeBytes(of: nan.littleEndian) { data.replaceSubrange((data.count - 8)..<(data.count - 4), with: $0) }
        try data.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: InputError.self) { try AudioFile.load(path) }
        #expect(error?.problem.contains("NaN") == true)
    }
}
