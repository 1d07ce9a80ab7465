import Analysis
import Model

/// The `:` line (typing, history, completion, and running a command), the `/` search and the
/// help filter. Part of the pure reducer; `asrlens run` sends its script lines through `run`.
enum CommandLine {
    static func typing(_ s: inout ExplorerState, _ effects: inout [Effect], _ action: Action) {
        switch s.mode {
        case .command(var line):
            switch action {
            case .type(let c): line.insert(c); line.historyIndex = nil
            case .clearLine: line = LineEditor()
            case .deleteBackward:
                if line.text.isEmpty { s.mode = .normal; return }
                _ = line.deleteBackward()
            case .cursor(let d): line.move(to: line.cursor + d)
            case .cursorToStart: line.move(to: 0)
            case .cursorToEnd: line.move(to: line.text.count)
            case .deleteWord: line.deleteWordBackward()
            case .historyUp, .historyDown:
                guard !s.history.isEmpty else { return }
                let up = { if case .historyUp = action { return true } else { return false } }()
                let i = line.historyIndex ?? s.history.count
                let next = up ? max(0, i - 1) : i + 1
                if next >= s.history.count { line = LineEditor() } else { line.text = s.history[next]; line.historyIndex = next }
            case .complete:
                // Completes the word at the end; the cursor goes there.
                let (text, matches) = complete(line.text, s)
                line.text = text
                // Several ways on: list them, as a shell does.
                if matches.count > 1 { s.status = ExplorerState.Status("\(matches.count) completions: " + matches.joined(separator: "  ")) }
            case .submit:
                s.mode = .normal
                let text = line.text.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return }
                if s.history.last != text { s.history.append(text) }
                if s.history.count > 100 { s.history.removeFirst(s.history.count - 100) }
                run(&s, &effects, ":" + text)
                return
            default: return
            }
            s.mode = .command(line)
        case .search(let text):
            switch action {
            case .type(let c): s.mode = .search(text + String(c))
            case .clearLine: s.mode = .search("")
            case .deleteBackward: s.mode = text.isEmpty ? .normal : .search(String(text.dropLast()))
            case .submit: s.mode = .normal; Search.run(&s, text, forward: true, again: false)
            default: break
            }
        case .help(let filter, _):
            switch action {
            case .type(let c): s.mode = .help(filter: filter + String(c), scroll: 0)
            case .clearLine: s.mode = .help(filter: "", scroll: 0)
            case .deleteBackward: s.mode = .help(filter: String(filter.dropLast()), scroll: 0)
            case .submit: s.mode = .normal
            default: break
            }
        default: break
        }
    }

    /// Completes the last word of a `:` line: a command name, then a site, view or format.
    /// Returns the line and the candidates that matched.
    static func complete(_ text: String, _ s: ExplorerState) -> (String, [String]) {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard let last = words.last else { return (text, []) }
        let candidates: [String]
        if words.count == 1 {
            candidates = ScriptCommand.names
        } else {
            switch words[0] {
            case "patch": candidates = siteNames(s)
            case "export": candidates = words.count == 2 ? ExportView.allCases.map(\.rawValue) + ["sweep"] : ScriptCommand.ExportFormat.allCases.map(\.rawValue)
            case "kind": candidates = AttentionKind.allCases.map(\.rawValue)
            case "lnpost": candidates = ["on", "off"]
            case "show": candidates = ["clean", "patched"]
            case "view": candidates = ScriptCommand.viewNames
            default: candidates = []
            }
        }
        let matches = candidates.filter { $0.hasPrefix(last) }
        guard !matches.isEmpty else { return (text, []) }
        // The longest common prefix; a single match gets a space after it (not for sites,
        // which go on with @; the command `patch` itself does get one).
        var prefix = matches[0]
        for m in matches.dropFirst() { while !m.hasPrefix(prefix) { prefix.removeLast() } }
        let isSite = words.count > 1 && words[0] == "patch"
        words[words.count - 1] = prefix
        let done = matches.count == 1 && !isSite
        return (words.joined(separator: " ") + (done ? " " : ""), matches)
    }

    /// Every site name the model has, for completion.
    static func siteNames(_ s: ExplorerState) -> [String] {
        guard let h = s.hyper else { return [] }
        return Site.all(h).map(\.description)
    }

    /// Runs one line of the `:` language against the state: the same code for the explorer's
    /// `:` line and for `asrlens run` scripts.
    static func run(_ s: inout ExplorerState, _ effects: inout [Effect], _ line: String) {
        do {
            try apply(&s, &effects, line)
        } catch {
            s.status = .init("\(error)", isError: true)
        }
    }

    /// As `run`, but throwing the line's error (for scripts, which stop at the first).
    static func apply(_ s: inout ExplorerState, _ effects: inout [Effect], _ line: String) throws {
        guard let engine = s.engine else { throw InputError(line, "the clip is still loading") }
        let hyper = engine.model.hyper
        let command = try ScriptCommand.parse(line, hyper: hyper, frames: hyper.audioPositions, tokens: engine.tokenPositions,
                                              attention: s.settings.attentionKind)
        let text = line.trimmingCharacters(in: .whitespaces)
        switch command {
        case .nothing: return
        case .patch(let p):
            // The same patch twice changes nothing but the list: refused, as a toggle would take it off.
            if let i = s.settings.patches.firstIndex(of: p) { throw InputError(p.description, "is already on, as patch \(i + 1)") }
            s.settings.patches.append(p)
            s.status = .init("patch on: \(p)")
            return
        case .unpatch(let n):
            guard !s.settings.patches.isEmpty else { throw InputError(text, "no patch to remove") }
            let count = s.settings.patches.count
            guard let n else { s.settings.patches.removeLast(); break }
            guard n <= count else { throw InputError(text, count == 1 ? "there is one patch, number 1" : "there are \(count) patches, numbered 1 to \(count)") }
            s.settings.patches.remove(at: n - 1)
        case .clear: s.settings.patches.removeAll()
        case .layer(let l):
            s.settings.layer = l
            s.view = .attention
            if s.settings.attentionKind.isMean { s.settings.attentionKind = .cross }
        case .head(let h):
            s.settings.head = h
            s.view = .attention
            if s.settings.attentionKind.isMean { s.settings.attentionKind = .cross }
        case .kind(let k):
            s.settings.attentionKind = k
            // A layer or head chosen for another kind may not exist here (32 encoder layers, 4 decoder ones).
            if let hyper = s.window?.engine.model.hyper {
                let (layers, heads) = k == .encoder ? (hyper.encoderLayers, hyper.encoderHeads) : (hyper.decoderLayers, hyper.decoderHeads)
                s.settings.layer = min(s.settings.layer, layers - 1)
                s.settings.head = min(s.settings.head, heads - 1)
            }
        case .lnPost(let on): s.settings.lnPost = on
        case .attentionWindow(let k): s.settings.attentionWindow = k
        case .export(let view, let format, let path):
            if let table = format.table {
                effects.append(.export(.data(view, table), path))
            } else if let screen = ExplorerState.View.allCases.first(where: { $0.export == view }) {
                effects.append(.export(.screen(screen), path))
            } else {
                throw InputError(view.rawValue, "is not a screen of the explorer; export it as text, tsv, json or md")
            }
            s.status = .init("exporting \(view.rawValue) to \(path)…")
            return
        case .exportSweep(let format, let path):
            guard s.sweep.result != nil else {
                throw InputError("sweep", "no sweep has finished in this window; press r in the sweep view (6), or run asrlens sweep")
            }
            effects.append(.export(format.table.map { .sweep($0) } ?? .screen(.sweep), path))
            s.status = .init("exporting sweep to \(path)…")
            return
        case .saveActivations(let sites, let path):
            effects.append(.export(.activations(sites), path))
            s.status = .init("saving activations to \(path)…")
            return
        case .show(let patched):
            // With nothing patched there is one run, as for `x`: the clean run would hide the next patch.
            guard patched || !s.settings.patchSet.isEmpty else {
                throw InputError(text, "no patches: the clean run is the only run (give :show clean after a :patch)")
            }
            s.settings.showPatched = patched
            s.status = .shownRun(patched: patched)
            return
        case .window(let n):
            guard n <= s.windowCount else {
                throw InputError(String(n), s.windowCount == 1 ? "no such window (the clip has one 30-second window)"
                                 : "no such window (the clip has \(s.windowCount) windows of 30 s)")
            }
            Patching.goToWindow(&s, &effects, n - 1)
            return
        case .view(let n):
            s.view = ExplorerState.View(rawValue: n) ?? s.view
        case .saveSession(let path):
            effects.append(.export(.session, path))
            s.status = .init("saving the session to \(path)…")
            return
        case .quit: Reducer.requestQuit(&s, &effects); return
        case .forceQuit: s.quit = true; effects.append(.quit); return
        }
        s.status = .init("ok: \(text)")
    }
}
