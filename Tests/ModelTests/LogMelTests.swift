import Foundation
import Testing
import Model

/// The front end against faster-whisper's values (spec §9 and the cards/001 fixture).
@Suite struct LogMelTests {
    /// Spec §9's synthetic input: two sines, computed in Double then cast.
    static let synthetic: [Float] = (0..<32000).map { n in
        let t = Double(n) / 16000
        return Float(0.5 * sin(2 * .pi * 440 * t) + 0.25 * sin(2 * .pi * 1000 * t + 0.3))
    }

    @Test func syntheticFeaturesMatchFasterWhisper() {
        let f = LogMel(nMels: 80)(Self.synthetic)
        #expect(f.rows == 80 && f.cols == 201)
        let tol: Float = 2e-5
        #expect(abs(f.data.min()! - -0.5617962) < tol)
        #expect(abs(f.data.max()! - 1.4382038) < tol)
        #expect(abs(f.data.reduce(0.0) { $0 + Double($1) } / Double(f.data.count) - -0.3687299) < 1e-6)
        for (i, want) in [Float(1.0237988), 0.5114937, -0.5617962, -0.5617962].enumerated() {
            #expect(abs(f[0, i] - want) < tol, "f[0,\(i)] = \(f[0, i]), want \(want)")
        }
        #expect(abs(f[79, 200] - -0.42398798) < tol)
    }

    @Test func realClipFeaturesMatchFasterWhisper() throws {
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: TestSupport.fixture("encoder/tiny.en-cards-001.json"))) as! [String: Any]
        let samples = try AudioFile.load(meta["file"] as! String)
        #expect(samples.count == meta["num_samples"] as! Int)
        let f = LogMel(nMels: 80)(samples)
        #expect([f.rows, f.cols] == meta["features_shape"] as! [Int])
        #expect(abs(f.data.max()! - Float(meta["features_max"] as! Double)) < 1e-5)
        let columns = meta["features_first_frames"] as! [[Double]]
        var worst: Float = 0
        for (t, column) in columns.enumerated() {
            for (m, want) in column.enumerated() { worst = max(worst, abs(f[m, t] - Float(want))) }
        }
        #expect(worst < 1e-4, "max |diff| over the first frames: \(worst)")
    }

    /// A streamed file gives bit-identical features to the loaded one, on a clip of several
    /// 2048-frame chunks (the chunk edges, the reflection at both ends and the padding zeros).
    @Test func streamedFeaturesEqualLoadedFeaturesBitForBit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let parts = ["0870", "0890", "0930", "0870", "0890", "0930", "0870"].map { TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-\($0).wav").path }
        var samples: [Float] = []
        for p in parts + parts { samples += try AudioFile.load(p) }
        let long = dir.appendingPathComponent("long.wav").path
        try AudioWriter.writeWAV(samples, to: long)
        for path in [long, parts[2]] {
            let stream = try #require(try AudioStream.open(path), "a 16 kHz WAV streams")
            let streamed = try LogMel(nMels: 80)(stream)
            let loaded = LogMel(nMels: 80)(try AudioFile.load(path))
            #expect(streamed.cols == loaded.cols && streamed.cols > (path == long ? 4096 : 0))
            #expect(streamed.data == loaded.data, "\(path): streamed and loaded features differ")
        }
    }

    /// The analysis reads one window of a long file after a pass for the maximum: its frames
    /// equal that slice of the whole file's features bit for bit, across chunk edges, at the
    /// end, out of order (seeking back), and from samples held in memory alike.
    @Test func windowFeaturesEqualTheSliceOfTheWholeFilesBitForBit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-window-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var samples: [Float] = []
        for id in ["0870", "0890", "0930", "0870", "0890", "0930", "0870", "0890", "0930", "0870", "0890", "0930"] {
            samples += try AudioFile.load(TestSupport.root.appendingPathComponent("assets/sense-and-sensibility-\(id).wav").path)
        }
        let path = dir.appendingPathComponent("long.wav").path
        try AudioWriter.writeWAV(samples, to: path)
        // The file as read (the writer's rounding is not what is tested).
        let read = try AudioFile.load(path)
        let whole = LogMel(nMels: 80)(read)
        let streamed = try ClipAudio.open(path, nMels: 80), held = ClipAudio(samples: read, nMels: 80)
        #expect(streamed.frameCount == whole.cols && whole.cols > 6000)
        for range in [2000..<5000, (whole.cols - 3000)..<whole.cols, 0..<3000, 4096..<4097] {
            let want = Transcriber.window(whole, from: range.lowerBound, count: range.count)
            for audio in [streamed, held] {
                let got = Transcriber.window(try audio.features(range), from: 0, count: range.count)
                let differing = zip(got.data, want.data).filter { $0 != $1 }.count
                #expect(differing == 0, "frames \(range) of \(audio.name): \(differing) values differ from the whole file's")
            }
        }
    }

    @Test func filterbankMatchesSlaneyNormalisation() {
        let filters = MelFilterbank.make(nMels: 80)
        // Each Slaney-normalised triangle integrates to about 1 over frequency in Hz / 40 Hz bins.
        #expect(filters.count == 80 * 201)
        #expect(filters.allSatisfy { $0 >= 0 })
        #expect(MelFilterbank.melToHz(MelFilterbank.hzToMel(8000)) - 8000 < 1e-9)
        #expect(abs(MelFilterbank.hzToMel(8000) - 45.245640471924965) < 1e-12)
    }

    @Test func reflectPaddingMatchesNumPyForShortInputs() {
        // numpy.pad(arange(3), 5, mode="reflect") → [1 0 1 2 1 | 0 1 2 | 1 0 1 2 1]
        let got = (-5..<8).map { LogMel.reflect($0, count: 3) }
        #expect(got == [1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1])
    }

    @Test func outputLengthIsSamplesOver160PlusOne() {
        for n in [1, 159, 160, 161, 480_000] {
            #expect(LogMel(nMels: 80)([Float](repeating: 0.01, count: n)).cols == n / 160 + 1)
        }
    }
}
