import Foundation
import Model

/// A reproducible labelled data set spoken by espeak-ng (paper-methods §3's probe labels):
/// `sentences.tsv` varies speaker gender (espeak-ng's male and female voice variants), speaking
/// rate, and clean against noisy (white or babble noise at set SNRs); `words.tsv` holds single
/// words of three semantic categories. Same inputs, same files: noise comes from a seeded generator.
public enum SyntheticSet {
    static let sentences = [
        "The lamp on the desk was still warm when she came back.",
        "We should leave early if the road is covered in snow.",
        "He counted the coins twice before paying for the bread.",
        "A small boat drifted slowly past the old stone bridge.",
        "Please write your name at the top of every page.",
        "The meeting moved to the room at the end of the hall.",
        "Rain fell all night and the river rose by morning.",
        "They painted the fence green to match the garden door.",
        "My brother keeps his bicycle in the shed behind the house.",
        "The train to the coast leaves at half past nine.",
        "She found the letter folded inside an empty book.",
        "Turn left at the bakery and walk up the hill.",
    ]
    static let male = ["m1", "m2", "m3", "m4", "m5"]
    static let female = ["f1", "f2", "f3", "f4", "f5"]
    static let rates = [("slow", 130), ("normal", 175), ("fast", 220)]
    static let snrs = [0.0, 5.0, 10.0]
    public static let categories: [(String, [String])] = [
        ("fruit", ["apple", "banana", "cherry", "grape", "lemon", "mango", "orange", "peach", "pear", "plum",
                   "apricot", "melon", "lime", "papaya", "kiwi", "coconut", "fig", "raspberry", "strawberry", "pineapple"]),
        ("clothing", ["shirt", "jacket", "trousers", "sweater", "scarf", "glove", "sock", "coat", "dress", "skirt",
                      "hat", "boot", "belt", "blouse", "vest", "jeans", "sandal", "tie", "hoodie", "raincoat"]),
        ("animal", ["horse", "rabbit", "tiger", "monkey", "donkey", "camel", "zebra", "wolf", "otter", "beaver",
                    "lion", "sheep", "goat", "mouse", "elephant", "giraffe", "kangaroo", "squirrel", "turtle", "dolphin"]),
    ]

    /// Writes `OUT/sentences.tsv`, `OUT/words.tsv` and their WAV files (16 kHz, 16-bit).
    /// `progress(done, total)` is called after each clip.
    public static func generate(into out: URL, progress: (Int, Int) -> Void = { _, _ in }) throws {
        let fm = FileManager.default
        do {
            for sub in ["sentences", "words"] { try fm.createDirectory(at: out.appendingPathComponent(sub), withIntermediateDirectories: true) }
        } catch {
            throw InputError(out.path, "cannot create the folder (\(FileProblem.describe(error, reading: "folder")))")
        }
        let voices = male.map { ($0, "male") } + female.map { ($0, "female") }
        let total = sentences.count * voices.count + categories.reduce(0) { $0 + $1.1.count } * 2
        var done = 0
        // Sentences: every sentence in every voice; rate and noise alternate so each label is
        // balanced across the others.
        var clean: [[Float]] = []
        var plan: [(name: String, gender: String, rate: String, voice: String, text: String)] = []
        for (s, text) in sentences.enumerated() {
            for (v, voice) in voices.enumerated() {
                let (rateName, wpm) = rates[(s + 2 * v) % rates.count]
                clean.append(try speak(text, voice: voice.0, wpm: wpm))
                plan.append((String(format: "sentences/s%02d-%@.wav", s, voice.0), voice.1, rateName, "en-us+\(voice.0)", text))
            }
        }
        var rng = Gaussian(seed: 20_251_127)
        // Who spoke each clip and what it says, for grouped folds and for scoring against the text.
        let synth = "espeak-ng\t\(try espeakVersion())"
        var tsv = "path\tgender\trate\tnoise\tnoise_type\tsnr_db\tvoice\tsynthesizer\tsynth_version\ttext\n"
        for (i, item) in plan.enumerated() {
            let noisy = (i + i / voices.count) % 2 == 1
            var samples = clean[i]
            var type = "none", snr = ""
            if noisy {
                let k = i / 2
                type = k % 2 == 0 ? "white" : "babble"
                let db = snrs[(k / 2) % snrs.count]
                snr = String(format: "%g", db)
                let noise = type == "white"
                    ? (0..<samples.count).map { _ in rng.next() }
                    : babble(from: clean, excluding: i, length: samples.count, rng: &rng)
                samples = mix(samples, noise: noise, snrDB: db)
            }
            try AudioWriter.writeWAV(samples, to: out.appendingPathComponent(item.name).path)
            tsv += "\(item.name)\t\(item.gender)\t\(item.rate)\t\(noisy ? "noisy" : "clean")\t\(type)\t\(snr)\t\(item.voice)\t\(synth)\t\(item.text)\n"
            done += 1
            progress(done, total)
        }
        try AtomicFile.write(tsv, to: out.appendingPathComponent("sentences.tsv").path)
        // Words: every word in one male and one female voice.
        var words = "path\tcategory\tword\tgender\tvoice\tsynthesizer\tsynth_version\ttext\n"
        for (category, list) in categories {
            for word in list {
                for (voice, gender) in [("m3", "male"), ("f3", "female")] {
                    let name = "words/\(word)-\(voice).wav"
                    try AudioWriter.writeWAV(try speak(word, voice: voice, wpm: 150), to: out.appendingPathComponent(name).path)
                    words += "\(name)\t\(category)\t\(word)\t\(gender)\ten-us+\(voice)\t\(synth)\t\(word)\n"
                    done += 1
                    progress(done, total)
                }
            }
        }
        try AtomicFile.write(words, to: out.appendingPathComponent("words.tsv").path)
    }

    /// espeak-ng's version, as `espeak-ng --version` prints it ("1.51").
    static func espeakVersion() throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["espeak-ng", "--version"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw InputError("espeak-ng", "cannot be started (install the espeak-ng package)") }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // "eSpeak NG text-to-speech: 1.51  Data at: …"
        return text.split(separator: ":").dropFirst().first?.split(separator: " ").first.map(String.init) ?? "unknown"
    }

    /// espeak-ng's rendering of `text` (US English, a voice variant), as 16 kHz samples.
    static func speak(_ text: String, voice: String, wpm: Int) throws -> [Float] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["espeak-ng", "-v", "en-us+\(voice)", "-s", "\(wpm)", "--stdout", text]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw InputError("espeak-ng", "cannot be started (install the espeak-ng package)") }
        let wav = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, !wav.isEmpty else {
            throw InputError("espeak-ng", "failed (status \(p.terminationStatus)) for voice en-us+\(voice); is the espeak-ng package installed?")
        }
        return try AudioFile.load(encoded: [UInt8](wav), name: "espeak-ng “\(text)”")
    }

    /// Four other utterances summed and looped to `length`: crowd-like speech noise.
    static func babble(from clips: [[Float]], excluding i: Int, length: Int, rng: inout Gaussian) -> [Float] {
        var out = [Float](repeating: 0, count: length)
        for _ in 0..<4 {
            var j = Int(rng.bits() % UInt64(clips.count))
            if j == i { j = (j + 1) % clips.count }
            let c = clips[j], shift = Int(rng.bits() % UInt64(max(1, c.count)))
            for t in 0..<length { out[t] += c[(t + shift) % c.count] }
        }
        return out
    }

    /// `speech + noise`, the noise scaled so that 10·log10(P_speech / P_noise) = snrDB.
    public static func mix(_ speech: [Float], noise: [Float], snrDB: Double) -> [Float] {
        func power(_ x: [Float]) -> Double { x.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count)) }
        let scale = Float((power(speech) / max(power(noise), 1e-12) / pow(10, snrDB / 10)).squareRoot())
        var out = speech
        for t in out.indices { out[t] += scale * noise[t] }
        // Keep the mixture inside [-1, 1] without changing its SNR.
        let peak = out.reduce(0) { max($0, abs($1)) }
        if peak > 0.99 { for t in out.indices { out[t] *= 0.99 / peak } }
        return out
    }
}
