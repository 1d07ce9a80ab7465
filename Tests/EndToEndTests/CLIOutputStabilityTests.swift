import Foundation
import Testing

/// Every command's output, recorded before the experiments moved into Analysis (issue 14) and
/// compared after: a refactoring must not change one byte of what users script against.
///
/// The recordings live in `Fixtures/cli-outputs/`, with the machine they were made on. On that
/// machine (same CPU model and OpenBLAS kernels) the comparison is byte for byte; on
/// another, numbers may differ in their last digits, so numbers are compared to 1e-3 relative
/// (1e-4 absolute) and all other text exactly. Wall times and paths are masked on both sides.
/// To record: `ASRLENS_RECORD_CLI_OUTPUTS=1 swift test -c release --filter CLIOutputStability`.
@Suite(.serialized) struct CLIOutputStabilityTests {
    struct Case: CustomTestStringConvertible {
        let name: String, command: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "transcribe", command: "asrlens transcribe $A-0870.wav $A-0890.wav $A-0930.wav"),
        Case(name: "transcribe-json", command: "asrlens transcribe --json --timestamps $A-0870.wav"),
        Case(name: "lens", command: "asrlens lens $A-0930.wav"),
        Case(name: "lens-json", command: "asrlens lens --json $A-0930.wav"),
        Case(name: "encoder-lens-json", command: "asrlens encoder-lens --json $A-0890.wav"),
        Case(name: "heads-json", command: "asrlens heads --json $A-0930.wav"),
        Case(name: "words", command: "asrlens words $A-0870.wav"),
        Case(name: "patch", command: "asrlens patch --patch enc.1.resid_post@0:100=zero --patch dec.0.cross_head.2@all=mean $A-0930.wav"),
        Case(name: "patch-json", command: "asrlens patch --json --patch enc.2.attn_out@50:120=silence --patch dec.1.self_out@2:5=scale:0.5 $A-0930.wav"),
        Case(name: "patch-clip-json", command: "asrlens patch --json --patch enc.3.resid_post@0:80=clip:$A-0870.wav $A-0930.wav"),
        Case(name: "sweep-json", command: "asrlens sweep --json --window 500 $A-0930.wav"),
        Case(name: "sweep-heads", command: "asrlens sweep --heads $A-0930.wav"),
        Case(name: "sweep-merge", command: "asrlens sweep --window 500 --shard 0/2 --out $DIR/s0.part $A-0930.wav && asrlens sweep --window 500 --shard 1/2 --out $DIR/s1.part $A-0930.wav && asrlens merge --json $DIR/s1.part $DIR/s0.part"),
        Case(name: "probe-json", command: "asrlens probe --json --label label --folds 2 --cache $DIR/cache $DIR/probe.tsv"),
        Case(name: "probe-merge", command: "asrlens probe --label label --folds 2 --cache $DIR/cache2 --shard 0/2 --out $DIR/p0.part $DIR/probe.tsv && asrlens probe --label label --folds 2 --cache $DIR/cache2 --shard 1/2 --out $DIR/p1.part $DIR/probe.tsv && asrlens merge $DIR/p0.part $DIR/p1.part"),
        Case(name: "repetition-json", command: "asrlens repetition --json --snr 0 $DIR/clips.tsv"),
        // No loops: no patch was tried, so the table is its header alone.
        Case(name: "repetition-tsv", command: "asrlens repetition --format tsv --snr 0 $DIR/clips.tsv"),
        Case(name: "run-script", command: "asrlens run $A-0930.wav $DIR/export.script && cat $DIR/lens.tsv $DIR/patch.json"),
    ]

    static let fixtures = CLIRunner.root.appendingPathComponent("Tests/EndToEndTests/Fixtures/cli-outputs")
    static var recording: Bool { ProcessInfo.processInfo.environment["ASRLENS_RECORD_CLI_OUTPUTS"] == "1" }

    /// The CPU the recordings were made on, and the OpenBLAS kernels the CLI runs on it, decide
    /// whether numbers must match exactly.
    static var machine: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu = info.split(separator: "\n").first { $0.hasPrefix("model name") }.map { String($0.split(separator: ":", maxSplits: 1).last ?? "") }?
            .trimmingCharacters(in: .whitespaces) ?? "unknown"
        let version = (try? CLIRunner.run(["--version"]).stdout) ?? ""
        let kernels = version.range(of: "(OpenBLAS ").map { String(version[$0.upperBound...].prefix { $0 != " " }) } ?? "unknown"
        return "\(cpu), \(kernels) kernels"
    }

    /// The inputs: data sets of the committed clips (plus a FLAC copy, so a probe has two rows a
    /// class) and a script that exports.
    static let inputs: Result<URL, Error> = Result {
        let dir = try CLIRunner.temporaryDirectory()
        let a = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["\(a)-0870.wav", dir.appendingPathComponent("0870.flac").path]
        try p.run(); p.waitUntilExit()
        try "path\tlabel\n\(a)-0870.wav\tx\n\(a)-0890.wav\ty\n\(a)-0930.wav\tx\n\(dir.path)/0870.flac\ty\n"
            .write(to: dir.appendingPathComponent("probe.tsv"), atomically: true, encoding: .utf8)
        try "path\n\(a)-0870.wav\n\(a)-0930.wav\n".write(to: dir.appendingPathComponent("clips.tsv"), atomically: true, encoding: .utf8)
        try ":layer 2\n:export lens tsv \(dir.path)/lens.tsv\n:patch enc.1.resid_post@20:60=zero\n:export patch json \(dir.path)/patch.json\n"
            .write(to: dir.appendingPathComponent("export.script"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Masks what legitimately changes from run to run: wall times, temporary paths, and digests
    /// of inputs the test makes with the machine's own tools (sox writes its version into a FLAC).
    static func normalise(_ text: String, dir: URL) -> String {
        var s = text.replacingOccurrences(of: dir.path, with: "$DIR").replacingOccurrences(of: CLIRunner.root.path, with: "$ROOT")
        for (pattern, template) in [(#""([a-z_]*seconds)":[-0-9.e+]+"#, #""$1":0"#),
                                    (#""([a-z_]*sha256)":"[0-9a-f]{64}""#, #""$1":"SHA-256""#),
                                    (#"([0-9]+(\.[0-9]+)?) ?s (wall|elapsed)"#, "T s $3"),
                                    (#"in [0-9]+(\.[0-9]+)? s\b"#, "in T s")] {
            s = s.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return s
    }

    /// Text with every number replaced by `#`, and the numbers in order.
    static func split(_ text: String) -> (shape: String, numbers: [Double]) {
        let regex = try! NSRegularExpression(pattern: #"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"#)
        let ns = text as NSString
        var numbers: [Double] = []
        var shape = "", last = 0
        for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            shape += ns.substring(with: NSRange(location: last, length: m.range.location - last)) + "#"
            numbers.append(Double(ns.substring(with: m.range)) ?? .nan)
            last = m.range.location + m.range.length
        }
        return (shape + ns.substring(from: last), numbers)
    }

    /// The comparison used on other CPUs: numbers apart, the text must be the same.
    @Test func onAnotherCPUOnlyTheLastDigitsOfNumbersMayDiffer() {
        let a = Self.split("enc  1  0.250 ± 0.013 text -1.5e-3"), b = Self.split("enc  1  0.250 ± 0.0130004 text -1.5e-3")
        #expect(a.shape == b.shape && a.numbers.count == 4 && zip(a.numbers, b.numbers).allSatisfy { abs($0 - $1) <= 1e-4 })
        #expect(Self.split("enc 1 you").shape != Self.split("enc 1 me").shape)
    }

    @Test(arguments: cases)
    func outputIsWhatWasRecordedBeforeTheMove(_ c: Case) throws {
        let dir = try Self.inputs.get()
        let a = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility").path
        let script = "set -eo pipefail\nasrlens() { \"$ASRLENS_E2E_BINARY\" \"$@\"; }\n"
            + c.command.replacingOccurrences(of: "$A", with: a).replacingOccurrences(of: "$DIR", with: dir.path)
        let r = try CLIRunner.run(["600", "/bin/bash", "-c", script], environment: ["ASRLENS_E2E_BINARY": CLIRunner.binary, "COLUMNS": "120"],
                                  executable: "/usr/bin/timeout")
        #expect(r.status == 0, "\(c.name): status \(r.status): \(r.stderr)")
        let got = Self.normalise(r.stdout, dir: dir)
        let file = Self.fixtures.appendingPathComponent("\(c.name).out")
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.fixtures, withIntermediateDirectories: true)
            try got.write(to: file, atomically: true, encoding: .utf8)
            try (Self.machine + "\n").write(to: Self.fixtures.appendingPathComponent("machine.txt"), atomically: true, encoding: .utf8)
            return
        }
        let want = try String(contentsOf: file, encoding: .utf8)
        let recordedOn = (try? String(contentsOf: Self.fixtures.appendingPathComponent("machine.txt"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if recordedOn == Self.machine {
            #expect(got == want, "\(c.name): the output changed (recorded on this CPU, so it must match byte for byte)")
            return
        }
        let (gotShape, gotNumbers) = Self.split(got), (wantShape, wantNumbers) = Self.split(want)
        #expect(gotShape == wantShape, "\(c.name): the text around the numbers changed")
        #expect(gotNumbers.count == wantNumbers.count)
        let off = zip(gotNumbers, wantNumbers).filter { abs($0 - $1) > max(1e-4, 1e-3 * abs($1)) }
        #expect(off.isEmpty, "\(c.name): \(off.count) numbers differ beyond 1e-3, first \(off.prefix(3))")
    }
}
