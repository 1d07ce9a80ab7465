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

    /// Every command's help is whole paragraphs, which the parser wraps to the terminal: a hard
    /// line break inside one made ragged lines at 80 columns ("POSITIONS: all, A:B" alone on a
    /// line). At 1000 columns each paragraph is one line, so two lines in a row mean a break.
    @Test func everyCommandsHelpIsWholeParagraphs() throws {
        func subcommands(_ path: [String]) throws -> [[String]] {
            let help = try CLIRunner.run(["help"] + path, environment: ["COLUMNS": "1000"]).stdout
            guard let list = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { return [] }
            let names = list.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
            return try names.filter { $0 != "help" }.flatMap { [path + [$0]] + (try subcommands(path + [$0])) }
        }
        let commands = try subcommands([])
        #expect(commands.count >= 20 && commands.contains(["models", "install"]), "\(commands)")
        for command in commands {
            let r = try CLIRunner.run(["help"] + command, environment: ["COLUMNS": "1000"])
            #expect(r.status == 0, "\(command): \(r.stderr)")
            let prose = r.stdout.components(separatedBy: "\nUSAGE:")[0].split(separator: "\n", omittingEmptySubsequences: false)
            let broken = zip(prose, prose.dropFirst()).filter { !$0.0.isEmpty && !$0.1.isEmpty }
            #expect(broken.isEmpty, "asrlens help \(command.joined(separator: " ")): a line break inside a paragraph: \(broken.first.map { "\($0.0) / \($0.1)" } ?? "")")
        }
    }
}
