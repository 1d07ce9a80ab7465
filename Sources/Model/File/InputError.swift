/// An error about something the user handed us: it names the input and says what is wrong.
///
/// Every layer throws this for bad files, bad names and bad arguments, so the command line can
/// print one line, `asrlens: <subject>: <problem>`, and exit with status 2.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The offending input: a path, a model name, a site, a script line.
    public let subject: String
    /// What is wrong with it, in a short lower-case phrase.
    public let problem: String

    public init(_ subject: String, _ problem: String) {
        self.subject = subject
        self.problem = problem
    }

    public var description: String { "\(subject): \(problem)" }
}
