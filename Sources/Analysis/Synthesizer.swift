import Foundation
import Model

/// One voice of a text-to-speech program, with the gender a data set labels it with.
public struct Voice: Sendable, Equatable {
    public let synthesizer: Synthesizer
    /// The synthesizer's own name for it: `en-us+f3`, `slt`, `cmu_us_slt_arctic_hts`.
    public let name: String
    public let gender: String
    /// The person recorded for it. Flite's and Festival's voices share some (kal, slt), so folds
    /// grouped by speaker keep one person's voices together.
    public let speaker: String

    /// Short and unique among all voices, for file names: `f3`, `flite-slt`.
    public var tag: String {
        synthesizer == .espeak ? String(name.dropFirst("en-us+".count)) : "\(synthesizer.rawValue)-\(name)"
    }
}

/// The speech synthesizers `dataset synth` speaks with: Debian's espeak-ng (formant synthesis),
/// Flite (diphone and unit-selection voices) and Festival (diphone and HTS voices). Each runs
/// as a program; a missing one is named with the package that provides it.
public enum Synthesizer: String, CaseIterable, Sendable {
    case espeak = "espeak-ng", flite, festival

    /// The Debian packages that provide the program and its voices.
    public var packages: [String] {
        switch self {
        case .espeak: ["espeak-ng"]
        case .flite: ["flite"]
        case .festival: ["festival", "festvox-kallpc16k", "festvox-kdlpc16k", "festvox-us-slt-hts"]
        }
    }

    public var voices: [Voice] {
        func voice(_ name: String, _ gender: String, _ speaker: String) -> Voice {
            Voice(synthesizer: self, name: name, gender: gender, speaker: speaker)
        }
        switch self {
        case .espeak:
            // Variants of one formant voice; each is its own "speaker" since no person was recorded.
            return (1...5).map { voice("en-us+m\($0)", "male", "espeak-m\($0)") } + (1...5).map { voice("en-us+f\($0)", "female", "espeak-f\($0)") }
        case .flite:
            return [voice("kal", "male", "kal"), voice("kal16", "male", "kal"), voice("awb", "male", "awb"),
                    voice("rms", "male", "rms"), voice("slt", "female", "slt")]
        case .festival:
            return [voice("kal_diphone", "male", "kal"), voice("ked_diphone", "male", "ked"), voice("cmu_us_slt_arctic_hts", "female", "slt")]
        }
    }

    /// The program's version as it prints it ("1.51", "2.2", "2.5.0"); fails, naming the
    /// packages to install, when the program or one of its voices is missing.
    public func version() throws -> String {
        switch self {
        case .espeak:
            // "eSpeak NG text-to-speech: 1.51  Data at: …"
            let out = try run(["espeak-ng", "--version"]).stdout
            return out.split(separator: ":").dropFirst().first?.split(separator: " ").first.map(String.init) ?? "unknown"
        case .flite:
            // "  version: flite-2.2-current Sep 2018 (…)"; the voices are compiled in.
            let out = try run(["flite", "--version"]).stdout
            let listed = try run(["flite", "-lv"]).stdout.split(whereSeparator: \.isWhitespace).map(String.init)
            if let missing = voices.first(where: { !listed.contains($0.name) }) {
                throw InputError("flite", "has no voice '\(missing.name)' (it lists \(listed.dropFirst(2).joined(separator: " ")))")
            }
            return out.components(separatedBy: "flite-").dropFirst().first?.split(separator: "-").first.map(String.init) ?? "unknown"
        case .festival:
            // "festival: Festival Speech Synthesis System: 2.5.0:release December 2017"
            let out = try run(["festival", "--version"]).stdout
            for v in voices {
                let check = try run(["festival", "-b", "(voice_\(v.name))"])
                guard check.status == 0, !check.stderr.contains("ERROR") else {
                    throw InputError("festival", "has no voice '\(v.name)' (install Debian's \(packages.dropFirst().joined(separator: ", ")))")
                }
            }
            return out.components(separatedBy: ": ").dropFirst(2).first?.split(separator: ":").first.map(String.init) ?? "unknown"
        }
    }

    /// `text` in `voice` at `stretch` times its normal duration, as 16 kHz samples.
    public func speak(_ text: String, voice: Voice, stretch: Double) throws -> [Float] {
        precondition(voice.synthesizer == self)
        let what = "\(rawValue) voice \(voice.name)"
        let wav: Data
        switch self {
        case .espeak:
            // espeak-ng's rate is in words per minute, 175 by default.
            let r = try run(["espeak-ng", "-v", voice.name, "-s", "\(Int((175 / stretch).rounded()))", "--stdout", text])
            guard r.status == 0 else { throw InputError(what, "failed (status \(r.status)): \(r.stderr.lastLine)") }
            wav = r.data
        case .flite, .festival:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("asrlens-synth-\(getpid())-\(UUID().uuidString)")
            ScratchPaths.register(dir.path)
            defer { ScratchPaths.remove(dir.path) }
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw InputError(dir.path, "cannot create a scratch folder for \(rawValue): \(error.localizedDescription)")
            }
            let textFile = dir.appendingPathComponent("text.txt"), out = dir.appendingPathComponent("speech.wav")
            try Data(text.utf8).write(to: textFile)
            let args = self == .flite
                ? ["flite", "-voice", voice.name, "--setf", "duration_stretch=\(stretch)", "-f", textFile.path, "-o", out.path]
                // Diphone voices read Duration_Stretch; HTS voices read their engine's speed, "-r".
                : ["text2wave", "-eval", "(voice_\(voice.name))", "-eval", voice.name.hasSuffix("_hts")
                    ? "(set! hts_engine_params (append hts_engine_params (list (list \"-r\" \(1 / stretch)))))"
                    : "(Parameter.set 'Duration_Stretch \(stretch))",
                   textFile.path, "-o", out.path]
            let r = try run(args)
            let data = FileManager.default.contents(atPath: out.path) ?? Data()
            guard r.status == 0, !r.stderr.contains("ERROR"), !data.isEmpty else {
                throw InputError(what, "failed (status \(r.status)): \(r.stderr.lastLine)")
            }
            wav = data
        }
        guard !wav.isEmpty else { throw InputError(what, "wrote no audio for “\(text)”") }
        return try AudioFile.load(encoded: [UInt8](wav), name: "\(what) “\(text)”")
    }

    /// Runs a program to its end; a program that cannot be started names the packages to install.
    private func run(_ arguments: [String]) throws -> (status: Int32, data: Data, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            throw InputError(rawValue, "cannot be started (install Debian's \(packages.joined(separator: " ")), or leave it out with --synth)")
        }
        // Read stderr beside stdout, so neither pipe fills and stalls the program.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box(), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        let errData = errBox.data
        p.waitUntilExit()
        // `env` exits 127 when the program is not on the PATH.
        if p.terminationStatus == 127 {
            throw InputError(rawValue, "cannot be started (install Debian's \(packages.joined(separator: " ")), or leave it out with --synth)")
        }
        return (p.terminationStatus, data, String(decoding: data, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

private extension String {
    var lastLine: String { split(separator: "\n").last.map(String.init) ?? "no message" }
}
