import Analysis
import Foundation
import Model

/// A session saved as a script of `:` lines (`:save-session`): replayed by `asrlens explore
/// --script`, it rebuilds what the explorer held: the attention map chosen, ln_post, the
/// attention window, every window's patches, and the view. `asrlens run` replays the same file
/// (a session of the first window only, since a script keeps one window).
public enum Session {
    /// The script that rebuilds `s`, whatever defaults the replaying explorer or script starts
    /// from (the explorer's attention map is the alignment heads' mean, `run`'s one head).
    public static func script(_ s: ExplorerState, date: Date = Date()) -> String {
        let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!,
                                              formatOptions: [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime])
        var lines = [
            "# asrlens session: \(s.modelName) on \(s.clipName), saved \(day) UTC",
            "# replay: asrlens explore --script FILE CLIP; asrlens run CLIP FILE replays a first window's session",
        ]
        // The kind first, since it says whose layers and heads :layer and :head count (encoder or
        // decoder); they choose a single head, so a mean of heads comes back after them.
        let kind = s.settings.attentionKind
        lines += [":kind \(kind.isMean ? AttentionKind.cross.rawValue : kind.rawValue)", ":layer \(s.settings.layer)", ":head \(s.settings.head)"]
        if kind.isMean { lines.append(":kind \(kind.rawValue)") }
        lines.append(":lnpost \(s.settings.lnPost ? "on" : "off")")
        lines.append(":attention-window \(s.settings.attentionWindow.map(String.init) ?? "off")")
        // Each window's patches; `:window` only when another window than the first is involved.
        let current = s.window?.index ?? s.windowIndex
        var byWindow = s.parkedPatches.filter { !$0.value.isEmpty }
        if !s.settings.patches.isEmpty { byWindow[current] = s.settings.patches }
        let named = byWindow.keys.contains { $0 != 0 } || current != 0
        var at = 0
        for (index, patches) in byWindow.sorted(by: { $0.key < $1.key }) {
            if named { lines.append(":window \(index + 1)") }
            at = index
            lines += patches.map { ":patch \($0)" }
        }
        if named && at != current { lines.append(":window \(current + 1)") }
        lines.append(":view \(s.view.name)")
        return lines.joined(separator: "\n") + "\n"
    }
}
