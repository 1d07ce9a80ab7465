import Analysis
import Model

/// The explorer's one place of change: `reduce(state, action)` returns the new state and the
/// work to start. Pure: no terminal, no engine calls, no clock; what it needs to know about the
/// clip it reads from the state's loaded window.
public enum Reducer {
    public static func reduce(_ state: ExplorerState, _ action: Action) -> (ExplorerState, [Effect]) {
        var s = state
        var effects: [Effect] = []
        // On a screen too small to show, a key could only act unseen: q (and Esc, to stay) alone work.
        if s.tooSmall, action.isKeyOrMouse {
            switch action {
            case .requestQuit: requestQuit(&s, &effects); return (s, effects)
            case .escape: s.mode = .normal; return (s, effects)
            default:
                if case .confirmQuit = s.mode { s.mode = .normal }
                return (s, effects)
            }
        }
        if action.clearsStatus { s.status = nil }
        switch action {
        case .showView(let v): s.view = v
        case .nextView: s.view = ExplorerState.View(rawValue: s.view.rawValue % ExplorerState.View.allCases.count + 1)!
        case .previousView:
            let n = ExplorerState.View.allCases.count
            s.view = ExplorerState.View(rawValue: (s.view.rawValue + n - 2) % n + 1)!
        case .move(let dx, let dy): Navigation.move(&s, dx: dx, dy: dy)
        case .page(let d): Navigation.page(&s, d)
        case .edge(let last): Navigation.edge(&s, last: last)
        case .openHelp: s.mode = .help(filter: "", scroll: 0)
        case .openCommand: s.mode = .command(LineEditor())
        case .openSearch: s.mode = .search("")
        case .searchAgain(let forward): Search.run(&s, s.lastSearch, forward: forward, again: true)
        case .requestQuit: requestQuit(&s, &effects)
        case .escape: s.mode = .normal
        case .exportView:
            // A view's data; the sweep's, once it has run; else the screen.
            let what: ExportWhat = s.view.export.map { .data($0, .text) } ?? (s.view == .sweep && s.sweep.result != nil ? .sweep(.text) : .screen(s.view))
            effects.append(.exportFresh(what, "asrlens-\(s.view.name).txt"))
        case .toggleShownRun:
            // With nothing patched there is one run: a toggle now would silently hide the next patch
            // (below, an empty patch set always shows the patched run).
            guard !s.settings.patchSet.isEmpty else {
                s.status = .init("no patches: x switches between the clean and the patched run once a patch is on")
                break
            }
            s.settings.showPatched.toggle()
            s.status = .shownRun(patched: s.settings.showPatched)
        case .window(let d): Patching.goToWindow(&s, &effects, s.windowIndex + d)
        case .toggleLnPost: s.settings.lnPost.toggle(); s.encoderLensScroll = 0
        case .layer(let d): Navigation.layer(&s, d)
        case .head(let d): Navigation.head(&s, d)
        case .cycleHeadMode:
            let order: [AttentionKind] = [.cross, .alignment, .mean]
            s.settings.attentionKind = order[((order.firstIndex(of: s.settings.attentionKind) ?? -1) + 1) % order.count]
        case .cycleAttentionKind:
            // The alignment heads' mean, where the view opens, is in the cycle (a mean of every head, after `:kind mean`, leads on to one cross head).
            let kinds: [AttentionKind] = [.alignment, .cross, .self, .encoder]
            s.settings.attentionKind = kinds[((kinds.firstIndex(of: s.settings.attentionKind) ?? 0) + 1) % kinds.count]
            s.settings.layer = 0; s.settings.head = 0; s.zoom = 1; s.attentionOffset = 0; s.attentionRowScroll = 0
            s.attentionRow = 0; s.attentionPick = nil
        case .togglePadding: s.showPadding.toggle(); Navigation.clampAttentionWindow(&s)
        case .zoom: s.zoom = s.zoom >= 8 ? 1 : s.zoom * 2; Navigation.clampAttentionWindow(&s); s.attentionPick = nil
        case .frameJump(let d): Navigation.moveFrame(&s, by: d)
        case .markStart, .markEnd, .selectWord, .cycleComponent, .cycleSource, .togglePatch:
            Patching.patchKey(&s, &effects, action)
        case .undo: Patching.undo(&s, redo: false)
        case .redo: Patching.undo(&s, redo: true)
        case .runSweep: Patching.startSweep(&s, &effects)
        case .toggleSweepMetric: s.sweepShowsDelta.toggle()
        case .cycleSweepWindow:
            let options = ExplorerState.sweepWindows
            s.sweepWindow = options[((options.firstIndex(of: s.sweepWindow) ?? 0) + 1) % options.count]
            s.status = .init("windows of \(s.sweepWindow) frames; r sweeps again")
        case .openSweepCell: Patching.openSweepCell(&s, &effects)
        case .type, .deleteBackward, .clearLine, .submit, .historyUp, .historyDown, .complete, .cursor, .cursorToStart, .cursorToEnd, .deleteWord:
            CommandLine.typing(&s, &effects, action)
        case .mouse(let x, let y, let what): Navigation.mouse(&s, &effects, x: x, y: y, what)
        case .resize(let w, let h): s.width = w; s.height = h
        case .commandLine(let line): CommandLine.run(&s, &effects, line)
        case .loading(let what, let fraction): s.loading = (what, fraction)
        case .loaded(let window, let count): Patching.loaded(&s, &effects, window, count: count)
        case .loadFailed(let message):
            // Without a first window there is nothing to explore: the explorer ends with the error.
            if s.window == nil { s.fatal = message; s.quit = true; effects.append(.quit) }
            s.windowIndex = s.window?.index ?? s.windowIndex
            s.status = .init(message, isError: true)
        case .ran(let snap):
            if snap.patches == s.settings.patchSet { s.snapshot = snap }
        case .runFailed(let set, let message):
            guard set == s.settings.patchSet else { break }
            // Back to the last patch set that computed, and say why.
            s.settings.patches = s.snapshot?.patches.patches ?? []
            // The change that failed leaves no undo step that would change nothing.
            if s.patchHistory.last == s.settings.patches { s.patchHistory.removeLast() }
            s.status = .init("patch failed: \(message)", isError: true)
        case .derived: break
        case .sweepProgress(let done, let total):
            if case .running(_, _, let title) = s.sweep { s.sweep = .running(done: done, total: total, title: title) }
        case .sweepDone(let sweep, let seconds):
            s.sweep = .done(sweep)
            s.sweepSeconds = seconds
            s.sweepLayer = min(s.sweepLayer, max(0, Set(sweep.cells.map(\.layer)).count - 1))
        case .sweepFailed(let message): s.sweep = .failed(message)
        case .exported(let message): s.status = .init(message)
        case .failed(let message): s.status = .init(message, isError: true)
        case .warned(let message): s.status = .init("warning: " + message)
        case .note(let message): s.status = .init(message)
        }
        recordPatchChange(from: state, to: &s, by: action)
        // With nothing patched there is one run; the next patch is then shown, as the first one
        // of a session is (a trial's `x`, `:clear`, `:patch` showed the clean run, unchanged).
        if s.settings.patchSet.isEmpty { s.settings.showPatched = true }
        effects += demands(s)
        return (s, effects)
    }

    /// Keeps the patch list before each change the user made, for `u` (and what `u` took back,
    /// for Ctrl-R, until the next change); a failed run's revert is not a change of theirs, and a
    /// window that arrives with its own patches starts its own history (the list it replaces
    /// belongs to the window left).
    static func recordPatchChange(from old: ExplorerState, to s: inout ExplorerState, by action: Action) {
        switch action {
        case .loaded: s.patchHistory = []; s.patchFuture = []; return
        case .undo, .redo, .runFailed: return
        default: break
        }
        guard s.settings.patches != old.settings.patches else { return }
        s.patchHistory.append(old.settings.patches)
        s.patchFuture = []
        if s.patchHistory.count > 100 { s.patchHistory.removeFirst() }
    }

    /// Applies one `:` line, throwing its error instead of showing it (for scripts).
    public static func apply(_ state: ExplorerState, line: String) throws -> (ExplorerState, [Effect]) {
        var s = state
        var effects: [Effect] = []
        try CommandLine.apply(&s, &effects, line)
        return (s, effects)
    }

    /// q quits at once unless patches, an attention window or a finished or running sweep would
    /// be lost; then it asks, and a second q (or y) quits.
    static func requestQuit(_ s: inout ExplorerState, _ effects: inout [Effect]) {
        if case .confirmQuit = s.mode { s.quit = true; effects.append(.quit); return }
        var lost: [String] = []
        let patches = s.settings.patches.count + s.parkedPatches.values.reduce(0) { $0 + $1.count }
        if patches > 0 { lost.append(patches == 1 ? "1 patch" : "\(patches) patches") }
        if let k = s.settings.attentionWindow { lost.append("the attention window of \(k) frames either side") }
        if case .done = s.sweep { lost.append("the sweep result") }
        if s.sweep.isRunning { lost.append("the sweep under way") }
        if lost.isEmpty { s.quit = true; effects.append(.quit); return }
        s.mode = .confirmQuit("Quit and lose \(lost.joined(separator: " and "))? q or y quits, any other key stays")
    }

    /// Data the current view needs that is neither there nor coming: the encoder lens, an
    /// attention map, the snapshot of the current patch set.
    static func demands(_ s: ExplorerState) -> [Effect] {
        guard let window = s.window, !s.quit else { return [] }
        var out: [Effect] = []
        if window.snapshotIfReady(PatchSet()) == nil { out.append(.run(PatchSet())) }
        if s.snapshot?.patches != s.settings.patchSet { out.append(.run(s.settings.patchSet)) }
        switch s.view {
        case .encoderLens where window.encoderLensIfReady(lnPost: s.settings.lnPost, set: s.settings.shownPatchSet) == nil:
            out.append(.encoderLens(lnPost: s.settings.lnPost, patches: s.settings.shownPatchSet))
        case .attention:
            if let request = AttentionView.request(s), window.attentionIfReady(request) == nil { out.append(.attention(request)) }
        default: break
        }
        return out
    }
}

extension Action {
    /// A key or a mouse event (not a result, a resize or a script's line).
    var isKeyOrMouse: Bool {
        switch self {
        case .resize, .commandLine, .loading, .loaded, .loadFailed, .ran, .runFailed, .derived, .sweepProgress, .sweepDone, .sweepFailed,
             .exported, .failed, .warned: return false
        default: return true
        }
    }

    /// Whether the action replaces the status line's message (results and resizes keep it).
    var clearsStatus: Bool {
        switch self {
        case .loading, .loaded, .ran, .derived, .sweepProgress, .sweepDone, .resize, .runFailed, .exported, .failed, .loadFailed: return false
        default: return true
        }
    }
}
