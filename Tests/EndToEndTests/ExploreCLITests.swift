import Foundation
import Testing

/// `asrlens explore` outside a terminal: one clear line instead of garbage.
@Suite struct ExploreCLITests {
    @Test func exploreRefusesAPipe() throws {
        let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path
        let r = try CLIRunner.run(["explore", clip])
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1)
        #expect(r.stderr.contains("needs a terminal"))
    }

    @Test func bareFileOpensTheExplorer() throws {
        let clip = CLIRunner.root.appendingPathComponent("assets/sense-and-sensibility-0930.wav").path
        let r = try CLIRunner.run([clip])
        #expect(r.status == 2)
        #expect(r.stderr.contains("explore: the explorer needs a terminal"))
    }

    /// Help states each default once (ArgumentParser appends "(default: N)" itself).
    @Test func helpStatesEachDefaultOnce() throws {
        let r = try CLIRunner.run(["help", "explore"])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("). (default:"), "\(r.stdout)")
        let flat = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("(default: one per core, ") && !flat.contains("here). (default"), "\(flat)")
        #expect(flat.contains("( ) 30-second windows") && flat.contains("Ctrl-S export"), "\(flat)")
    }
}
