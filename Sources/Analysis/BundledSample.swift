import Foundation

/// The sample clip shipped with asrlens, the default for `explore` and `report`.
public enum BundledSample {
    static let relative = "assets/sense-and-sensibility-0870.wav"

    /// Found beside the executable or up to five folders above it (a build tree or an install),
    /// else the path relative to the working directory.
    public static var path: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return relative
    }
}
