import Analysis
import Foundation
import Model

/// Turns keys into state changes and patch toggles, and runs patched computations off the UI
/// thread: a newer patch set cancels an older computation, and only the current one is shown.
public final class ExplorerController: @unchecked Sendable {
    public private(set) var state = ExplorerState()
    public let clip: ClipData
    public let session: Session
    private let lock = NSLock()
    private var generation = 0
    private var latest: Snapshot
    private var busy = false
    /// Why the latest computation failed (e.g. an unreadable reference clip), and the patch set
    /// requested before it, to go back to.
    private var failure: (message: String, before: PatchSet)?
    /// The patch set of the latest request (main thread only).
    private var requested = PatchSet()
    private let queue = DispatchQueue(label: "asrlens.compute", qos: .userInitiated)
    /// The Sweep view's sweep, run on its own queue; a newer sweep cancels an older one.
    private let sweepQueue = DispatchQueue(label: "asrlens.sweep", qos: .userInitiated)
    private var sweepGeneration = 0
    private var sweepStatus = SweepStatus.none
    public var theme: Theme

    /// `references` are clips whose activations can replace the patched span (`clip:PATH`).
    public init(clip: ClipData, theme: Theme, references: [String] = []) throws {
        self.clip = clip
        self.theme = theme
        session = Session(engine: clip.engine)
        state.sources += references.map { "clip:\($0)" }
        latest = try clip.snapshot(PatchSet())
        state.frameCursor = clip.engine.audioFrames / 2
    }

    /// The snapshot on screen, and whether a newer one is being computed.
    public var current: (Snapshot, Bool) { lock.lock(); defer { lock.unlock() }; return (latest, busy) }

    public func resize(width: Int, height: Int) { state.width = width; state.height = height }

    public func frame(spinner: Int = 0) -> Canvas {
        reportFailure()
        let (snap, computing) = current
        return ExplorerRenderer.render(state: state, clip: clip, snapshot: snap, computing: computing, spinner: spinner, theme: theme,
                                       sweep: sweep)
    }

    /// The Sweep view's current data.
    public var sweep: SweepStatus { lock.lock(); defer { lock.unlock() }; return sweepStatus }

    /// Whether a patched run or a sweep is being computed (the screen keeps redrawing).
    public var isWorking: Bool {
        lock.lock(); defer { lock.unlock() }
        if case .running = sweepStatus { return true }
        return busy
    }

    /// A failed computation takes the patch list back to what it was before the failing
    /// request, and the reason goes to the status line.
    private func reportFailure() {
        lock.lock()
        let failed = failure
        failure = nil
        lock.unlock()
        guard let failed else { return }
        session.setPatches(failed.before.patches)
        recompute()
        state.status = "patch failed: \(failed.message)"
    }

    /// Waits until no computation is pending (for tests and scripted use).
    public func waitUntilIdle() { queue.sync {}; sweepQueue.sync {} }

    /// Cancels every computation and waits for the workers to stop, so that nothing runs while
    /// the process exits (a worker still inside the engine at exit can crash it).
    public func stop() {
        lock.lock()
        generation += 1
        sweepGeneration += 1
        lock.unlock()
        waitUntilIdle()
    }

    private func recompute() {
        let set = session.patchSet
        let before = requested
        requested = set
        lock.lock()
        generation += 1
        let g = generation
        busy = true
        lock.unlock()
        queue.async { [self] in
            let cancelled = { self.lock.lock(); defer { self.lock.unlock() }; return self.generation != g }
            let result = Result { try clip.snapshot(set, isCancelled: cancelled) }
            lock.lock()
            if generation == g {
                switch result {
                case .success(let snap): latest = snap
                case .failure(let error): failure = ("\(error)", before)
                }
                busy = false
            }
            lock.unlock()
        }
    }

    // MARK: - Keys

    /// Applies one key; returns false when the explorer should quit.
    public func handle(_ key: Key) -> Bool {
        state.status = nil
        switch state.mode {
        case .command(let text): return typing(key, text: text) { self.state.mode = .command($0) } submit: { self.runCommand($0) }
        case .search(let text): return typing(key, text: text) { self.state.mode = .search($0) } submit: { self.search($0, forward: true) }
        case .help(let filter):
            switch key {
            case .escape, .char("q"), .char("?"): state.mode = .normal
            case .backspace: state.mode = .help(String(filter.dropLast()))
            case .char(let ch): state.mode = .help(filter + String(ch))
            default: break
            }
            return true
        case .normal: break
        }
        let hyper = clip.engine.model.hyper
        let views = ExplorerState.View.allCases.count
        switch key {
        case .char("q"), .escape: return false
        case .ctrl("c"): return false
        case .char(let d) where (1...views).contains(d.wholeNumberValue ?? 0): state.view = ExplorerState.View(rawValue: d.wholeNumberValue!)!
        case .tab: state.view = ExplorerState.View(rawValue: state.view.rawValue % views + 1)!
        case .backTab: state.view = ExplorerState.View(rawValue: (state.view.rawValue + views - 2) % views + 1)!
        case .char("?"): state.mode = .help("")
        case .char(":"): state.mode = .command("")
        case .char("/"): state.mode = .search("")
        case .char("n"): search(state.lastSearch, forward: true)
        case .char("N"): search(state.lastSearch, forward: false)
        case .ctrl("s"): export(view: state.view, path: "asrlens-\(viewName(state.view)).txt")
        case .char("x"): state.showPatched.toggle(); state.status = state.showPatched ? "showing the patched run" : "showing the clean run"
        case .mouse(let x, let y, let action): mouse(x: x, y: y, action)
        default: viewKey(key, hyper: hyper)
        }
        return true
    }

    private func typing(_ key: Key, text: String, update: (String) -> Void, submit: (String) -> Void) -> Bool {
        switch key {
        case .escape, .ctrl("c"): state.mode = .normal
        case .enter: state.mode = .normal; submit(text)
        case .backspace: update(String(text.dropLast()))
        case .char(let ch): update(text + String(ch))
        default: break
        }
        return true
    }

    private func viewKey(_ key: Key, hyper: Hyperparameters) {
        let tokens = clip.engine.tokenPositions
        switch state.view {
        case .lens:
            switch key {
            case .left, .char("h"): state.lensToken = max(0, state.lensToken - 1)
            case .right, .char("l"): state.lensToken = min(tokens - 1, state.lensToken + 1)
            case .up, .char("k"): state.lensLayer = max(0, state.lensLayer - 1)
            case .down, .char("j"): state.lensLayer = min(hyper.decoderLayers, state.lensLayer + 1)
            case .home, .char("g"): state.lensToken = 0
            case .end, .char("G"): state.lensToken = tokens - 1
            default: break
            }
        case .encoderLens:
            if key == .char("l") { state.lnPost.toggle() }
        case .attention:
            let layers = state.attentionKind == .encoder ? hyper.encoderLayers : hyper.decoderLayers
            let heads = state.attentionKind == .encoder ? hyper.encoderHeads : hyper.decoderHeads
            switch key {
            case .char("+"), .char("="): state.attentionLayer = min(layers - 1, state.attentionLayer + 1)
            case .char("-"): state.attentionLayer = max(0, state.attentionLayer - 1)
            case .char(">"), .char("."): state.attentionHead = min(heads - 1, state.attentionHead + 1)
            case .char("<"), .char(","): state.attentionHead = max(0, state.attentionHead - 1)
            case .char("a"):
                let order: [Session.AttentionKind] = [.cross, .alignment, .mean]
                state.attentionKind = order[((order.firstIndex(of: state.attentionKind) ?? -1) + 1) % order.count]
            case .char("t"):
                let kinds: [Session.AttentionKind] = [.cross, .self, .encoder]
                state.attentionKind = kinds[((kinds.firstIndex(of: state.attentionKind) ?? 0) + 1) % kinds.count]
                state.attentionLayer = 0; state.attentionHead = 0; state.zoom = 1; state.attentionOffset = 0
            case .char("p"): state.showPadding.toggle(); clampAttentionWindow()
            case .char("z"): state.zoom = state.zoom >= 8 ? 1 : state.zoom * 2; clampAttentionWindow()
            case .char("h"), .left, .char("l"), .right:
                // Pan the zoomed window by a quarter of its width.
                let w = AttentionView.window(state: state, clip: clip)
                let step = max(1, w.count / 4) * (key == .char("h") || key == .left ? -1 : 1)
                state.attentionOffset = w.lowerBound + step
                clampAttentionWindow()
            default: break
            }
        case .patch:
            let frames = clip.engine.audioFrames
            switch key {
            case .left, .char("h"): state.frameCursor = max(0, state.frameCursor - 5)
            case .right, .char("l"): state.frameCursor = min(frames - 1, state.frameCursor + 5)
            case .char("H"): state.frameCursor = max(0, state.frameCursor - 50)
            case .char("L"): state.frameCursor = min(frames - 1, state.frameCursor + 50)
            case .char("["): state.selectionAnchor = state.frameCursor; state.selection = state.frameCursor..<(state.frameCursor + 1)
            case .char("]"):
                let a = state.selectionAnchor ?? state.frameCursor
                state.selection = min(a, state.frameCursor)..<(max(a, state.frameCursor) + 1)
            case .char("w"):
                if let w = clip.words.words.first(where: { $0.frames.contains(state.frameCursor) }) ?? clip.words.words.min(by: {
                    abs($0.frames.lowerBound - state.frameCursor) < abs($1.frames.lowerBound - state.frameCursor) }) {
                    state.selection = w.frames
                    state.status = "selected '\(w.text.trimmingCharacters(in: .whitespaces))' frames \(w.frames.lowerBound):\(w.frames.upperBound)"
                }
            case .char("c"): state.component = (state.component + 1) % ExplorerState.components.count
            case .char("+"), .char("="): state.patchLayer = min(hyper.encoderLayers - 1, state.patchLayer + 1)
            case .char("-"): state.patchLayer = max(0, state.patchLayer - 1)
            case .char("s"): state.source = (state.source + 1) % state.sources.count
            case .char(" "), .enter: togglePatch()
            case .char("u"):
                if !session.patches.isEmpty { session.setPatches(Array(session.patches.dropLast())); recompute(); state.status = "undone" }
            default: break
            }
        case .sweep: sweepKey(key)
        case .transcript: break
        }
    }

    /// Clicks: a tab switches views, a lens cell takes the cursor, and on the patch strip a
    /// press sets the cursor and a release there selects the span dragged over. The wheel
    /// moves between layers (lens) or frames (patch).
    private func mouse(x: Int, y: Int, _ action: MouseAction) {
        let body = ExplorerRenderer.bodyRegion(width: state.width, height: state.height)
        if y == 0, action == .press {
            let (snap, computing) = current
            let tabs = ExplorerRenderer.statusLine(state: state, clip: clip, snapshot: snap, computing: computing, theme: theme).tabs
            if let tab = tabs.first(where: { $0.columns.contains(x) }) { state.view = tab.view }
            return
        }
        switch (state.view, action) {
        case (.lens, .press):
            let lens = ExplorerRenderer.displayed(state, clip, current.0).lens
            if let cell = LensView.cell(x: x, y: y, state: state, body, lens: lens) { (state.lensLayer, state.lensToken) = cell }
        case (.lens, .wheelUp): viewKey(.up, hyper: clip.engine.model.hyper)
        case (.lens, .wheelDown): viewKey(.down, hyper: clip.engine.model.hyper)
        case (.patch, .press):
            guard let f = PatchView.frame(x: x, y: y, body, clip: clip) else { return }
            state.frameCursor = f
            state.selectionAnchor = f
        case (.patch, .release):
            guard let f = PatchView.frame(x: x, y: y, body, clip: clip), let a = state.selectionAnchor else { return }
            state.frameCursor = f
            if a != f { state.selection = min(a, f)..<(max(a, f) + 1) }
        case (.patch, .wheelUp): viewKey(.left, hyper: clip.engine.model.hyper)
        case (.patch, .wheelDown): viewKey(.right, hyper: clip.engine.model.hyper)
        case (.sweep, .press):
            guard case .done(let s) = sweep, let cell = SweepView.cell(x: x, y: y, state: state, body, sweep: s) else { return }
            (state.sweepLayer, state.sweepColumn) = cell
        default: break
        }
    }

    private func sweepKey(_ key: Key) {
        let done: Sweep? = { if case .done(let s) = sweep { return s }; return nil }()
        let layers = done.map { Set($0.cells.map(\.layer)).count } ?? 0
        let columns = done.map { SweepView.windowStarts($0).count } ?? 0
        switch key {
        case .char("r"): startSweep()
        case .char("m"): state.sweepShowsDelta.toggle()
        case .char("w"):
            let options = ExplorerState.sweepWindows
            state.sweepWindow = options[((options.firstIndex(of: state.sweepWindow) ?? 0) + 1) % options.count]
            state.status = "window \(state.sweepWindow) frames; r sweeps again"
        case .left, .char("h"): state.sweepColumn = max(0, state.sweepColumn - 1)
        case .right, .char("l"): state.sweepColumn = max(0, min(columns - 1, state.sweepColumn + 1))
        case .up, .char("k"): state.sweepLayer = max(0, state.sweepLayer - 1)
        case .down, .char("j"): state.sweepLayer = max(0, min(layers - 1, state.sweepLayer + 1))
        case .enter, .char(" "): openSweepCell()
        default: break
        }
    }

    /// Sweeps the patch view's component and source over every encoder layer and window, in the
    /// background; the Sweep view shows progress, then the heatmap.
    private func startSweep() {
        let component = state.sweepComponent, window = state.sweepWindow, source = state.sources[state.source]
        let title = "enc.L.\(component), \(window)-frame windows, source \(source)"
        lock.lock()
        sweepGeneration += 1
        let g = sweepGeneration
        sweepStatus = .running(done: 0, total: 0, title: title)
        lock.unlock()
        state.sweepLayer = 0
        state.sweepColumn = 0
        sweepQueue.async { [self] in
            let cancelled = { self.lock.lock(); defer { self.lock.unlock() }; return self.sweepGeneration != g }
            let result = Result {
                try Sweep(engine: clip.engine, kind: .component(component, window: window), source: source, isCancelled: cancelled) { done, total in
                    self.lock.lock()
                    if self.sweepGeneration == g { self.sweepStatus = .running(done: done, total: total, title: title) }
                    self.lock.unlock()
                }
            }
            lock.lock()
            if sweepGeneration == g {
                switch result {
                case .success(let s): sweepStatus = .done(s)
                case .failure(let error): sweepStatus = .failed("\(error)")
                }
            }
            lock.unlock()
        }
    }

    /// Makes the cursor cell's patch the only patch, points the patch view's controls at it,
    /// and switches to the Patch view.
    private func openSweepCell() {
        guard case .done(let s) = sweep, let cell = SweepView.selected(state: state, sweep: s) else {
            state.status = "no sweep cell to open: r runs a sweep"
            return
        }
        do {
            let hyper = clip.engine.model.hyper
            let patch = try Patch.parse(cell.patch, hyper: hyper, frames: hyper.audioPositions, tokens: clip.engine.tokenPositions)
            if case .component(let component, _) = s.kind, let k = ExplorerState.components.firstIndex(of: component) { state.component = k }
            if let k = state.sources.firstIndex(of: s.source) { state.source = k }
            state.patchLayer = cell.layer
            state.selection = cell.positions
            state.selectionAnchor = cell.positions.lowerBound
            state.frameCursor = cell.positions.lowerBound
            session.setPatches([patch])
            recompute()
            state.view = .patch
            state.status = "opened sweep cell: \(cell.patch)"
        } catch {
            state.status = "\(error)"
        }
    }

    private func clampAttentionWindow() { state.attentionOffset = AttentionView.window(state: state, clip: clip).lowerBound }

    private func togglePatch() {
        guard let spec = state.selectedPatch(hyper: clip.engine.model.hyper) else {
            state.status = "select a span first: [ and ] around the cursor, or w for the word under it"
            return
        }
        do {
            let p = try Patch.parse(spec, hyper: clip.engine.model.hyper, frames: clip.engine.model.hyper.audioPositions,
                                    tokens: clip.engine.tokenPositions)
            if let i = session.patches.firstIndex(of: p) {
                var list = session.patches
                list.remove(at: i)
                session.setPatches(list)
                state.status = "patch off: \(spec)"
            } else {
                session.setPatches(session.patches + [p])
                state.status = "patch on: \(spec)"
            }
            recompute()
        } catch {
            state.status = "\(error)"
        }
    }

    private func search(_ text: String, forward: Bool) {
        guard !text.isEmpty else { return }
        state.lastSearch = text
        let tok = clip.engine.model.tokenizer
        let targets = clip.engine.cleanTokens + [clip.engine.model.specials.eot]
        let matches = targets.indices.filter { tok.display(targets[$0]).lowercased().contains(text.lowercased()) }
        guard !matches.isEmpty else { state.status = "no token matches '\(text)'"; return }
        let next = forward ? (matches.first { $0 > state.lensToken } ?? matches[0]) : (matches.last { $0 < state.lensToken } ?? matches.last!)
        state.lensToken = next
        if state.view != .lens { state.view = .lens }
        state.status = "match \((matches.firstIndex(of: next) ?? 0) + 1) of \(matches.count): token \(next)"
    }

    // MARK: - Commands and export

    private func viewName(_ v: ExplorerState.View) -> String {
        switch v {
        case .transcript: return "transcript"
        case .lens: return "lens"
        case .encoderLens: return "encoder-lens"
        case .attention: return "attention"
        case .patch: return "patch"
        case .sweep: return "sweep"
        }
    }

    /// Runs a `:` line: the shared command language, with `:export VIEW text PATH` writing the screen.
    public func runCommand(_ line: String) {
        let words = line.split(separator: " ").map(String.init)
        do {
            if words.first == "export", words.count >= 4, words[2] == "text",
               let v = ExplorerState.View.allCases.first(where: { viewName($0) == words[1] }) {
                export(view: v, path: words[3...].joined(separator: " "))
                return
            }
            if words.first == "q" || words.first == "quit" { state.status = "press q to quit"; return }
            let before = session.patches
            try session.execute(":" + line)
            state.attentionKind = session.attentionKind
            state.lnPost = session.lnPost
            if session.patches != before { recompute() }
            if state.status == nil { state.status = "ok: :\(line)" }
        } catch {
            state.status = "\(error)"
        }
    }

    private func export(view: ExplorerState.View, path: String) {
        var copy = state
        copy.view = view
        copy.mode = .normal
        let (snap, _) = current
        let canvas = ExplorerRenderer.render(state: copy, clip: clip, snapshot: snap, computing: false,
                                             theme: Theme(color: false, unicode: theme.unicode), sweep: sweep)
        do {
            try AtomicFile.write(canvas.text, to: path)
            state.status = "exported \(viewName(view)) to \(path)"
        } catch {
            state.status = "\(error)"
        }
    }
}
