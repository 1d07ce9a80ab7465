import Foundation
import Model

/// Where a `:` command writes (`:export`, `:save-activations`, `:save-session`), and whether it
/// was given with `!` (`:export!`), which lets it replace a file that is already there.
public struct OutputFile: Equatable, Sendable, CustomStringConvertible {
    public let path: String
    /// Given with `!`: an existing file is replaced.
    public let replacing: Bool
    /// The command's name (`export`), for the refusal.
    public let command: String

    public init(_ path: String, replacing: Bool = false, command: String = "export") {
        self.path = path
        self.replacing = replacing
        self.command = command
    }

    public var description: String { path }

    /// The commands that write a file, and so take a `!`.
    public static let commands: Set<String> = ["export", "save-activations", "save-session"]

    /// The path as a set of written files holds it: `out.tsv` and `./out.tsv` are one file.
    public var key: String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// Refuses to replace a regular file that is there, unless the command has `!` or this
    /// session wrote the file itself (`written` holds `key`s), as vi's `:w` refuses another file:
    /// an export never destroys someone's work without being told to. Devices, pipes and open
    /// descriptors (`/dev/stdout`, even redirected to a file) are written through, never
    /// replaced, so they are not refused.
    public func checkFree(written: Set<String>) throws {
        guard !replacing, !written.contains(key), AtomicFile.descriptor(path) == nil else { return }
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return }
        throw InputError(path, "already exists; :\(command)! replaces it")
    }
}
