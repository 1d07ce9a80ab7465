import Analysis
import Model

/// The patch view's keys, the sweep, and moving between 30-second windows. Part of the pure
/// reducer: each asks for its computation as an effect.
enum Patching {
    static func patchKey(_ s: inout ExplorerState, _ effects: inout [Effect], _ action: Action) {
        guard let window = s.window else { return }
        switch action {
        case .markStart, .markEnd:
            var start = false
            if case .markStart = action { start = true }
            s.selection = mark(s.selection, at: s.frameCursor, start: start, frames: max(1, window.engine.audioFrames))
            s.selectionAnchor = s.selection?.lowerBound
            if let span = s.selection { s.status = .init("selection \(span.lowerBound):\(span.upperBound) (\(span.count) frame\(span.count == 1 ? "" : "s"))") }
        case .selectWord:
            let words = window.words.words
            let cursor = s.frameCursor
            if let w = words.first(where: { $0.frames.contains(cursor) })
                ?? words.min(by: { abs($0.frames.lowerBound - cursor) < abs($1.frames.lowerBound - cursor) }) {
                s.selection = w.frames
                s.selectionAnchor = w.frames.lowerBound
                s.status = .init("selected '\(w.text.trimmingCharacters(in: .whitespaces))' frames \(w.frames.lowerBound):\(w.frames.upperBound)")
            } else {
                s.status = .init("no words in this window", isError: true)
            }
        case .cycleComponent: s.component = (s.component + 1) % ExplorerState.components.count
        case .cycleSource: s.source = (s.source + 1) % s.sources.count
        case .togglePatch: togglePatch(&s)
        default: break
        }
    }

    /// The span after `[` (`start`) or `]` at the cursor's frame. Marks are half-open, as the
    /// A:B of a patch: `[` starts the span at the cursor, `]` ends it just before the cursor (on
    /// the last frame, after it), so marks at 150 and 200 select 150:200. The other end stays;
    /// `[` after the end starts a new span of one frame, and `]` before the start selects from
    /// the cursor to the start.
    static func mark(_ span: Range<Int>?, at cursor: Int, start: Bool, frames: Int) -> Range<Int> {
        guard let span else { return cursor..<(cursor + 1) }
        if start { return cursor < span.upperBound ? cursor..<span.upperBound : cursor..<(cursor + 1) }
        let end = cursor >= frames - 1 ? frames : cursor
        return end > span.lowerBound ? span.lowerBound..<end : cursor..<max(cursor + 1, span.lowerBound)
    }

    /// u (in every view): back to the patch list before the last change; Ctrl-R: forward again.
    static func undo(_ s: inout ExplorerState, redo: Bool) {
        func count(_ p: [Patch]) -> String { p.isEmpty ? "no patches" : p.count == 1 ? "1 patch" : "\(p.count) patches" }
        if redo {
            guard let later = s.patchFuture.popLast() else { s.status = .init("nothing to redo"); return }
            s.patchHistory.append(s.settings.patches)
            s.settings.patches = later
            s.status = .init("redone; \(count(later))")
        } else {
            guard let earlier = s.patchHistory.popLast() else { s.status = .init("nothing to undo"); return }
            s.patchFuture.append(s.settings.patches)
            s.settings.patches = earlier
            s.status = .init("undone; \(count(earlier)) (Ctrl-R redoes)")
        }
    }

    static func togglePatch(_ s: inout ExplorerState) {
        let p: Patch?
        do { p = try s.selectedPatch() } catch { s.status = .init("\(error)", isError: true); return }
        guard let p else {
            s.status = .init("select a span first: [ and ] around the cursor, or w for the word under it", isError: true)
            return
        }
        if let i = s.settings.patches.firstIndex(of: p) {
            s.settings.patches.remove(at: i)
            s.status = .init("patch off: \(p)")
        } else if let i = s.settings.patches.firstIndex(where: { $0.site == p.site && $0.positions == p.positions }) {
            // The same site and span from another source: the later patch would overwrite it anyway.
            let old = s.settings.patches[i]
            s.settings.patches[i] = p
            s.status = .init("patch on: \(p), in place of \(old.source)")
        } else {
            s.settings.patches.append(p)
            s.status = .init("patch on: \(p)")
        }
    }

    static func startSweep(_ s: inout ExplorerState, _ effects: inout [Effect]) {
        guard let window = s.window else { return }
        let component = s.sweepComponent, width = s.sweepWindow
        guard let source = try? PatchSource.parse(s.sources[s.source]) else {
            s.status = .init("\(s.sources[s.source]): not a patch source", isError: true)
            return
        }
        let frames = max(1, window.engine.audioFrames)
        let planned = window.engine.model.hyper.encoderLayers * ((frames + width - 1) / width)
        let attention = s.settings.attentionWindow.map { ", attention limited to \($0) frames either side" } ?? ""
        s.sweep = .running(done: 0, total: planned, title: "enc.L.\(component.name), \(width)-frame windows, source \(source)\(attention)")
        s.sweepLayer = 0
        s.sweepColumn = 0
        effects.append(.sweep(component: component, window: width, source: source, attentionWindow: s.settings.attentionWindow))
    }

    /// Makes the cursor cell's patch the only patch, points the patch view's controls at it,
    /// and switches to the Patch view.
    static func openSweepCell(_ s: inout ExplorerState, _ effects: inout [Effect]) {
        guard case .done(let sweep) = s.sweep, let cell = SweepView.selected(state: s, sweep: sweep), let hyper = s.hyper else {
            s.status = .init("no sweep cell to open: r runs a sweep", isError: true)
            return
        }
        guard case .component(let component, _) = sweep.kind, let k = ExplorerState.components.firstIndex(of: component) else { return }
        let source = sweep.source
        s.component = k
        if let i = s.sources.firstIndex(of: source.description) { s.source = i }
        s.patchLayer = cell.layer
        s.selection = cell.positions
        s.selectionAnchor = cell.positions.lowerBound
        s.frameCursor = cell.positions.lowerBound
        let patch = Patch(site: s.selectedSite(hyper: hyper), positions: .range(cell.positions), source: source)
        let replaced = s.settings.patches.filter { $0 != patch }.count
        s.settings.patches = [patch]
        s.view = .patch
        s.status = .init("opened sweep cell: \(patch)" + (replaced == 0 ? "" : " in place of \(replaced == 1 ? "1 patch" : "\(replaced) patches") (u brings them back)"))
    }

    /// Moves to 30-second window `target` (0-based). Each window keeps its own patches.
    static func goToWindow(_ s: inout ExplorerState, _ effects: inout [Effect], _ target: Int) {
        guard s.window != nil else { return }
        guard (0..<s.windowCount).contains(target) else {
            s.status = .init(s.windowCount == 1 ? "the clip has one 30-second window" : "windows are 1 to \(s.windowCount)", isError: true)
            return
        }
        guard target != s.window?.index else { s.status = .init("already in window \(target + 1) of \(s.windowCount)"); return }
        s.windowIndex = target
        s.status = .init("loading window \(target + 1) of \(s.windowCount)…")
        effects.append(.loadWindow(target))
    }

    /// A window arrived: it goes on screen with its own patches.
    static func loaded(_ s: inout ExplorerState, _ effects: inout [Effect], _ window: ClipWindow, count: Int) {
        guard window.index == s.windowIndex || s.window == nil else { return }   // an older request
        if let old = s.window, old.index != window.index {
            s.parkedPatches[old.index] = s.settings.patches
            s.settings.patches = s.parkedPatches.removeValue(forKey: window.index) ?? []
            s.status = .init("window \(window.index + 1) of \(count): \(TranscriptView.seconds(window.span.start))–\(TranscriptView.seconds(window.span.end)) s")
        }
        let first = s.window == nil
        s.window = window
        s.windowIndex = window.index
        s.windowCount = count
        s.loading = nil
        s.snapshot = window.snapshotIfReady(s.settings.patchSet)
        s.sweep = .none
        let frames = max(1, window.engine.audioFrames)
        if first || s.frameCursor >= frames { s.frameCursor = frames / 2 }
        if let sel = s.selection, sel.upperBound > frames { s.selection = nil }
        s.lensToken = min(s.lensToken, window.engine.tokenPositions - 1)
        s.transcriptScroll = 0; s.encoderLensScroll = 0; s.attentionRowScroll = 0; s.patchListScroll = 0
        s.attentionRow = 0; s.attentionPick = nil
        Navigation.clampAttentionWindow(&s)
        // The encoder lens fills in behind the first screen.
        effects.append(.encoderLens(lnPost: s.settings.lnPost, patches: s.settings.shownPatchSet))
    }
}
