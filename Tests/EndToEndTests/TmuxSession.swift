import Foundation

/// A real terminal for end-to-end tests: a private tmux server runs a command in a pane;
/// `send` types keys and `screen` reads the pane back with `capture-pane`.
///
/// tmux is run with its output sent to a file, never a pipe: the server that `new-session`
/// forks inherits the client's descriptors, and a pipe would keep the reader waiting forever.
final class TmuxSession {
    let socket = "asrlens-test-\(UUID().uuidString.prefix(8))"
    let directory: URL
    private let config: URL

    /// Starts `command` in a `width`×`height` pane whose terminal is tmux-256color; when the
    /// command ends its exit status goes to `exit.txt` and the pane stays open for inspection.
    init(command: String, width: Int = 180, height: Int = 50) throws {
        directory = try CLIRunner.temporaryDirectory()
        config = directory.appendingPathComponent("tmux.conf")
        try "set -g default-terminal tmux-256color\nset -g status off\n".write(to: config, atomically: true, encoding: .utf8)
        let line = "cd \(Self.quote(directory.path)) && \(command); echo EXIT=$? > exit.txt; sleep 3600"
        try tmux(["new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)", line])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a program with stdout to a file and waits for it with waitpid. (Foundation's
    /// `Process.waitUntilExit` can miss the exit of a tmux client that has forked a server,
    /// and `Process` passes on the calling thread's blocked signals.)
    static func spawnAndWait(_ argv: [String], stdout path: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // A shell starts programs with no signals blocked; test threads block most of them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let cArgs = (["/usr/bin/env"] + argv).map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let r = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, cArgs, environ)
        guard r == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "posix_spawn tmux: \(String(cString: strerror(r)))"]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs one tmux client command and returns what it printed.
    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let out = directory.appendingPathComponent("tmux-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try Self.spawnAndWait(["tmux", "-u", "-L", socket, "-f", config.path] + args, stdout: out.path)
        return (try? String(contentsOf: out, encoding: .utf8)) ?? ""
    }

    /// Types keys in tmux's `send-keys` names ("Enter", "Space", "C-s", or literal text).
    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "t"] + keys) }

    /// The pane as text; with `escapes`, including its colour and attribute sequences.
    func screen(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-t", "t", "-p"] + (escapes ? ["-e"] : []))
    }

    /// Polls until `predicate` holds for the screen, and returns that screen (or the last one
    /// seen when `timeout` passes). Loading and patched runs are slow while other tests run.
    @discardableResult
    func waitFor(timeout: TimeInterval = 180, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var s = try screen()
        while !predicate(s) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            s = try screen()
        }
        return s
    }

    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 180) throws -> String {
        try waitFor(timeout: timeout) { $0.contains(text) }
    }

    /// A pane property in tmux's format language, e.g. `#{alternate_on}`.
    func format(_ f: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "t", f]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The command's exit line ("EXIT=0"), waiting up to `timeout` for it.
    func exitLine(timeout: TimeInterval = 60) -> String? {
        let file = directory.appendingPathComponent("exit.txt")
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let s = try? String(contentsOf: file, encoding: .utf8), !s.isEmpty {
                return s.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }
}
