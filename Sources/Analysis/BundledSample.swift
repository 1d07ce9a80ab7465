import Foundation

/// The sample clip shipped with asrlens, the default for `explore` and `report`.
public enum BundledSample {
    static let relative = "assets/sense-and-sensibility-0870.wav"

    /// Found beside the running executable or up to five folders above it (a build tree or an
    /// install), else in the checkout this program was built from (a binary copied elsewhere),
    /// else the path relative to the working directory, which then names the missing file.
    public static var path: String {
        // /proc/self/exe, not argv[0]: a program found through PATH has a bare name there.
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates: [URL] = []
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent(relative))
            dir = dir.deletingLastPathComponent()
        }
        // Sources/Analysis/BundledSample.swift → the checkout's root.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(checkout.appendingPathComponent(relative))
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }?.path ?? relative
    }
}
