import Analysis
import Foundation
import Model

/// A session saved as a script of `:` lines (`:save-session`): replayed by `asrlens explore
/// --script`, it rebuilds what the explorer held: the attention map chosen, ln_post, the
/// attention window, every window's patches, the run shown (`x`), and the view. `asrlens run`
/// replays the same file (a session of the first window only, since a script keeps one window).
public enum Session {
    /// The script that rebuilds `s`, whatever defaults the replaying explorer or script starts
    /// from (the explorer's attention map is the alignment heads' mean, `run`'s one head).
    public static func script(_ s: ExplorerState, date: Date = Date()) -> String {
        let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!,
                                              formatOptions: [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime])
        let current = s.window?.index ?? s.windowIndex
        let language = s.window?.engine.language
        let options = replayOptions(s)
        var lines = [
            "# asrlens session, saved \(day) UTC",
            "\(Self.modelKey)\(s.modelName)",
            "\(Self.clipKey)\(s.clipName)",
        ]
        if let language { lines.append("\(Self.languageKey)\(language)") }
        lines += [
            "\(Self.baseKey)\(TranscriptView.seconds(s.windowBase))",
            "# replay: asrlens explore --script FILE \(options)CLIP, or for a session of one window "
                + "asrlens run \(options)CLIP FILE",
        ]
        // The kind first, since it says whose layers and heads :layer and :head count (encoder or
        // decoder); they choose a single head, so a mean of heads comes back after them.
        let kind = s.settings.attentionKind
        lines += [":kind \(kind.isMean ? AttentionKind.cross.rawValue : kind.rawValue)", ":layer \(s.settings.layer)", ":head \(s.settings.head)"]
        if kind.isMean { lines.append(":kind \(kind.rawValue)") }
        lines.append(":lnpost \(s.settings.lnPost ? "on" : "off")")
        lines.append(":attention-window \(s.settings.attentionWindow.map(String.init) ?? "off")")
        // Each window's patches; `:window` only when another window than the first is involved.
        var byWindow = s.parkedPatches.filter { !$0.value.isEmpty }
        if !s.settings.patches.isEmpty { byWindow[current] = s.settings.patches }
        let named = byWindow.keys.contains { $0 != 0 } || current != 0
        var at = 0
        for (index, patches) in byWindow.sorted(by: { $0.key < $1.key }) {
            if named { lines.append(":window \(index + 1)") }
            at = index
            lines += patches.map { ":patch \(Self.absolute($0))" }
        }
        if named && at != current { lines.append(":window \(current + 1)") }
        if !s.settings.showsPatchedRun && !s.settings.patchSet.isEmpty { lines.append(":show clean") }
        lines.append(":view \(s.view.name)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The options a replay needs to rebuild the same transcript: the model; on a multilingual
    /// model the language decoded in (another clip or window could be detected as another, and
    /// the patches' positions would fall on another transcript); the window's offset.
    public static func replayOptions(_ s: ExplorerState) -> String {
        let current = s.window?.index ?? s.windowIndex
        let language = s.window.flatMap { $0.engine.model.specials.isMultilingual ? $0.engine.language : nil }
        return "--model \(s.modelName) " + (language.map { "--language \($0) " } ?? "")
            + offsetOption(s.windowBase + Double(current) * ClipWindow.seconds)
    }

    /// A patch whose source names a file, with that path made absolute: a session replayed from
    /// another folder finds its reference clips.
    static func absolute(_ p: Patch) -> Patch {
        func full(_ path: String) -> String { path.hasPrefix("/") || path.hasPrefix("~") ? path : URL(fileURLWithPath: path).standardizedFileURL.path }
        switch p.source {
        case .clip(let path): return Patch(site: p.site, positions: p.positions, source: .clip(full(path)))
        case .file(let path, let name): return Patch(site: p.site, positions: p.positions, source: .file(path: full(path), name: name))
        default: return p
        }
    }

    static let modelKey = "# model: ", clipKey = "# clip: ", languageKey = "# language: ", baseKey = "# window 1 starts at (s): "

    static func offsetOption(_ seconds: Double) -> String { seconds == 0 ? "" : "--offset \(TranscriptView.seconds(seconds)) " }

    /// How the explorer replaying `script` differs from the one that saved it (model, clip,
    /// language, where its windows start), from the script's comment lines; empty when it does
    /// not, or when the script is not a saved session. The language is compared once a window
    /// has loaded.
    public static func mismatches(_ script: String, _ s: ExplorerState) -> [String] {
        var out: [String] = []
        for line in ScriptCommand.lines(script).prefix(10).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix(modelKey), case let saved = String(line.dropFirst(modelKey.count)), saved != s.modelName {
                out.append("saved on \(saved), replayed on \(s.modelName)")
            }
            if line.hasPrefix(clipKey), !s.clipName.isEmpty, case let saved = String(line.dropFirst(clipKey.count)), saved != s.clipName {
                out.append("saved on \(saved), replayed on \(s.clipName)")
            }
            if line.hasPrefix(languageKey), let here = s.window?.engine.language, case let saved = String(line.dropFirst(languageKey.count)), saved != here {
                out.append("decoded in language \(saved), replayed in \(here): give --language \(saved), or its positions fall on another transcript")
            }
            if line.hasPrefix(baseKey), let saved = Double(line.dropFirst(baseKey.count)), abs(saved - s.windowBase) > 0.05 {
                out.append("its windows started at \(TranscriptView.seconds(saved)) s, here at \(TranscriptView.seconds(s.windowBase)) s: "
                           + "give --offset as when it was saved, or positions fall on other audio")
            }
        }
        return out
    }

    /// Lines the explorer replays at most; a longer script is for `asrlens run`.
    public static let maximumReplayLines = 2000

    /// Refuses, before the screen opens, a script longer than the explorer replays.
    public static func checkReplayable(_ script: String, name: String) throws {
        let commands = ScriptCommand.commands(script).count
        guard commands <= maximumReplayLines else {
            throw InputError(name, "has \(commands) command lines; the explorer replays at most \(maximumReplayLines) (asrlens run takes any length)")
        }
    }
}
