import Analysis
import Foundation
import Model

/// Connects the parts: keys become actions through the keymap, `Reducer.reduce` updates the
/// one state, and the effects it returns go to the scheduler, whose results come back as
/// actions. Results arrive on other threads; they wait in an inbox until the UI thread takes
/// them, and a byte on `wakeDescriptor` tells the UI loop to look.
public final class ExplorerController: @unchecked Sendable {
    public private(set) var state = ExplorerState()
    public let loader: ClipLoader
    public var theme: Theme
    private var scheduler: Scheduler!
    private let inboxLock = NSLock()
    private var inbox: [Action] = []
    private var wake: [Int32] = [-1, -1]
    /// Readable when results are waiting (for `poll` in the UI loop).
    public var wakeDescriptor: Int32 { wake[0] }

    /// `references` are clips whose activations can replace the patched span (`clip:PATH`);
    /// without `mouse` the help leaves out what the mouse does.
    public init(loader: ClipLoader, theme: Theme, references: [String] = [], mouse: Bool = true) {
        self.loader = loader
        self.theme = theme
        state.sources += references.map { "clip:\($0)" }
        state.clipName = loader.name
        state.modelName = loader.model.name
        state.languageDetected = loader.language == nil && loader.model.specials.isMultilingual
        state.windowIndex = loader.firstWindow
        state.windowBase = loader.base
        state.mouse = mouse
        state.windowCount = loader.windowCount
        if pipe(&wake) == 0 {
            for fd in wake { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        scheduler = Scheduler { [weak self] action in self?.post(action) }
        if let notice = loader.notice { state.status = .init(notice) }
        perform(.loadWindow(loader.firstWindow))
    }

    deinit { for fd in wake where fd >= 0 { close(fd) } }

    // MARK: - Actions in

    /// Applies a key: the keymap of the current mode and view turns it into an action.
    public func handle(_ key: Key) {
        guard let action = Self.action(for: key, state: state) else { return }
        dispatch(action)
    }

    /// What a key does in the state's mode and view (nil: nothing).
    static func action(for key: Key, state: ExplorerState) -> Action? {
        switch state.mode {
        case .command, .search, .help:
            switch key {
            case .escape, .ctrl("c"): return .escape
            case .enter: return .submit
            case .backspace: return .deleteBackward
            case .ctrl("u"): return .clearLine
            case .tab: return .complete
            case .left, .right, .home, .end, .ctrl("a"), .ctrl("e"), .ctrl("w"):
                guard case .command = state.mode else { return nil }
                switch key {
                case .left: return .cursor(by: -1)
                case .right: return .cursor(by: 1)
                case .home, .ctrl("a"): return .cursorToStart
                case .ctrl("w"): return .deleteWord
                default: return .cursorToEnd
                }
            case .up: if case .help = state.mode { return .move(dx: 0, dy: -1) } else { return .historyUp }
            case .down: if case .help = state.mode { return .move(dx: 0, dy: 1) } else { return .historyDown }
            case .pageUp: return .page(-1)
            case .pageDown: return .page(1)
            // In the help, ? closes, and so does q before a filter is typed (as in less).
            case .char(let c): if case .help(let filter, _) = state.mode, c == "?" || (c == "q" && filter.isEmpty) { return .escape } else { return .type(c) }
            case .resize: return .resize(width: state.width, height: state.height)
            default: return nil
            }
        case .confirmQuit:
            if key == .char("q") || key == .char("y") { return .requestQuit }
            return .escape
        case .normal:
            if case .mouse(let x, let y, let what) = key { return .mouse(x: x, y: y, what) }
            return Keymap.action(for: key, in: state.view)
        }
    }

    /// Seconds the latest patched snapshot that arrived took to compute (for the benchmark).
    public var lastRunSeconds = 0.0

    /// Reduces one action and starts the work it asks for.
    public func dispatch(_ action: Action) {
        if case .ran(let snap) = action, snap.patches == state.settings.patchSet { lastRunSeconds = snap.buildSeconds }
        let (next, effects) = Reducer.reduce(state, action)
        state = next
        for effect in effects { perform(effect) }
        if !replay.isEmpty && !replaying { continueReplay() }
    }

    // MARK: - Replaying a script

    /// The lines of `explore --script` not yet applied, with their line numbers.
    private var replay: [(number: Int, line: String)] = []
    private var replayName = "", replayCount = 0, replaying = false
    /// How the session's explorer differed from this one (`Session.mismatches`), said at the end;
    /// nil until the first window has loaded (the language is compared then).
    private var replayWarnings: [String]?
    private var replayScript = ""

    /// Applies a script's lines (a saved session, or any `asrlens run` script) as if typed on the
    /// `:` line, once the window is on screen. A `:window N` line waits for its window before the
    /// lines after it; a line that fails stops the replay and the status line names it.
    public func replay(_ script: String, name: String) {
        replay = ScriptCommand.commands(script)
        replayName = name
        replayCount = replay.count
        replayScript = script
        replayWarnings = nil
        continueReplay()
    }

    private func continueReplay() {
        replaying = true
        defer { replaying = false }
        if replayWarnings == nil, state.window != nil { replayWarnings = Session.mismatches(replayScript, state) }
        let warnings = replayWarnings ?? []
        let warning = warnings.isEmpty ? "" : " (warning: the session was " + warnings.joined(separator: "; ") + ")"
        while let next = replay.first, let window = state.window, window.index == state.windowIndex, !state.quit {
            replay.removeFirst()
            // :q and :q! end a replay, not the explorer, as they end a script: the lines after them do not run.
            if [":q", ":quit", ":q!", ":quit!"].contains(next.line) {
                replay = []
                dispatch(.note("replayed \(replayName) to its \(next.line) on line \(next.number)\(warning)"))
                return
            }
            dispatch(.commandLine(next.line))
            if let status = state.status, status.isError {
                dispatch(.failed("\(replayName):\(next.number): \(status.text) (the replay stopped there)\(warning)"))
                replay = []
                return
            }
            if replay.isEmpty { dispatch(.note("replayed \(replayName): \(replayCount) line\(replayCount == 1 ? "" : "s")\(warning)")) }
        }
    }

    public func resize(width: Int, height: Int) {
        if width != state.width || height != state.height { dispatch(.resize(width: width, height: height)) }
    }

    /// Results from workers: kept until the UI thread drains them.
    /// Hands an action in from any thread; it is applied with the next `drain`.
    public func post(_ action: Action) {
        inboxLock.lock(); inbox.append(action); inboxLock.unlock()
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    /// Applies every result that has arrived; returns whether there was any.
    @discardableResult
    public func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wake[0], &buffer, buffer.count) > 0 {}
        inboxLock.lock()
        let actions = inbox
        inbox.removeAll()
        inboxLock.unlock()
        for a in actions { dispatch(a) }
        return !actions.isEmpty
    }

    /// Waits until every requested computation has finished and its result is applied (for
    /// tests, benchmarks and scripts).
    public func waitUntilIdle() {
        repeat { scheduler.wait() } while drain()
    }

    /// Cancels every computation and waits for the workers, so that nothing runs while the
    /// process exits (a worker still inside the engine at exit can crash it).
    public func stop() { scheduler.cancelAll() }

    /// Whether a path leads to the terminal the explorer draws on: standard output or error,
    /// `/dev/tty`, or the terminal's own device (`/dev/pts/3`).
    static func namesTheScreen(_ path: String) -> Bool {
        if let fd = AtomicFile.descriptor(path), fd <= 2 { return true }
        var st = stat(), screen = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFCHR else { return false }
        if URL(fileURLWithPath: path).standardizedFileURL.path == "/dev/tty" { return true }
        return [STDOUT_FILENO, STDERR_FILENO].contains { fstat($0, &screen) == 0 && screen.st_mode & S_IFMT == S_IFCHR && screen.st_rdev == st.st_rdev }
    }

    /// Whether the screen should keep redrawing (a spinner or progress is shown: a window
    /// loading, a run computing, a sweep under way).
    public var isWorking: Bool {
        if state.window == nil || state.computing || state.window?.index != state.windowIndex { return true }
        if case .running = state.sweep { return true }
        return false
    }

    // MARK: - Effects out

    private func perform(_ effect: Effect) {
        switch effect {
        case .quit: break
        case .run(let set):
            guard let window = state.window else { return }
            // A set computed before (or no patches) is on screen in this very frame.
            if let ready = window.snapshotIfReady(set) { dispatch(.ran(ready)); lastRunSeconds = 0; return }
            scheduler.submit(lane: set.isEmpty ? "clean" : "run", key: "\(window.index) \(set)") { cancelled, _ in
                do { return .ran(try window.snapshot(set, isCancelled: cancelled)) } catch is CancellationError { return nil } catch {
                    return .runFailed(set, "\(error)")
                }
            }
        case .loadWindow(let index):
            let loader = self.loader
            scheduler.submit(lane: "load", key: "\(index)") { _, send in
                do {
                    let w = try loader.window(index) { what, fraction in send(.loading(what, fraction)) }
                    return .loaded(w, windowCount: loader.windowCount)
                } catch {
                    return .loadFailed("\(error)")
                }
            }
        case .encoderLens(let lnPost, let patches):
            guard let window = state.window else { return }
            scheduler.submit(lane: "encoder-lens \(lnPost)", key: "\(window.index) \(EncoderLens.encoderPart(patches))") { _, _ in
                do { _ = try window.encoderLens(lnPost: lnPost, set: patches) } catch { return .failed("encoder lens: \(error)") }
                return .derived
            }
        case .attention(let request):
            guard let window = state.window else { return }
            scheduler.submit(lane: "attention", key: "\(window.index) \(request)") { _, _ in
                guard let run = request.patches.isEmpty ? window.engine.clean : window.snapshotIfReady(request.patches)?.run else { return .derived }
                do { _ = try window.attention(request, run: run) } catch { return .failed("attention: \(error)") }
                return .derived
            }
        case .sweep(let component, let width, let source, let attentionWindow):
            guard let window = state.window else { return }
            scheduler.submit(lane: "sweep", key: "\(window.index) \(component.name) \(width) \(source) \(attentionWindow ?? -1)") { cancelled, send in
                do {
                    let started = Date()
                    let sweep = try Sweep(engine: window.engine, kind: .component(component, window: width), source: source,
                                          attentionWindow: attentionWindow, isCancelled: cancelled) { done, total in send(.sweepProgress(done: done, total: total)) }
                    return .sweepDone(sweep, seconds: Date().timeIntervalSince(started))
                } catch is CancellationError { return nil } catch { return .sweepFailed("\(error)") }
            }
        case .exportFresh(let what, let path):
            perform(.export(what, OutputFile(freeName(path))))
        case .export(let what, let target):
            guard let window = state.window else { return }
            // Standard output and error are the screen here: an export there would be drawn over.
            if Self.namesTheScreen(target.path) { dispatch(.failed("\(target.path): is the explorer's screen; name a file")); return }
            do { try target.checkFree(written: writtenFiles) } catch { dispatch(.failed("\(error)")); return }
            writtenFiles.insert(target.key)
            let path = target.path
            let snapshot = state.shown, settings = state.settings
            let sweepReport = state.sweep.result.map {
                SweepReport(sweep: $0, model: window.engine.model.name, clip: state.clipName,
                            windowSHA256: SweepReport.digest(of: window.engine), windowStart: window.engine.windowStart, seconds: state.sweepSeconds)
            }
            let session = what == .session ? Session.script(state) : "", replayOptions = Session.replayOptions(state)
            let current = state, plain = Theme(color: false, unicode: theme.unicode)
            scheduler.submit(lane: "export \(path)", key: path) { _, _ in
                do {
                    switch what {
                    case .screen(let view):
                        let screen = try Self.screen(of: view, current, window: window, theme: plain)
                        try AtomicFile.write(screen, to: path, waitingForReader: false)
                        return .exported("exported the \(view.name) screen to \(path)")
                    case .session:
                        try AtomicFile.write(session, to: path, waitingForReader: false)
                        return .exported("saved the session to \(path) (asrlens explore --script \(path) \(replayOptions)CLIP replays it)")
                    case .sweep(let format):
                        guard let sweepReport else { return .failed("no finished sweep to export: r runs one") }
                        try AtomicFile.write(try sweepReport.render(format), to: path, waitingForReader: false)
                        return .exported("exported the sweep (\(sweepReport.sweep.cells.count) cells, as asrlens sweep prints it) to \(path)")
                    case .activations(let sites):
                        let export = try ActivationExport(engine: window.engine, set: settings.shownPatchSet, patterns: sites)
                        let size = try export.write(to: path, waitingForReader: false)
                        return .exported("saved \(export.tensors.count - 2) activations (\(ViewData.label(settings))) to \(path), \(size / 1024) KiB")
                    case .data(let view, let format):
                        let lens = view == .encoderLens ? try window.encoderLens(lnPost: settings.lnPost, set: settings.shownPatchSet) : nil
                        let text = try ViewData.render(view, format, engine: window.engine, settings: settings, snapshot: snapshot, encoderLens: lens)
                        try AtomicFile.write(text, to: path, waitingForReader: false)
                        return .exported("exported \(view.rawValue) (\(ViewData.label(view, settings, snapshot: snapshot)), \(format.rawValue)) to \(path)")
                    }
                } catch {
                    return .failed("\(error)")
                }
            }
        }
    }

    /// The screen `view` shows in state `s` once the data it draws is computed: the patched run,
    /// the encoder lens, the attention map. An export had written "computing the attention map…"
    /// for a view not yet visited.
    static func screen(of view: ExplorerState.View, _ s: ExplorerState, window: ClipWindow, theme: Theme) throws -> String {
        var copy = s
        copy.view = view
        copy.mode = .normal
        copy.status = nil
        _ = try window.snapshot(PatchSet())
        if copy.snapshot?.patches != copy.settings.patchSet { copy.snapshot = try window.snapshot(copy.settings.patchSet) }
        switch view {
        case .encoderLens: _ = try window.encoderLens(lnPost: copy.settings.lnPost, set: copy.settings.shownPatchSet)
        case .attention:
            if let request = AttentionView.request(copy), let run = copy.shown?.run { _ = try window.attention(request, run: run) }
        default: break
        }
        return ExplorerRenderer.render(copy, theme: theme).text
    }

    /// Files this session's exports write (`OutputFile.key`), taken even before they are
    /// written: Ctrl-S never picks one, and `:export` may replace one without `!`.
    private var writtenFiles: Set<String> = []

    /// `path` when no file has it and no export of this session claimed it, else the first such
    /// `NAME-2.EXT`, `NAME-3.EXT`…
    private func freeName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path), ext = url.pathExtension, stem = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent()
        var candidate = path, n = 1
        while writtenFiles.contains(OutputFile(candidate).key) || FileManager.default.fileExists(atPath: candidate) {
            n += 1
            let name = ext.isEmpty ? "\(stem)-\(n)" : "\(stem)-\(n).\(ext)"
            candidate = path.contains("/") ? folder.appendingPathComponent(name).path : name
        }
        return candidate
    }

    /// The screen for the current state.
    public func frame(spinner: Int = 0) -> Canvas { ExplorerRenderer.render(state, theme: theme, spinner: spinner) }
}
