import Foundation

/// The command line that started this process, as a user could type it again: recorded in
/// reports and data sets so that they can be made again.
public enum Invocation {
    /// `asrlens report data/sentences.tsv --out 'my report.md'`: arguments quoted for a POSIX
    /// shell where they need it.
    public static var current: String {
        (["asrlens"] + CommandLine.arguments.dropFirst().map(quoted)).joined(separator: " ")
    }

    static func quoted(_ word: String) -> String {
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        guard word.isEmpty || !word.unicodeScalars.allSatisfy(plain.contains) else { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
