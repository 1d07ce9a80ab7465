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
    nonisolated(unsafe) private static var children: [Int32] = []
    nonisolated(unsafe) private static var signalPipe: Int32 = -1

    private static let installHandlers: Void = {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        signalPipe = fds[1]
        let reader = fds[0]
        // A parent may have started us with these signals blocked (threads of a GCD pool block
        // them, and the mask is inherited); unblocked here, the reader thread below inherits that.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        let thread = Thread {
            var sig: Int32 = 0
            while read(reader, &sig, MemoryLayout<Int32>.size) != MemoryLayout<Int32>.size {}
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

    /// Removes `path` (a file or a whole folder) if the process is interrupted.
    public static func register(_ path: String) {
        installHandlers
        lock.lock(); paths.append(path); lock.unlock()
    }

    /// The path is gone or kept on purpose: no longer removed on a signal.
    public static func unregister(_ path: String) {
        lock.lock(); paths.removeAll { $0 == path }; lock.unlock()
    }

    /// A child process writing into a registered path (pip): stopped before the removal when
    /// a signal arrives, or it would write on into a folder that was just removed. A Ctrl-C in
    /// a terminal reaches it anyway; `kill PID` reaches only this process.
    public static func register(child pid: Int32) {
        installHandlers
        lock.lock(); children.append(pid); lock.unlock()
    }

    public static func unregister(child pid: Int32) {
        lock.lock(); children.removeAll { $0 == pid }; lock.unlock()
    }

    private static func removeAll() {
        lock.lock(); let all = paths, running = children; lock.unlock()
        for pid in running { kill(pid, SIGKILL) }
        // The children are not ours to reap (Foundation's Process does); give them a moment to die.
        if !running.isEmpty { usleep(200_000) }
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
