import Foundation

/// Standard output, checked. Every `print` in the command-line target goes through the
/// function below (it shadows the standard library's), which remembers the first write that
/// failed (a full disk, `/dev/full`). `Main` reports it as one line and status 2 when the command
/// ends, so `asrlens transcribe clip.wav > /dev/full` never exits 0.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    StandardOutput.write(items.map { "\($0)" }.joined(separator: separator) + terminator)
}

enum StandardOutput {
    /// The errno of the first failed write, or 0.
    nonisolated(unsafe) private(set) static var failure: Int32 = 0

    static func write(_ text: String) {
        guard failure == 0 else { return }   // the output is already incomplete
        // stdout is line-buffered, so a line's write fails here, not at exit.
        if fputs(text, stdout) == EOF || ferror(stdout) != 0 { failure = errno == 0 ? EIO : errno }
    }

    /// Flushes what is buffered; the message for a write that failed, or nil.
    static func finish() -> String? {
        if fflush(stdout) != 0, failure == 0 { failure = errno == 0 ? EIO : errno }
        guard failure != 0 else { return nil }
        let reason = failure == ENOSPC || failure == EDQUOT ? "the disk is full" : String(cString: strerror(failure)).lowercased()
        return "standard output: cannot write: \(reason); the output is incomplete"
    }
}

/// Standard error. A failed write there (`2>/dev/full`) is ignored: there is nowhere left to
/// report it, and Foundation's non-throwing `FileHandle.write` would trap instead.
enum StandardError {
    static func write(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    /// `asrlens: MESSAGE` as one line. Control characters, which a file name may hold (a newline,
    /// an escape sequence), are written as `\n`, `\t`, `\r` or `\xHH`: the message stays one
    /// line and never drives the terminal.
    static func line(_ message: String) {
        write("asrlens: " + visible(message) + "\n")
    }

    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                out += String(format: "\\x%02x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
