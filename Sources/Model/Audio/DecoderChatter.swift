import Foundation

/// mpg123, which libsndfile decodes MP3 with, prints notes of its own on standard error
/// ("Warning: Xing stream size off…", "Note: Trying to resync…"). asrlens's one line says what
/// matters about the file, and in the explorer standard error is the screen, so libsndfile's
/// calls run with descriptor 2 on /dev/null. Nested and concurrent calls share one redirection.
enum DecoderChatter {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var saved: Int32 = -1

    static func silenced<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        if depth == 0 {
            fflush(stderr)
            saved = dup(2)
            let null = open("/dev/null", O_WRONLY)
            if saved >= 0, null >= 0 { dup2(null, 2) }
            if null >= 0 { close(null) }
        }
        depth += 1
        lock.unlock()
        defer {
            lock.lock()
            depth -= 1
            if depth == 0, saved >= 0 { dup2(saved, 2); close(saved); saved = -1 }
            lock.unlock()
        }
        return try body()
    }
}
