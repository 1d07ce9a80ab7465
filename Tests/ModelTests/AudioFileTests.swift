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

    /// A pipe cannot be seeked, which libsndfile needs to recognise a format: `<(sox …)` and
    /// `/dev/stdin` are read into memory and give the file's samples, as do the file's bytes.
    @Test(arguments: ["wav", "flac"])
    func audioThroughAPipeOrFromBytesGivesTheFilesSamples(ext: String) throws {
        let path = try convert([], ext: ext)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat \"$0\" > \"$1\"", path, fifo]
        try writer.run()
        let fromPipe = try AudioFile.load(fifo)
        writer.waitUntilExit()
        let fromFile = try AudioFile.load(path)
        #expect(fromPipe == fromFile && fromFile.count > 16_000)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try AudioFile.load(encoded: bytes, name: "bytes") == fromFile)
        #expect(throws: InputError.self) { try AudioFile.load(encoded: Array(bytes.prefix(30)), name: "bytes") }
        if ext == "wav" {   // a WAV cut short in a pipe says so, as the same file on disk does
            #expect(throws: InputError.self) { try AudioFile.load(encoded: Array(bytes.prefix(3000)), name: "bytes") }
        }
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
    /// A WAV cut off inside its header is called cut off, wherever the cut falls (a trial found
    /// "its fmt chunk is too short (16 bytes; a WAV's needs 16)" and libsndfile's own sentence).
    @Test(arguments: [14, 20, 25, 30, 36, 40, 41, 43])
    func aWAVCutInsideItsHeaderIsCalledCutOff(bytes: Int) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-cut-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(contentsOf: URL(fileURLWithPath: Self.source)).prefix(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: InputError.self) { try AudioFile.load(path) }
        #expect(error?.problem == "is cut off inside its header (the file is \(bytes) bytes, and its audio would follow the header)")
    }

    /// A mono 16 kHz 32-bit float WAV of `samples` (any values, beyond full scale too).
    static func floatWAV(_ samples: [Float]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-float-\(UUID().uuidString).wav").path
        var data = Data("RIFF".utf8)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        u32(36 + 4 * samples.count); data.append(contentsOf: Data("WAVEfmt ".utf8))
        u32(16); u16(3); u16(1); u32(16_000); u32(64_000); u16(4); u16(32)
        data.append(contentsOf: Data("data".utf8)); u32(4 * samples.count)
        for s in samples { withUnsafeBytes(of: s.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// faster-whisper clips samples beyond full scale when it decodes to 16 bits, and so do we;
    /// from 0.1 % of the samples that is reported (once per file), below it nothing is said.
    @Test func clippingIsClampedLikeFasterWhisperAndReportedFromOneTenthOfAPercent() throws {
        final class Seen: @unchecked Sendable { let lock = NSLock(); var lines: [String] = [] }
        let seen = Seen()
        Warnings.setHandler { subject, problem in seen.lock.lock(); seen.lines.append("\(subject): \(problem)"); seen.lock.unlock() }
        defer { Warnings.setHandler { _, _ in } }
        func samples(over: Int) -> [Float] { (0..<16_000).map { $0 < over ? 3 : 0.5 * sin(Float($0) / 10) } }
        let quiet = try Self.floatWAV(samples(over: 15)), loud = try Self.floatWAV(samples(over: 16))
        defer { for p in [quiet, loud] { try? FileManager.default.removeItem(atPath: p) } }
        let loaded = try AudioFile.load(loud)
        #expect(loaded[0] == 32767 / 32768 && loaded.allSatisfy { abs($0) <= 1 }, "clamped to the int16 grid")
        _ = try AudioFile.load(quiet)
        seen.lock.lock(); let all = seen.lines; seen.lock.unlock()
        let lines = all.filter { $0.hasPrefix(quiet) || $0.hasPrefix(loud) }
        #expect(lines == ["\(loud): 0.1% of its samples lie beyond full scale (peak 3.00× full scale) and were clipped, as faster-whisper clips them; is its level right?"])
    }

    /// -1.0 is the int16 grid's own -32768: a file saturated at both full-scale ends (a loud
    /// 16-bit recording) holds nothing beyond full scale, and nothing is said about clipping.
    @Test func fullScaleNegativeSamplesAreNotReportedAsClipped() throws {
        final class Seen: @unchecked Sendable { let lock = NSLock(); var lines: [String] = [] }
        let seen = Seen()
        Warnings.setHandler { subject, problem in seen.lock.lock(); seen.lines.append("\(subject): \(problem)"); seen.lock.unlock() }
        defer { Warnings.setHandler { _, _ in } }
        let saturated = try Self.floatWAV((0..<16_000).map { $0 % 2 == 0 ? -1 : 32767 / 32768 })
        defer { try? FileManager.default.removeItem(atPath: saturated) }
        let loaded = try AudioFile.load(saturated)
        #expect(loaded[0] == -1 && loaded[1] == 32767 / 32768, "full scale stays full scale")
        seen.lock.lock(); let lines = seen.lines.filter { $0.hasPrefix(saturated) }; seen.lock.unlock()
        #expect(lines.isEmpty, "\(lines)")
    }
}
