import Foundation
import Model

/// One line of the `:` command language (`asrlens run` scripts and the explorer's `:` line),
/// parsed and checked against the model's sizes but not yet applied.
public enum ScriptCommand: Equatable, Sendable {
    /// A blank line or a `#` comment.
    case nothing
    /// `:unpatch [N]`: removes patch N (from 1, as the explorer lists them), else the last one.
    case patch(Patch), unpatch(Int?), clear
    case layer(Int), head(Int)
    case kind(AttentionKind)
    case lnPost(Bool)
    /// `:attention-window K|off`: encoder self-attention restricted to ±K frames, or full again.
    case attentionWindow(Int?)
    /// `:export VIEW FORMAT PATH`; `:export!` replaces a file that is there (`OutputFile`).
    case export(ExportView, ExportFormat, OutputFile)
    /// `:export sweep FORMAT PATH`: the explorer's finished sweep, as `asrlens sweep` prints it.
    case exportSweep(ExportFormat, OutputFile)
    /// `:save-activations SITES FILE`: the shown run's activations at SITES (comma-separated
    /// sites or patterns) as `.safetensors` or `.npz` (`ActivationExport`).
    case saveActivations([String], OutputFile)
    /// `:show clean|patched`: which run the views and exports show while patches are on (the
    /// explorer's `x`).
    case show(patched: Bool)
    /// `:window N`: the explorer's 30-second window N (from 1).
    case window(Int)
    /// `:view NAME|N`: the explorer's view N (from 1, as the keys 1 to 6 choose it).
    case view(Int)
    /// `:save-session FILE`: the session as a script of `:` lines that rebuilds it.
    case saveSession(OutputFile)
    /// `:q`, `:quit`: quits, asking first in the explorer when work would be lost.
    case quit
    /// `:q!`, `:quit!`: quits without asking, as in vi.
    case forceQuit

    /// How `:export` writes a view: as data (every row and column) or, in the explorer, as
    /// the screen's text.
    public enum ExportFormat: String, CaseIterable, Sendable {
        case text, tsv, json, md, screen
        public var table: Table.Format? { Table.Format(rawValue: rawValue) }
    }

    public static let usages = [
        ":patch SITE@POSITIONS=SOURCE", ":unpatch [N]", ":clear", ":layer L", ":head H",
        ":kind cross|self|encoder|alignment|mean", ":lnpost on|off", ":attention-window K|off", ":export VIEW FORMAT PATH",
        ":save-activations SITES FILE", ":show clean|patched", ":window N", ":view NAME", ":save-session FILE", ":q", ":q!",
    ]

    /// The explorer's views by number (from 1), as `:view` and the export file names call them.
    public static let viewNames = ["transcript", "lens", "encoder-lens", "attention", "patch", "sweep"]

    /// The command names, for completion on the `:` line.
    public static let names = ["patch", "unpatch", "clear", "layer", "head", "kind", "lnpost", "attention-window", "export", "save-activations", "show", "window",
                               "view", "save-session", "quit"]

    /// Parses `line`. Layer and head ranges follow `attention` (encoder or decoder sizes);
    /// `frames` and `tokens` bound patch positions.
    /// A script's lines. LF, CRLF and CR all end a line (a CRLF is one `Character` in Swift, so
    /// splitting on "\n" alone would leave it, and the next command, inside the line).
    public static func lines(_ script: String) -> [Substring] {
        script.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// A script's command lines, trimmed, with their line numbers (from 1): blank lines and `#`
    /// comments left out.
    public static func commands(_ script: String) -> [(number: Int, line: String)] {
        lines(script).enumerated().compactMap { i, raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            return line.isEmpty || line.hasPrefix("#") ? nil : (i + 1, line)
        }
    }

    public static func parse(_ line: String, hyper: Hyperparameters, frames: Int, tokens: Int,
                             attention: AttentionKind) throws -> ScriptCommand {
        let text = withoutComment(line)
        if text.isEmpty || text == ":" { return .nothing }
        guard text.hasPrefix(":") else {
            throw InputError(text, "not a command (commands start with ':'; allowed: \(usages.joined(separator: ", ")))")
        }
        let words = text.dropFirst().split(whereSeparator: \.isWhitespace).map(String.init)
        /// The words from the `n`th on, as written: a path keeps the spaces inside it.
        func rest(from n: Int) -> String {
            var s = text.dropFirst()
            for _ in 0..<n { s = s.drop(while: \.isWhitespace).drop { !$0.isWhitespace } }
            return s.trimmingCharacters(in: .whitespaces)
        }
        // Each command takes its arguments and no more: a word left over is refused, not ignored
        // (`:layer 1 2` is a mistake, not layer 1).
        // `:export!` and the other writers' `!` forms replace an existing file.
        let first = words.first ?? "", bang = first.hasSuffix("!") && OutputFile.commands.contains(String(first.dropLast()))
        let name = bang ? String(first.dropLast()) : first, usage = usages.first { $0 == ":" + name || $0.hasPrefix(":\(name) ") } ?? ":" + name
        func argument(_ i: Int, _ usage: String = usage) throws -> String {
            guard i < words.count else { throw InputError(text, "missing argument (usage: \(usage))") }
            return words[i]
        }
        func output(_ path: String) throws -> OutputFile {
            OutputFile(try checkedPath(path), replacing: bang, command: name)
        }
        func arguments(atMost n: Int) throws {
            guard words.count <= n + 1 else { throw InputError(words[n + 1], "unexpected argument to :\(name) (usage: \(usage))") }
        }
        switch name {
        case "patch":
            // A source path may hold spaces (`clip:/data/my clip.wav`).
            _ = try argument(1)
            let patch = try Patch.parse(rest(from: 1), hyper: hyper, frames: frames, tokens: tokens)
            try checkCommentInPath(patch.source, line: line, kept: text)
            return .patch(patch)
        case "unpatch":
            try arguments(atMost: 1)
            guard words.count > 1 else { return .unpatch(nil) }
            guard let n = Int(words[1]), n >= 1 else { throw InputError(words[1], "not a patch number (patches count from 1)") }
            return .unpatch(n)
        case "clear":
            try arguments(atMost: 0)
            return .clear
        case "layer":
            try arguments(atMost: 1)
            let text = try argument(1, ":layer L")
            return .layer(try ViewSettings.check(Int(text), of: attention, hyper: hyper, text: text))
        case "head":
            try arguments(atMost: 1)
            let text = try argument(1, ":head H")
            return .head(try ViewSettings.check(Int(text), head: true, of: attention, hyper: hyper, text: text))
        case "kind":
            try arguments(atMost: 1)
            let k = try argument(1, ":kind cross|self|encoder|alignment|mean")
            guard let kind = AttentionKind(rawValue: k) else {
                throw InputError(k, "unknown attention kind\(Suggestion.didYouMean(k, among: AttentionKind.allCases.map(\.rawValue))) (allowed: cross, self, encoder, alignment, mean)")
            }
            return .kind(kind)
        case "lnpost":
            try arguments(atMost: 1)
            let v = try argument(1, ":lnpost on|off")
            guard v == "on" || v == "off" else { throw InputError(v, "expected on or off") }
            return .lnPost(v == "on")
        case "attention-window":
            try arguments(atMost: 1)
            let v = try argument(1, ":attention-window K|off")
            if v == "off" { return .attentionWindow(nil) }
            guard let k = Int(v), PatchSet.attentionWindowRange.contains(k) else {
                throw InputError(v, "not a window (frames either side, 0 to \(PatchSet.attentionWindowRange.upperBound), or off)")
            }
            return .attentionWindow(k)
        case "export":
            let usage = ":export VIEW FORMAT PATH"
            let viewName = try argument(1, usage), formatName = try argument(2, usage)
            let path = words.count > 3 ? rest(from: 3) : try argument(3, usage)
            guard let format = ExportFormat(rawValue: formatName) else {
                let formats = ExportFormat.allCases.map(\.rawValue)
                throw InputError(formatName, "unknown format\(Suggestion.didYouMean(formatName, among: formats)) (allowed: \(formats.joined(separator: ", ")))")
            }
            if viewName == "sweep" { return .exportSweep(format, try output(path)) }
            guard let view = ExportView(rawValue: viewName) else {
                let views = ExportView.allCases.map(\.rawValue) + ["sweep"]
                throw InputError(viewName, "unknown view\(Suggestion.didYouMean(viewName, among: views)) (allowed: \(views.joined(separator: ", ")))")
            }
            return .export(view, format, try output(path))
        case "save-activations":
            let usage = ":save-activations SITES FILE"
            let list = try argument(1, usage)
            let sites = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            // `enc.out, dec.0.resid_post x.npz` would save enc.out alone to "dec.0.resid_post x.npz".
            if sites.contains("") { throw InputError(list, "an empty site in the list (sites are separated by commas, without spaces)") }
            let path = words.count > 2 ? rest(from: 2) : try argument(2, usage)
            if path.hasPrefix(",") { throw InputError("\(list) \(path)", "a space in the site list (sites are separated by commas, without spaces)") }
            for site in sites { _ = try Site.matching(site, hyper: hyper) }
            return .saveActivations(sites, try output(path))
        case "show":
            try arguments(atMost: 1)
            let v = try argument(1)
            guard v == "clean" || v == "patched" else { throw InputError(v, "expected clean or patched") }
            return .show(patched: v == "patched")
        case "window":
            try arguments(atMost: 1)
            let w = try argument(1, ":window N")
            guard let n = Int(w), n >= 1 else { throw InputError(w, "not a window number (windows count from 1)") }
            return .window(n)
        case "view":
            try arguments(atMost: 1)
            let v = try argument(1, ":view NAME")
            if let n = Int(v), (1...viewNames.count).contains(n) { return .view(n) }
            guard let i = viewNames.firstIndex(of: v) else {
                throw InputError(v, "unknown view\(Suggestion.didYouMean(v, among: viewNames)) (allowed: \(viewNames.joined(separator: ", ")), or 1 to \(viewNames.count))")
            }
            return .view(i + 1)
        case "save-session":
            let path = words.count > 2 ? rest(from: 1) : try argument(1, ":save-session FILE")
            return .saveSession(try output(path))
        case "q", "quit":
            try arguments(atMost: 0)
            return .quit
        case "q!", "quit!":
            try arguments(atMost: 0)
            return .forceQuit
        default:
            // Names only, so the message fits the explorer's status lines; its help (?) shows usages.
            // `:exprot!` means `:export!`: the `!` is kept off the comparison and put back.
            let bang = name.hasSuffix("!")
            let meant = Suggestion.didYouMean(bang ? String(name.dropLast()) : name, among: names + ["q"], prefix: ":", suffix: bang ? "!" : "")
            throw InputError(text, "unknown command\(meant) (commands: \(names.map { ":" + $0 }.joined(separator: " ")))")
        }
    }

    /// The line without its comment: a `#` that starts the line, or follows a space outside
    /// a quoted word (`:export lens tsv out.tsv  # the lens`); a `#` inside a word stays
    /// (`take#2.tsv`). A quote opens after a space, or after the `:` of a patch's `clip:` or
    /// `file:` source (`=clip:"take #2.wav"`).
    static func withoutComment(_ line: String) -> String {
        var quote: Character?, previous: Character = " "
        for i in line.indices {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if (previous.isWhitespace || (previous == ":" && (line[..<i].hasSuffix("=clip:") || line[..<i].hasSuffix("=file:")))) && (c == "\"" || c == "'") {
                quote = c
            } else if previous.isWhitespace && c == "#" {
                return line[..<i].trimmingCharacters(in: .whitespaces)
            }
            previous = c
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// `=clip:take #2.wav` reads as `clip:take` and a comment: when `take` is no file but the
    /// path with the comment is, says to quote it (the reply had been "take: no such file").
    static func checkCommentInPath(_ source: PatchSource, line: String, kept: String) throws {
        let whole = line.trimmingCharacters(in: .whitespaces)
        guard whole.count > kept.count, whole.hasPrefix(kept) else { return }
        guard case .clip(let path) = source else { return }
        let meant = path + whole.dropFirst(kept.count)
        guard !FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: meant) else { return }
        throw InputError(path, "no such file; ' #' begins a comment, so quote a path that holds it: clip:\"\(meant)\"")
    }

    /// A path to write, read as a shell user means it: quotes around it are dropped, a leading
    /// `~/` is the home folder, and a lone `-` is refused. A control character in it is a pasted
    /// CR, a tab or worse, never a file name meant.
    static func checkedPath(_ given: String) throws -> String {
        var path = given
        if path.count >= 2, let q = path.first, q == "\"" || q == "'" {
            // A quoted path is the whole argument: `"a.tsv" extra` is a mistake, not a name.
            guard let close = path.dropFirst().firstIndex(of: q) else { throw InputError(given, "an unclosed quote") }
            guard path.index(after: close) == path.endIndex else {
                throw InputError(String(path[path.index(after: close)...]), "unexpected text after the quoted path")
            }
            path = String(path.dropFirst().dropLast())
        }
        if path.hasPrefix("~/") { path = NSHomeDirectory() + path.dropFirst() }
        // On the command line '-' is standard output; here it would be a file named '-'.
        if path == "-" { throw InputError("-", "names no file here: give a path (in an asrlens run script, /dev/stdout prints the export)") }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw InputError(path.debugDescription, "the path holds a control character")
        }
        return path
    }
}
