import Foundation
import Testing

/// The explorer under signals and key bursts in a real terminal: a killed explorer hands back a
/// working shell, and a burst of keys faster than compute ends on the final patch set.
@Suite struct ExplorerResilienceTests {
    /// Descendants of `pid`, depth first (the pane's shell, the interactive bash, the explorer).
    /// Read from /proc/N/stat (the parent pid follows the parenthesised command name), which
    /// every Linux has, unlike pgrep or the optional /proc/N/task/N/children.
    static func descendants(of pid: Int32) -> [Int32] {
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        let children = all.filter { p in
            guard let stat = try? String(contentsOfFile: "/proc/\(p)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
        return children.flatMap { [$0] + descendants(of: $0) }
    }

    static func command(of pid: Int32) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [("INT", SIGINT), ("TERM", SIGTERM), ("HUP", SIGHUP)])
    func aKilledExplorerLeavesAWorkingShell(name: String, signal: Int32) throws {
        let t = try TmuxSession(command: "env PS1='prompt$ ' bash --norc --noprofile -i")
        try t.waitFor("prompt$")
        try t.send(ExplorerTerminalTests.explore() + "; echo explorer-exit=$?", "Enter")
        try ExplorerTerminalTests.shows(t, "[1 Transcript]", "And Mr. John Dashwood")
        try t.send("5")
        try ExplorerTerminalTests.shows(t, "[5 Patch]", "cursor frame")
        #expect(try t.format("#{alternate_on}") == "1")
        let pane = Int32(try t.format("#{pane_pid}"))!
        let explorer = try #require(Self.descendants(of: pane).first { Self.command(of: $0) == "asrlens" })
        #expect(kill(explorer, signal) == 0)

        try ExplorerTerminalTests.shows(t, "explorer-exit=\(128 + signal)")
        #expect(try t.format("#{alternate_on}") == "0", "left the alternate screen")
        #expect(try t.format("#{cursor_flag}") == "1", "the cursor is visible")
        #expect(try t.format("#{keypad_cursor_flag}") == "0", "keypad transmit mode is off")
        // The prompt takes typed input (echoed) and runs it; the line discipline is cooked again.
        try t.send("echo typed-$((6*7)); stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo -e icanon -e -icanon | sort | tr '\\n' ,", "Enter")
        let s = try ExplorerTerminalTests.shows(t, "typed-42", "echo,icanon,")
        #expect(s.contains("echo typed-$((6*7))"), "the command line was echoed: \(s)")
        #expect(!s.contains("-echo,") && !s.contains("-icanon,"), "\(s)")
    }

    /// 100 keys at once in the patch view: toggles and layer changes land while earlier patched
    /// runs are still computing. The screen must end on the patch set the keys describe, with
    /// that set's result, and the explorer must still answer.
    @Test func aBurstOf100KeysEndsOnTheFinalPatchSet() throws {
        let t = try TmuxSession(command: ExplorerTerminalTests.explore())
        try ExplorerTerminalTests.shows(t, "[1 Transcript]", "And Mr. John Dashwood")
        try t.send("5", "H", "w")
        let selected = try ExplorerTerminalTests.shows(t, "selection 118:136", "site enc.0.resid_post")
        #expect(selected.contains("source silence"))

        var rng = SystemRandomNumberGenerator()
        let keys = (0..<100).map { _ in ["Space", "Space", "+", "-"].randomElement(using: &rng)! }
        // The explorer's rules: space toggles the patch at the current layer, +/- move within 0…3.
        var layer = 0
        var patches: [Int] = []
        for k in keys {
            switch k {
            case "+": layer = min(3, layer + 1)
            case "-": layer = max(0, layer - 1)
            default: if let i = patches.firstIndex(of: layer) { patches.remove(at: i) } else { patches.append(layer) }
            }
        }
        try t.tmux(["send-keys", "-t", "t"] + keys)
        let specs = patches.map { "enc.\($0).resid_post@118:136=silence" }
        let expected = "patches: " + (specs.isEmpty ? "none" : specs.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "  "))
        let final = try t.waitFor { $0.contains(expected) && !$0.contains("computing") }
        #expect(final.contains(expected) && !final.contains("computing"), "keys \(keys.joined(separator: " "))\nexpected \(expected)\n\(final)")
        #expect(final.hasPrefix(" asrlens ") && final.contains(" tiny.en ") && final.contains("patches \(patches.count) "), "status line: \(final)")

        // The shown result is that of the final set: the same WER as the CLI computes for it.
        if !specs.isEmpty {
            let r = try CLIRunner.run(["patch", "--model", "tiny.en", "--json", ExplorerTerminalTests.clip] + specs.flatMap { ["--patch", $0] })
            let wer = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["wer"] as? Double)
            #expect(final.contains(String(format: "WER %.2f ", wer)), "CLI WER \(wer):\n\(final)")
        }
        try t.send("u")
        try t.waitFor { $0.contains(specs.count > 1 ? "[\(specs.count - 1)] " : "patches: none") || $0.contains("patches: none") }
        // q asks first while patches are on; y confirms (and is harmless if q already quit).
        try t.send("q")
        try t.waitFor(timeout: 10) { $0.contains("Quit and lose") || !$0.contains(" asrlens ") }
        try t.send("y")
        #expect(t.exitLine() == "EXIT=0", "the explorer answered q after the burst")
    }
}
