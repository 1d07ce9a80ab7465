import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Scratch files and folders that must not outlive the process: an interrupted model install,
/// a synthesizer's temporary WAV. Registered paths are removed when SIGINT, SIGTERM or SIGHUP
/// arrives, and the process then dies of that signal as it would have. (Normal exits remove
/// them with `defer`; this covers Ctrl-C and kill.)
///
/// The signal handler only writes the signal number to a pipe, which is async-signal-safe; a
/// thread reading the pipe does the removal with ordinary code, so a signal that lands inside
/// `malloc` cannot deadlock. The handlers are installed on the first `register`, so commands
/// that never register (the explorer, which restores the terminal on these signals) keep theirs.
public enum ScratchPaths {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [String] = []
    nonisolated(unsafe) private static var signalPipe: Int32 = -1

    private static let installHandlers: Void = {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        signalPipe = fds[1]
        let reader = fds[0]
        unblockInterrupts()   // the reader thread below inherits the mask
        let thread = Thread {
            var sig: Int32 = 0
            while read(reader, &sig, MemoryLayout<Int32>.size) != MemoryLayout<Int32>.size {}
            // The lock stays held until the process dies: work that ends now (a `remove` in a
            // `defer`) waits instead of racing the removal or exiting with another status.
            lock.lock()
            removeAll()
            signal(sig, SIG_DFL)
            raise(sig)
        }
        thread.start()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                var v = s
                _ = write(ScratchPaths.signalPipe, &v, MemoryLayout<Int32>.size)
            }
        }
    }()

    /// Lets SIGINT, SIGTERM and SIGHUP through on this thread (and threads it starts later). A
    /// parent may have started us with them blocked (threads of a GCD pool block them, and the
    /// mask is inherited), and then Ctrl-C or kill would not stop the command.
    public static func unblockInterrupts() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Removes `path` (a file or a whole folder) if the process is interrupted.
    public static func register(_ path: String) {
        installHandlers
        lock.lock(); paths.append(path); lock.unlock()
    }


    /// Removes `path` now and stops watching it: the normal end of the work. Serialised with
    /// the removal on a signal, so the two never delete one tree at once (each would stop at
    /// the other's deletions and leave the folder).
    public static func remove(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        removeTree(path)
        paths.removeAll { $0 == path }
    }

    /// Caller holds `lock`. Child processes writing into the paths (pip, espeak-ng) are stopped
    /// first, or they would write on into a folder just removed.
    private static func removeAll() {
        let running = descendants(of: getpid())
        for pid in running { kill(pid, SIGKILL) }
        // They are not ours to reap (Foundation's Process does); give them a moment to die.
        if !running.isEmpty { usleep(200_000) }
        for p in paths { removeTree(p) }
    }

    /// Every process below `root`, at any depth, from /proc: a child may be a wrapper (pyenv's
    /// `python3` is a shell script) whose own child does the writing.
    static func descendants(of root: Int32) -> [Int32] {
        var parent: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm)": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = Int32(fields[1]) { parent[pid] = ppid }
        }
        var found: [Int32] = [], frontier: Set<Int32> = [root]
        while !frontier.isEmpty {
            let next = parent.filter { frontier.contains($0.value) }.map(\.key)
            found += next
            frontier = Set(next)
        }
        return found
    }

    /// A few tries: a writer that was still busy (a dying child) may add an entry meanwhile.
    private static func removeTree(_ path: String) {
        for _ in 0..<3 {
            try? FileManager.default.removeItem(atPath: path)
            var st = stat()
            if lstat(path, &st) != 0 { return }
            usleep(50_000)
        }
    }
}
