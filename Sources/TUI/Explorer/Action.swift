import Analysis
import Model

/// Everything that can happen to the explorer: keys, mouse events and `:` commands decode to
/// these, and so do the results the scheduler sends back. `reduce` applies them.
public enum Action: Sendable {
    // Views and overlays.
    case showView(ExplorerState.View), nextView, previousView
    /// h j k l and the arrows: move the view's cursor, or scroll it.
    case move(dx: Int, dy: Int)
    /// PgUp (-1) and PgDn (+1).
    case page(Int)
    /// g / Home (first) and G / End (last).
    case edge(last: Bool)
    case openHelp, openCommand, openSearch
    case searchAgain(forward: Bool)
    /// q: quit, asking first when that would lose patches or a sweep.
    case requestQuit
    /// Esc: close an overlay or cancel a prompt; never quits.
    case escape
    /// Ctrl-S: write the current view's full data to `asrlens-VIEW.txt`, or a free variant of it.
    case exportView
    /// x: show the clean or the patched run in every view.
    case toggleShownRun
    /// ( and ): the previous or next 30-second window.
    case window(delta: Int)
    case toggleLnPost
    // Attention.
    case layer(Int), head(Int)
    case cycleHeadMode, cycleAttentionKind, togglePadding, zoom
    // Patching.
    case frameJump(Int)
    case markStart, markEnd, selectWord, cycleComponent, cycleSource, togglePatch
    /// u and Ctrl-R, in every view: undo and redo changes to the patch list.
    case undo, redo
    // Sweep.
    case runSweep, toggleSweepMetric, cycleSweepWindow, openSweepCell
    // Typing on the `:` line, in search and in the help filter.
    /// `clearLine`: Ctrl-U, as in a shell.
    case type(Character), deleteBackward, clearLine, submit, historyUp, historyDown, complete
    /// On the `:` line: move the cursor by characters, to the start or the end; Ctrl-W.
    case cursor(by: Int), cursorToStart, cursorToEnd, deleteWord
    case mouse(x: Int, y: Int, MouseAction)
    case resize(width: Int, height: Int)
    /// A `:` line (from the explorer or a script).
    case commandLine(String)

    // Results from the scheduler.
    case loading(String, Double)
    case loaded(ClipWindow, windowCount: Int)
    case loadFailed(String)
    case ran(RunSnapshot)
    case runFailed(PatchSet, String)
    /// An encoder lens or attention map is ready (the views read it from the window).
    case derived
    case sweepProgress(done: Int, total: Int)
    case sweepDone(Sweep, seconds: Double)
    case sweepFailed(String)
    case exported(String)
    case failed(String)
    /// A notice about an input that does not stop the work (a clipped reference clip).
    case warned(String)
    /// A message for the status line (a replayed session's end).
    case note(String)
}

/// Work the reducer asks for; the controller hands it to the scheduler, whose results come
/// back as actions.
public enum Effect: Sendable, Equatable {
    /// Compute the snapshot of a patch set on the current window.
    case run(PatchSet)
    case loadWindow(Int)
    case encoderLens(lnPost: Bool, patches: PatchSet)
    case attention(AttentionRequest)
    /// A sweep over every encoder layer and window; `attentionWindow` (the `:attention-window`
    /// on when it starts) is in every cell, as `asrlens sweep --attention-window` puts it.
    case sweep(component: Site.Point, window: Int, source: PatchSource, attentionWindow: Int?)
    /// Export to this file, which must be free unless the command had `!` (`OutputFile`).
    case export(ExportWhat, OutputFile)
    /// Export to this name, or, when it is taken, to the first free `NAME-2.EXT`, `NAME-3.EXT`…
    /// (Ctrl-S: a second export never replaces the first).
    case exportFresh(ExportWhat, String)
    case quit
}

/// What an export writes: a view's full data in a table format, or a screen as text.
public enum ExportWhat: Equatable, Sendable {
    case data(ExportView, Table.Format)
    case screen(ExplorerState.View)
    /// The shown run's activations at these sites or patterns (`:save-activations`).
    case activations([String])
    /// The finished sweep, as `asrlens sweep` prints it (Ctrl-S in the sweep view).
    case sweep(Table.Format)
    /// The session as a replayable script (`:save-session`, `Session.script`).
    case session
}
