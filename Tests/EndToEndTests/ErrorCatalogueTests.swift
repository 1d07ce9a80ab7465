import Foundation
import Testing

/// `docs/errors.md` row by row: each batch row's command runs through the real binary and must
/// print exactly the documented stderr and exit status; the terminal rows run in tmux.
@Suite(.serialized) struct ErrorCatalogueTests {
    struct Row: CustomTestStringConvertible {
        let id: String, command: String, exit: Int32, stderr: String, stdout: String?
        var testDescription: String { id }
    }

    static let doc = CLIRunner.root.appendingPathComponent("docs/errors.md")
    static let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path

    /// The cells of a Markdown table row, `\|` kept as `|` and backticks removed.
    static func cells(_ line: String) -> [String] {
        line.replacingOccurrences(of: "\\|", with: "\u{0}").split(separator: "|", omittingEmptySubsequences: false)
            .dropFirst().dropLast()
            .map { $0.replacingOccurrences(of: "\u{0}", with: "|").trimmingCharacters(in: .whitespaces) }
            .map { $0.hasPrefix("`") && $0.hasSuffix("`") && $0.count >= 2 ? String($0.dropFirst().dropLast()) : $0 }
    }

    static func table(_ heading: String) -> [[String]] {
        guard let text = try? String(contentsOf: doc, encoding: .utf8), let section = text.components(separatedBy: "## " + heading).last else { return [] }
        return section.split(separator: "\n").prefix { !$0.hasPrefix("## ") }.map(String.init)
            .filter { $0.hasPrefix("| `") }.map(cells)
    }

    static let allBatchRows: [Row] = table("Batch commands").map { c in
        Row(id: c[0], command: c[2], exit: Int32(c[3]) ?? -1, stderr: c[4], stdout: c[5] == "(an empty line)" ? "" : c[5].isEmpty ? nil : c[5])
    }

    /// Rows that need a private tmpfs mount, and so run only where one can be made.
    static let tmpfsRows: Set<String> = ["export-disk-full", "install-disk-full"]

    /// Rows about permissions, which root does not have to ask for: run as nobody when the
    /// tests run as root.
    static let unprivilegedRows: Set<String> = ["model-unreadable", "audio-unsearchable-folder", "home-read-only", "probe-cache-unwritable"]

    /// The rows that run anywhere.
    static let batchRows = allBatchRows.filter { !tmpfsRows.contains($0.id) }

    /// Whether this machine lets the tests mount a small tmpfs in a private mount namespace.
    static let canMountTmpfs: Bool = {
        guard let dir = try? CLIRunner.temporaryDirectory() else { return false }
        let r = try? CLIRunner.run((getuid() == 0 ? ["-m"] : ["-r", "-m"]) + ["/bin/sh", "-c", "mount -t tmpfs -o size=4k tmpfs '\(dir.path)'"],
                                   executable: "/usr/bin/unshare")
        return r?.status == 0
    }()

    /// Every broken input, built once: audio files made with sox and by hand, scripts, and a
    /// copy of tiny.en per broken-model row.
    static let fixtures: Result<URL, Error> = Result {
        let dir = try CLIRunner.temporaryDirectory()
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func sh(_ script: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-ec", script]
            p.currentDirectoryURL = dir
            try p.run(); p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: script]) }
        }
        let clip = Self.clip
        try sh("""
            # -R: sox dithers with a random seed otherwise, and a differently dithered 8-bit clip
            # once transcribed differently.
            sox -R '\(clip)' -b 8 -e unsigned-integer 8bit.wav; sox -R '\(clip)' -b 24 24bit.wav; sox -R '\(clip)' -e floating-point -b 32 float.wav
            sox -R '\(clip)' 6ch.wav remix 1 1 1 1 1 1; sox -R '\(clip)' -r 44100 44k.wav; sox -R '\(clip)' -r 48000 48k.wav; sox -R '\(clip)' -r 8000 8k.wav
            sox -n -r 16000 -b 16 silence.wav trim 0 5; sox -n -r 16000 -b 16 -c 1 empty.wav trim 0 0; sox \(Array(repeating: "'\(clip)'", count: 10).joined(separator: " ")) long.wav
            echo 'hello' > notes.txt; : > zero.wav
            printf ':layer 2\\n:patch enc.1.resid_post@0:10=zero\\n:frobnicate now\\n' > bad.script
            printf ':export lens tsv %s/no/such/lens.tsv\\n' "$PWD" > export.script
            printf ':export! lens tsv %s/full/lens.tsv\\n' "$PWD" > full.script
            printf ':export lens tsv /dev/stdout\\n' > stdout.script
            sox -r 16000 -n -b 16 -c 1 onesample.wav synth 1s sine 440
            cp '\(clip)' rate0.wav; printf '\\000\\000\\000\\000' | dd of=rate0.wav bs=1 seek=24 conv=notrunc 2>/dev/null
            cp '\(clip)' channels0.wav; printf '\\000\\000' | dd of=channels0.wav bs=1 seek=22 conv=notrunc 2>/dev/null
            """)
        try sh("sh '\(CLIRunner.root.appendingPathComponent("Tests/EndToEndTests/Fixtures/hostile-inputs.sh").path)' '\(clip)' "
               + "'\(CLIRunner.root.appendingPathComponent("Tests/Fixtures/opus/sense-and-sensibility-0930.opus").path)'")
        try hostileModels(in: dir)
        let wav = try Data(contentsOf: URL(fileURLWithPath: clip))
        try wav.prefix(wav.count / 2).write(to: URL(fileURLWithPath: path("truncated.wav")))
        for (name, bad) in [("nan.wav", Float.nan), ("inf.wav", Float.infinity)] {
            try rewriteFloatWAV(dir.appendingPathComponent("float.wav"), to: dir.appendingPathComponent(name)) { i, v in i == 5_000 ? bad : v }
        }
        // Broken copies of tiny.en.
        let home = ProcessInfo.processInfo.environment["ASRLENS_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/asrlens")
        let tiny = home.appendingPathComponent("models/tiny.en")
        for id in ["model-truncated", "model-spec", "model-version", "model-shapes", "model-no-config", "model-no-vocabulary", "model-unreadable"] {
            let m = dir.appendingPathComponent(id)
            try FileManager.default.createDirectory(at: m, withIntermediateDirectories: true)
            for f in try FileManager.default.contentsOfDirectory(atPath: tiny.path) where f != "model.bin" {
                try FileManager.default.copyItem(at: tiny.appendingPathComponent(f), to: m.appendingPathComponent(f))
            }
            var bin = try Data(contentsOf: tiny.appendingPathComponent("model.bin"))
            switch id {
            case "model-truncated": bin = bin.prefix(100_000)
            case "model-spec": bin.replaceSubrange(6..<17, with: Data("WhisperSpeX".utf8))
            case "model-version": bin.replaceSubrange(0..<4, with: Data([7, 0, 0, 0]))
            case "model-shapes": try swapFirstMatrixDims(&bin)
            case "model-no-config": try FileManager.default.removeItem(at: m.appendingPathComponent("config.json"))
            case "model-no-vocabulary":
                for f in ["vocabulary.txt", "vocabulary.json"] { try? FileManager.default.removeItem(at: m.appendingPathComponent(f)) }
            default: break
            }
            try bin.write(to: m.appendingPathComponent("model.bin"))
        }
        chmod(path("model-unreadable"), 0)
        try unprivilegedInputs(in: dir, model: tiny)
        try rewriteFloatWAV(dir.appendingPathComponent("float.wav"), to: dir.appendingPathComponent("loud.wav")) { _, v in v * 1000 }
        // A directory for a world-readable copy of the binary's inputs when run unprivileged.
        chmod(dir.path, 0o755)
        return dir
    }

    /// Inputs of the rows run as nobody: a readable copy of tiny.en (model.bin hard-linked when
    /// it can be), a clip in a folder nobody may search, a read-only ASRLENS_HOME and cache, and
    /// a six-clip data set.
    static func unprivilegedInputs(in dir: URL, model tiny: URL) throws {
        let fm = FileManager.default
        let readable = dir.appendingPathComponent("readable-model")
        try fm.createDirectory(at: readable, withIntermediateDirectories: true)
        for f in try fm.contentsOfDirectory(atPath: tiny.path) where !f.hasPrefix(".") {
            let from = tiny.appendingPathComponent(f).resolvingSymlinksInPath(), to = readable.appendingPathComponent(f)
            if f != "model.bin" || link(from.path, to.path) != 0 { try fm.copyItem(at: from, to: to) }
        }
        let locked = dir.appendingPathComponent("locked")
        try fm.createDirectory(at: locked, withIntermediateDirectories: true)
        try fm.copyItem(atPath: clip, toPath: locked.appendingPathComponent("a.wav").path)
        chmod(locked.path, 0)
        for name in ["ro-home", "ro-cache"] {
            try fm.createDirectory(at: dir.appendingPathComponent(name), withIntermediateDirectories: true)
            chmod(dir.appendingPathComponent(name).path, 0o555)
        }
        let clips = ["8bit.wav", "24bit.wav", "float.wav", "44k.wav", "48k.wav", "8k.wav"]
        let rows = clips.enumerated().map { "\(dir.appendingPathComponent($1).path)\t\($0 % 2 == 0 ? "x" : "y")" }
        try ("path\tlabel\n" + rows.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("six.tsv"), atomically: true, encoding: .utf8)
    }

    /// A copy of a 32-bit float WAV with each sample `i` replaced by `change(i, sample)`: sox
    /// cannot write NaN, infinity or samples beyond full scale (it clips float output).
    static func rewriteFloatWAV(_ source: URL, to target: URL, _ change: (Int, Float) -> Float) throws {
        var data = try Data(contentsOf: source)
        guard let chunk = data.range(of: Data("data".utf8)) else { throw CocoaError(.fileReadCorruptFile) }
        var o = chunk.upperBound + 4, i = 0
        while o + 4 <= data.count {
            let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[o + $1]) << (8 * $1) }
            let v = change(i, Float(bitPattern: bits)).bitPattern
            for k in 0..<4 { data[o + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) }
            o += 4; i += 1
        }
        try data.write(to: target)
    }

    /// Broken copies of tiny.en for the rows of round two: NaN weights, model.bin as a device or a
    /// FIFO, bad config.json files, a damaged install and a stale install folder. Files that stay
    /// whole are symbolic links to the installed model.
    static func hostileModels(in dir: URL) throws {
        let home = ProcessInfo.processInfo.environment["ASRLENS_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/asrlens")
        let tiny = home.appendingPathComponent("models/tiny.en")
        let fm = FileManager.default
        func copy(_ id: String, into m: URL) throws {
            try fm.createDirectory(at: m, withIntermediateDirectories: true)
            for f in ["config.json", "tokenizer.json", "vocabulary.txt"] {
                try fm.copyItem(at: tiny.appendingPathComponent(f), to: m.appendingPathComponent(f))
            }
        }
        for id in ["model-nan", "model-bin-device", "model-bin-fifo", "model-bin-directory", "config-empty", "config-bad-ids", "config-bad-heads"] {
            let m = dir.appendingPathComponent(id)
            try copy(id, into: m)
            let bin = m.appendingPathComponent("model.bin")
            switch id {
            case "model-nan":
                var data = try Data(contentsOf: tiny.appendingPathComponent("model.bin"))
                data.replaceSubrange(40_000_000..<40_004_096, with: Data(repeating: 0xFF, count: 4096))
                try data.write(to: bin)
            case "model-bin-device": try fm.createSymbolicLink(atPath: bin.path, withDestinationPath: "/dev/zero")
            case "model-bin-fifo": mkfifo(bin.path, 0o644)
            case "model-bin-directory": try fm.createDirectory(at: bin, withIntermediateDirectories: false)
            default: try fm.createSymbolicLink(at: bin, withDestinationURL: tiny.appendingPathComponent("model.bin"))
            }
            let config = m.appendingPathComponent("config.json")
            var c = try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any] ?? [:]
            switch id {
            case "config-empty": c = [:]
            case "config-bad-ids": c["suppress_ids"] = (c["suppress_ids"] as? [Int] ?? []) + [99_999_999]
            case "config-bad-heads": c["alignment_heads"] = (c["alignment_heads"] as? [[Int]] ?? []) + [[9, 0]]
            default: continue
            }
            try JSONSerialization.data(withJSONObject: c).write(to: config)
        }
        // An install whose model.bin was cut after it was installed; a work folder of a dead install.
        let damaged = dir.appendingPathComponent("home-damaged/models/tiny.en")
        try copy("home-damaged", into: damaged)
        try Data(contentsOf: tiny.appendingPathComponent("model.bin")).prefix(100_000).write(to: damaged.appendingPathComponent("model.bin"))
        let stale = dir.appendingPathComponent("home-stale/models")
        try fm.createDirectory(at: stale.appendingPathComponent(".install-tiny.en-999999999/wheels"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(at: stale.appendingPathComponent("tiny.en"), withDestinationURL: tiny)
    }

    /// Swaps the dimensions of the first non-square matrix in a model.bin (same byte size,
    /// contradicting shape), walking the records as whisper-ct2-format.md §2.2 lays them out.
    static func swapFirstMatrixDims(_ b: inout Data) throws {
        func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { (0..<4).reduce(0) { $0 | Int(b[o + $1]) << (8 * $1) } }
        var o = 4 + 2 + u16(4) + 4
        let count = u32(o); o += 4
        for _ in 0..<count {
            o += 2 + u16(o)
            let rank = Int(b[o])
            let dims = (0..<rank).map { u32(o + 1 + 4 * $0) }
            if rank == 2 && dims[0] != dims[1] {
                for (k, v) in dims.reversed().enumerated() {
                    for i in 0..<4 { b[o + 1 + 4 * k + i] = UInt8((v >> (8 * i)) & 0xFF) }
                }
                return
            }
            o += 1 + 4 * rank + 1
            o += 4 + u32(o)
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    /// Where models are installed (`$HOME_MODELS`).
    static var installedModels: String {
        (ProcessInfo.processInfo.environment["ASRLENS_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/asrlens")).appendingPathComponent("models").path
    }

    /// A row's text with `$DIR`, `$CLIP`, `$MODEL` and `$HOME_MODELS` filled in.
    static func expand(_ s: String, row: Row, dir: URL) -> String {
        s.replacingOccurrences(of: "$DIR", with: dir.path).replacingOccurrences(of: "$CLIP", with: clip)
            .replacingOccurrences(of: "$MODEL", with: dir.appendingPathComponent(row.id).path)
            .replacingOccurrences(of: "$HOME_MODELS", with: installedModels)
    }

    /// Whether `text` reads as `pattern`, where each `…` stands for any text.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let parts = pattern.components(separatedBy: "…")
        guard parts.count > 1 else { return text == pattern }
        guard text.hasPrefix(parts[0]), text.hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = text.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count)
        for middle in parts.dropFirst().dropLast() {
            guard let r = rest.range(of: middle) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    /// Runs one row the way its command reads; a few need a shell around the binary.
    static func run(_ row: Row, in dir: URL) throws -> CLIRunner.Result {
        func expand(_ s: String) -> String { Self.expand(s, row: row, dir: dir) }
        var args = expand(row.command).split(separator: " ").map(String.init)
        if args.first == "asrlens" { args.removeFirst() }
        // Through bash, as a user would type it: pipes, redirections, `ulimit` and variables.
        let script = "set -o pipefail\nasrlens() { \"$ASRLENS_E2E_BINARY\" \"$@\"; }\n"
        switch row.id {
        case _ where unprivilegedRows.contains(row.id) && getuid() == 0:
            // root reads and writes anything; these cases are about a user who cannot. That user
            // runs copies of the binary and the clip in the fixture folder, as the checkout may
            // be closed to it.
            let binary = dir.appendingPathComponent("asrlens-copy").path, sample = dir.appendingPathComponent("clip-copy.wav").path
            if !FileManager.default.fileExists(atPath: binary) {
                try FileManager.default.copyItem(atPath: CLIRunner.binary, toPath: binary)
                try FileManager.default.copyItem(atPath: clip, toPath: sample)
            }
            let command = expand(row.command.replacingOccurrences(of: "$CLIP", with: sample))
            return try CLIRunner.run(["300", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/bash", "-c", script + command],
                                     environment: ["ASRLENS_E2E_BINARY": binary, "HOME": dir.path], executable: "/usr/bin/timeout")
        case "install-disk-full":
            // An empty 1 MiB tmpfs as ASRLENS_HOME; what the install left in it is listed on stdout.
            let small = dir.appendingPathComponent("small-home").path
            try? FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
            let inner = "mount -t tmpfs -o size=1m tmpfs '\(small)' && { \(expand(row.command)); status=$?; ls -A '\(small)'; exit $status; }"
            return try CLIRunner.run((getuid() == 0 ? ["-m"] : ["-r", "-m"]) + ["/bin/bash", "-c", script + inner],
                                     environment: ["ASRLENS_E2E_BINARY": CLIRunner.binary], executable: "/usr/bin/unshare")
        case "export-disk-full":
            // A 64 KiB tmpfs holding an older export and filled up, in a private mount namespace.
            let full = dir.appendingPathComponent("full").path
            try? FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
            let script = """
                mount -t tmpfs -o size=64k tmpfs '\(full)' && printf 'older export\\n' > '\(full)/lens.tsv' \
                && (dd if=/dev/zero of='\(full)/fill' bs=1k count=1000 2>/dev/null || true) \
                && '\(CLIRunner.binary)' \(args.map { "'\($0)'" }.joined(separator: " ")); status=$?; \
                cat '\(full)/lens.tsv'; exit $status
                """
            return try CLIRunner.run((getuid() == 0 ? ["-m"] : ["-r", "-m"]) + ["/bin/sh", "-c", script], executable: "/usr/bin/unshare")
        default:
            // Under `timeout`: a row that hangs (a memory limit once did) fails instead of stalling CI.
            return try CLIRunner.run(["300", "/bin/bash", "-c", script + expand(row.command)], environment: ["ASRLENS_E2E_BINARY": CLIRunner.binary],
                                     executable: "/usr/bin/timeout")
        }
    }

    @Test func theCatalogueListsEveryCaseOfTheIssue() {
        let ids = Set(Self.allBatchRows.map(\.id) + Self.table("In a terminal").map { $0[0] })
        for id in ["audio-missing", "audio-directory", "audio-not-audio", "audio-empty", "audio-truncated", "audio-nan", "audio-inf",
                   "audio-8bit", "audio-24bit", "audio-float", "audio-6ch", "audio-44k", "audio-48k", "audio-8k", "audio-long", "audio-silence",
                   "model-truncated", "model-spec", "model-version", "model-shapes", "model-no-config", "model-no-vocabulary", "model-unreadable",
                   "site-unknown", "site-layer", "positions-outside", "script-line", "export-unwritable", "export-disk-full",
                   "term-dumb", "terminal-small", "locale-not-utf8", "explore-not-a-terminal"] {
            #expect(ids.contains(id), "docs/errors.md has no row \(id)")
        }
    }

    /// Issue 13's examples, one row each (the second round of hostile input).
    @Test func theCatalogueListsEveryCaseOfTheSecondRound() {
        let ids = Set(Self.allBatchRows.map(\.id) + Self.table("In a terminal").map { $0[0] } + Self.table("Interrupted work").map { $0[0] })
        for id in ["patch-capped-json", "source-scale-huge", "sweep-scale-huge", "merge-negative-wer", "install-disk-full", "merge-probe-ragged",
                   "merge-probe-short", "model-nan", "snr-huge", "export-device", "export-symlink", "stdout-full", "script-crlf",
                   "audio-flac-truncated", "audio-flac-corrupt", "audio-ogg-truncated", "audio-wav-short-header", "model-damaged-install",
                   "models-verify-damaged", "probe-cache-unwritable", "memory-limit", "memory-limit-tiny", "install-interrupted",
                   "synth-interrupted", "models-stale-install", "audio-unsearchable-folder", "audio-link-loop", "audio-non-utf8-name",
                   "model-bin-device", "model-bin-fifo", "home-read-only", "home-is-a-file", "model-bin-directory", "positions-reversed",
                   "positions-empty", "merge-cell-outside", "audio-dash-name", "transcribe-one-line-per-file", "config-empty",
                   "config-bad-ids", "config-bad-heads", "tsv-duplicate-rows", "probe-group-is-label", "audio-too-loud"] {
            #expect(ids.contains(id), "docs/errors.md has no row \(id)")
        }
    }

    @Test(arguments: batchRows)
    func batchRowPrintsExactlyWhatTheCatalogueSays(row: Row) throws { try check(row) }

    /// `export-disk-full`: the export fails with the catalogue's line and the older file stays.
    /// `install-disk-full`: refused before anything is downloaded, and nothing is left behind.
    @Test(.enabled(if: canMountTmpfs, "needs a tmpfs mount in a private mount namespace (unshare -m)"))
    func anInstallOntoAFullDiskIsRefusedAndLeavesNothing() throws {
        let row = try #require(Self.allBatchRows.first { $0.id == "install-disk-full" })
        let r = try check(row)
        #expect(r.stdout == "", "left in ASRLENS_HOME: \(r.stdout)")
    }

    @Test(.enabled(if: canMountTmpfs, "needs a tmpfs mount in a private mount namespace (unshare -m)"))
    func anExportOntoAFullDiskLeavesTheOlderFileWhole() throws {
        let row = try #require(Self.allBatchRows.first { $0.id == "export-disk-full" })
        let r = try check(row)
        #expect(r.stdout == "older export\n", "the older export stays whole: \(r.stdout)")
    }

    @discardableResult
    func check(_ row: Row) throws -> CLIRunner.Result {
        let dir = try Self.fixtures.get()
        let r = try Self.run(row, in: dir)
        let expected = Self.expand(row.stderr, row: row, dir: dir)
        #expect(r.status == row.exit, "\(row.id): status \(r.status), stderr \(r.stderr)")
        #expect(Self.matches(r.stderr, expected.isEmpty ? "" : expected + "\n"), "\(row.id):\n got \(r.stderr)\nwant \(expected)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump") && !r.stderr.contains("crashed"))
        if let out = row.stdout {
            #expect(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) == Self.expand(out, row: row, dir: dir), "\(row.id): \(r.stdout)")
        }
        if row.id == "audio-long-offset" { #expect(r.stdout.contains("layer"), "\(r.stdout)") }
        return r
    }
}

/// The catalogue's terminal rows, in tmux with the real explorer.
@Suite struct ErrorCatalogueTerminalTests {
    /// The "what the user sees" text of a terminal row, up to any "…" (the rest is elided there).
    static func expected(_ id: String, dir: URL) throws -> String {
        let row = try #require(ErrorCatalogueTests.table("In a terminal").first { $0[0] == id }, "docs/errors.md has no row \(id)")
        var text = row[2]
        if text.hasPrefix("`"), let end = text.dropFirst().firstIndex(of: "`") { text = String(text[text.index(after: text.startIndex)..<end]) }
        if let cut = text.range(of: "…") { text = String(text[..<cut.lowerBound]) }
        return text.replacingOccurrences(of: "$DIR", with: dir.path)
    }

    static func explore(_ clip: String, _ env: String = "", options: String = "") -> String {
        "env -u NO_COLOR -u COLORTERM LANG=C.UTF-8 \(env) \(TmuxSession.quote(CLIRunner.binary)) explore --model tiny.en \(options) \(TmuxSession.quote(clip))"
    }

    @Test func aReplayStopsAtItsBadLineAndSaysWhichOnTheStatusLine() throws {
        let dir = try ErrorCatalogueTests.fixtures.get()
        let session = dir.appendingPathComponent("bad.session").path
        let t = try TmuxSession(command: Self.explore(ErrorCatalogueTests.clip, options: "--script \(TmuxSession.quote(session))"), width: 220)
        try ExplorerTerminalTests.shows(t, "[1 Transcript]", "patches 1", try Self.expected("explorer-replay-bad-line", dir: dir))
        try t.send("2")
        try ExplorerTerminalTests.shows(t, "[2 Logit lens]")
        try t.send("q")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    @Test func termDumbIsOneLineAndStatus2() throws {
        let dir = try ErrorCatalogueTests.fixtures.get()
        let t = try TmuxSession(command: Self.explore(ErrorCatalogueTests.clip, "TERM=dumb"))
        #expect(t.exitLine() == "EXIT=2")
        try ExplorerTerminalTests.shows(t, try Self.expected("term-dumb", dir: dir))
    }

    @Test func aSmallTerminalSaysWhatItNeedsAndRecoversWhenEnlarged() throws {
        let dir = try ErrorCatalogueTests.fixtures.get()
        let t = try TmuxSession(command: Self.explore(ErrorCatalogueTests.clip), width: 50, height: 12)
        try ExplorerTerminalTests.shows(t, try Self.expected("terminal-small", dir: dir))
        try t.tmux(["resize-window", "-t", "t", "-x", "120", "-y", "40"])
        try ExplorerTerminalTests.shows(t, "[1 Transcript]", "He might even have been made amiable himself.")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    @Test func aNonUTF8LocaleDrawsEveryViewInASCII() throws {
        let t = try TmuxSession(command: Self.explore(ErrorCatalogueTests.clip, "LANG=C LC_ALL=C"))
        try ExplorerTerminalTests.shows(t, "[1 Transcript]")
        for (key, title) in [("2", "[2 Logit lens]"), ("3", "[3 Encoder lens]"), ("4", "[4 Attention]"), ("5", "[5 Patch]"), ("6", "[6 Sweep]")] {
            try t.send(key)
            let s = try ExplorerTerminalTests.shows(t, title)
            #expect(s.unicodeScalars.allSatisfy { $0.value < 128 }, "non-ASCII on screen in \(title):\n\(s)")
        }
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }

    /// A long clip's notice, then every bad `:` line: each message on the status line, and the
    /// explorer still answering afterwards.
    @Test func explorerRowsShowTheirMessageAndStayOpen() throws {
        let dir = try ErrorCatalogueTests.fixtures.get()
        let t = try TmuxSession(command: Self.explore(dir.appendingPathComponent("long.wav").path))
        try ExplorerTerminalTests.shows(t, "[1 Transcript]", try Self.expected("explorer-long-clip", dir: dir))
        for id in ["explorer-site-unknown", "explorer-layer", "explorer-positions", "explorer-command", "explorer-export"] {
            let row = try #require(ErrorCatalogueTests.table("In a terminal").first { $0[0] == id })
            let line = row[1].replacingOccurrences(of: "$DIR", with: dir.path)
            try t.send(line, "Enter")
            try ExplorerTerminalTests.shows(t, try Self.expected(id, dir: dir))
        }
        try t.send("2")
        try ExplorerTerminalTests.shows(t, "[2 Logit lens]")
        try t.send("q")
        #expect(t.exitLine() == "EXIT=0")
    }
}
