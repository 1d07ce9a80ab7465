import Foundation
import Model

/// A reproducible labelled data set spoken by several synthesizers (paper-methods §3's probe
/// labels): `sentences.tsv` varies speaker gender, speaking rate, and clean against noisy (white
/// or babble noise at set SNRs); `words.tsv` holds single words of three semantic categories.
/// Every row names its speaker, voice, synthesizer and the synthesizer's version, and the text
/// spoken. Same inputs, same files: noise comes from a seeded generator.
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
    /// Speaking rates as espeak-ng's words per minute; other synthesizers stretch durations by 175 / wpm.
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

    /// The voices words are spoken in: one male and one female voice of each synthesizer.
    static func wordVoices(_ synth: Synthesizer) -> [Voice] {
        let names: [String] = switch synth {
        case .espeak: ["en-us+m3", "en-us+f3"]
        case .flite: ["rms", "slt"]
        case .festival: ["kal_diphone", "cmu_us_slt_arctic_hts"]
        }
        return synth.voices.filter { names.contains($0.name) }
    }

    /// The TSV files a data set holds.
    static let fileNames: Set<String> = ["sentences.tsv", "words.tsv"]

    /// Writes `OUT/sentences.tsv`, `OUT/words.tsv` and their WAV files (16 kHz, 16-bit), spoken
    /// by `synthesizers`, and `OUT/dataset.json` naming `command`, the asrlens commit and the
    /// synthesizers' versions. `progress(done, total)` is called after each clip.
    /// A folder holding a data set made by another command is refused unless `replace`.
    public static func generate(into out: URL, synthesizers: [Synthesizer] = Synthesizer.allCases, command: String = "asrlens dataset synth",
                                replace: Bool = false, progress: (Int, Int) -> Void = { _, _ in }) throws {
        // Every program and voice is checked before the first clip, so a missing one fails at once.
        var versions: [Synthesizer: String] = [:]
        for s in synthesizers { versions[s] = try s.version() }
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: out.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw InputError(out.path, "is not a folder; name a folder for the data set (it is made if missing)")
        }
        // Another command's data set, or TSV files no manifest accounts for, are not replaced
        // unasked: the TSV files would list clips that are gone, and a report on the set would
        // name the wrong command.
        if !replace {
            if let made = DatasetManifest.read(in: out) {
                if made.command != command {
                    throw InputError(out.path, "holds a data set made by `\(made.command)`; give --force to replace it, or name another folder")
                }
            } else if let held = ([DatasetManifest.fileName] + fileNames.sorted()).first(where: { fm.fileExists(atPath: out.appendingPathComponent($0).path) }) {
                let what = held == DatasetManifest.fileName ? "a \(held) that asrlens cannot read" : "\(held), which no \(DatasetManifest.fileName) accounts for"
                throw InputError(out.path, "holds \(what); give --force to replace it, or name another folder")
            }
        } else {
            // Replacing: clips of the old set that the new one does not make must not stay behind.
            for sub in ["sentences", "words"] {
                let folder = out.appendingPathComponent(sub)
                for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".wav") {
                    try? fm.removeItem(at: folder.appendingPathComponent(name))
                }
            }
        }
        do {
            for sub in ["sentences", "words"] { try fm.createDirectory(at: out.appendingPathComponent(sub), withIntermediateDirectories: true) }
        } catch {
            throw InputError(out.path, "cannot create the folder (\(FileProblem.describe(error, reading: "folder")))")
        }
        let voices = synthesizers.flatMap(\.voices), wordVoices = synthesizers.flatMap(wordVoices)
        let total = sentences.count * voices.count + categories.reduce(0) { $0 + $1.1.count } * wordVoices.count
        var done = 0
        func describe(_ v: Voice) -> String { "\(v.speaker)\t\(v.name)\t\(v.synthesizer.rawValue)\t\(versions[v.synthesizer]!)" }
        // Sentences: every sentence in every voice; rate and noise alternate so each label is
        // balanced across the others.
        var clean: [[Float]] = []
        var plan: [(name: String, voice: Voice, rate: String, text: String)] = []
        for (s, text) in sentences.enumerated() {
            for (v, voice) in voices.enumerated() {
                let (rateName, wpm) = rates[(s + 2 * v) % rates.count]
                clean.append(try voice.synthesizer.speak(text, voice: voice, stretch: 175 / Double(wpm)))
                plan.append((String(format: "sentences/s%02d-%@.wav", s, voice.tag), voice, rateName, text))
                done += 1
                progress(done, total)
            }
        }
        var rng = Gaussian(seed: 20_251_127)
        var tsv = "path\tgender\trate\tnoise\tnoise_type\tsnr_db\tspeaker\tvoice\tsynthesizer\tsynth_version\ttext\n"
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
            tsv += "\(item.name)\t\(item.voice.gender)\t\(item.rate)\t\(noisy ? "noisy" : "clean")\t\(type)\t\(snr)\t\(describe(item.voice))\t\(item.text)\n"
        }
        try AtomicFile.write(tsv, to: out.appendingPathComponent("sentences.tsv").path)
        // Words: every word in one male and one female voice of each synthesizer.
        var words = "path\tcategory\tword\tgender\tspeaker\tvoice\tsynthesizer\tsynth_version\ttext\n"
        for (category, list) in categories {
            for word in list {
                for voice in wordVoices {
                    let name = "words/\(word)-\(voice.tag).wav"
                    try AudioWriter.writeWAV(try voice.synthesizer.speak(word, voice: voice, stretch: 175 / 150), to: out.appendingPathComponent(name).path)
                    words += "\(name)\t\(category)\t\(word)\t\(voice.gender)\t\(describe(voice))\t\(word)\n"
                    done += 1
                    progress(done, total)
                }
            }
        }
        try AtomicFile.write(words, to: out.appendingPathComponent("words.tsv").path)
        let hashes = [("sentences.tsv", tsv), ("words.tsv", words)].map { ($0.0, Array($0.1.utf8).withUnsafeBytes { SHA256.hex(of: $0) }) }
        let manifest = DatasetManifest(command: command, synthesizers: Dictionary(uniqueKeysWithValues: versions.map { ($0.key.rawValue, $0.value) }),
                                       files: Dictionary(uniqueKeysWithValues: hashes))
        try AtomicFile.write(try JSONText.encode(manifest) + "\n", to: out.appendingPathComponent(DatasetManifest.fileName).path)
    }

    /// espeak-ng's rendering of `text` in voice variant `variant` (US English) at `wpm` words per minute.
    static func speak(_ text: String, variant: String, wpm: Int) throws -> [Float] {
        let voice = Synthesizer.espeak.voices.first { $0.name == "en-us+\(variant)" }!
        return try Synthesizer.espeak.speak(text, voice: voice, stretch: 175 / Double(wpm))
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
