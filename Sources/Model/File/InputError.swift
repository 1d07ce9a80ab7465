/// An error about something the user handed us: it names the input and says what is wrong.
///
/// Every layer throws this for bad files, bad names and bad arguments, so the command line can
/// print one line, `asrlens: <subject>: <problem>`, and exit with status 2.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The offending input: a path, a model name, a site, a script line.
    public let subject: String
    /// What is wrong with it, in a short lower-case phrase.
    public let problem: String

    /// A subject longer than `longestSubject` characters (a pasted megabyte, a binary line) is
    /// cut, so that the message stays one readable line.
    public init(_ subject: String, _ problem: String) {
        let utf8 = subject.utf8.count
        self.subject = utf8 <= Self.longestSubject ? subject
            : String(subject.prefix(Self.longestSubject / 2)) + "… (\(utf8) bytes)"
        self.problem = problem
    }

    public static let longestSubject = 400

    /// An empty subject (an empty argument: `--out ''`) is written as '' so the line still names it.
    public var description: String { "\(subject.isEmpty ? "''" : subject): \(problem)" }
}
