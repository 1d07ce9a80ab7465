import Analysis
import Model

/// The explorer's one state: the view and its cursors, what the user is typing, the view
/// settings and patches (shared with `asrlens run`), and the results that have arrived.
/// Only `reduce` changes it; views read it.
public struct ExplorerState: Sendable {
    public enum View: Int, CaseIterable, Sendable {
        case transcript = 1, lens, encoderLens, attention, patch, sweep
        public var title: String {
            switch self {
            case .transcript: return "Transcript"
            case .lens: return "Logit lens"
            case .encoderLens: return "Encoder lens"
            case .attention: return "Attention"
            case .patch: return "Patch"
            case .sweep: return "Sweep"
            }
        }
        /// The name `:view`, `:export` and Ctrl-S files use.
        public var name: String { ScriptCommand.viewNames[rawValue - 1] }
        public var export: ExportView? { ExportView(rawValue: name) }
    }

    public enum Mode: Sendable, Equatable {
        case normal
        case command(LineEditor)
        case search(String)
        case help(filter: String, scroll: Int)
        /// `q` was pressed with work that quitting would lose; `q` or `y` confirms.
        case confirmQuit(String)
    }

    /// A status-line message; errors are drawn in the alert style.
    public struct Status: Equatable, Sendable {
        public var text: String
        public var isError = false
        public init(_ text: String, isError: Bool = false) { self.text = text; self.isError = isError }

        /// What `x` and `:show` say they now show.
        static func shownRun(patched: Bool) -> Status {
            .init(patched ? "showing the patched run in every view" : "showing the clean run in every view")
        }
    }

    public var view = View.transcript
    public var mode = Mode.normal
    public var width = 80, height = 24
    public var status: Status?
    public var quit = false
    /// Why the explorer had to end (the clip could not be loaded).
    public var fatal: String?

    /// Patches and view settings: the same value `asrlens run` scripts change.
    public var settings = ViewSettings()
    /// Patches per 30-second window, for the windows not on screen.
    public var parkedPatches: [Int: [Patch]] = [:]
    /// The window's earlier patch lists, newest last: `u` goes back one, whatever changed the
    /// list (a toggle, `:clear`, `:unpatch`, a sweep cell opened).
    public var patchHistory: [[Patch]] = []
    /// Patch lists `u` took back, for Ctrl-R; emptied by any other change.
    public var patchFuture: [[Patch]] = []

    // What has been loaded and computed.
    /// The 30-second window on screen (nil while the first one loads).
    public var window: ClipWindow?
    /// 0-based window number requested, and how many the clip has.
    public var windowIndex = 0, windowCount = 1
    public var clipName = ""
    public var modelName = ""
    /// Whether the language was detected (a multilingual model, no `--language`): on the clip's
    /// first 30 s, as faster-whisper detects it, whichever window is on screen.
    public var languageDetected = false
    /// Where window 1 starts, in seconds (`--offset` modulo 30): windows are numbered from it.
    public var windowBase = 0.0
    /// Whether the explorer reads the mouse (`explore --no-mouse` leaves it to the terminal).
    public var mouse = true
    /// What is loading, with progress in [0, 1], while the first window loads.
    public var loading: (what: String, fraction: Double)? = ("starting", 0)
    /// The snapshot of the latest patch set that finished computing.
    public var snapshot: RunSnapshot?
    public var sweep = SweepStatus.none

    // Cursors and scroll positions.
    public var lensLayer = 0, lensToken = 0
    public var transcriptScroll = 0
    public var encoderLensScroll = 0
    public var attentionRowScroll = 0
    /// The attention map's cursor row (a token's row; on the encoder map, a row of binned
    /// frames), and the column a click picked in it (a frame or token), for the detail pane.
    public var attentionRow = 0
    public var attentionPick: Range<Int>?
    public var showPadding = false
    public var zoom = 1
    /// First frame of the zoomed time window.
    public var attentionOffset = 0
    public var frameCursor = 0
    public var selection: Range<Int>?
    public var selectionAnchor: Int?
    public var component = 0       // index into `components`
    public var patchLayer = 0
    public var source = 0          // index into `sources`
    public var patchListScroll = 0
    /// Patch sources `s` cycles: the built-in ones, then `clip:PATH` per reference clip.
    public var sources = ExplorerState.builtInSources
    public var sweepLayer = 0, sweepColumn = 0
    public var sweepShowsDelta = false
    /// How long the finished sweep took, for its export.
    public var sweepSeconds = 0.0
    public var sweepWindow = 50
    public var lastSearch = ""
    /// The line of the view's content the last line search stopped at, where `n` goes on from.
    public var lastMatchRow: Int?
    /// Earlier `:` lines, oldest first.
    public var history: [String] = []

    /// The encoder points the patch view's `c` cycles through, `enc.out` last.
    public static let components: [Site.Point] = [.residPost, .attnOut, .mlpOut, .residPre, .out]
    public static let builtInSources = ["silence", "zero", "mean", "noise:1:0"]
    public static let sweepWindows = [25, 50, 100]
    public static let minimumWidth = 60, minimumHeight = 16
    /// The terminal is smaller than the explorer can draw in.
    public var tooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

    public init() {
        // The attention view opens on the alignment heads' mean: one head alone mostly looks like noise.
        settings.attentionKind = .alignment
    }

    public var engine: Engine? { window?.engine }
    public var hyper: Hyperparameters? { window?.engine.model.hyper }

    /// The run the views show: the latest patched one, unless the user chose the clean one
    /// with `x` (or there are no patches); nil while the clean lens is still being read.
    public var shown: RunSnapshot? {
        if settings.showPatched, let snapshot, snapshot.isPatched { return snapshot }
        return window?.snapshotIfReady(PatchSet())
    }

    /// Whether the patch set asked for is still being computed.
    public var computing: Bool { window != nil && snapshot?.patches != settings.patchSet }

    /// The component a sweep started from the patch view's controls covers: `out` is not a
    /// per-layer site, so it sweeps `resid_post`, whose last layer `out` normalises.
    public var sweepComponent: Site.Point {
        let comp = Self.components[component]
        return comp == .out ? .residPost : comp
    }

    /// The site the patch view's controls name.
    public func selectedSite(hyper: Hyperparameters) -> Site {
        let point = Self.components[component]
        return point == .out ? .encoderOut(layers: hyper.encoderLayers) : Site(.encoder, patchLayer, point)
    }

    /// The patch the patch view's controls describe, for the current selection.
    public func selectedPatch() throws -> Patch? {
        guard let hyper, let sel = selection, !sel.isEmpty else { return nil }
        return Patch(site: selectedSite(hyper: hyper), positions: .range(sel),
                     source: try PatchSource.parse(sources[source]))
    }
}

/// The `:` line being typed: its text, the cursor, and where in the history ↑/↓ have gone.
/// Edits as readline does: ← → move, Ctrl-A / Home and Ctrl-E / End go to the ends, Ctrl-W
/// deletes the word before the cursor, Backspace the character before it.
public struct LineEditor: Equatable, Sendable {
    /// The text; setting it (history, completion) puts the cursor at its end.
    public var text = "" { didSet { cursor = text.count } }
    /// Characters before the cursor.
    public private(set) var cursor = 0
    /// Index into the history while browsing it; nil for a new line.
    public var historyIndex: Int?
    public init(text: String = "") { self.text = text; cursor = text.count }

    /// The cursor moved to `position`, kept within the text.
    public mutating func move(to position: Int) { cursor = max(0, min(text.count, position)) }

    public mutating func insert(_ c: Character) {
        let at = cursor
        text.insert(c, at: text.index(text.startIndex, offsetBy: at))
        cursor = at + 1
    }

    /// Deletes the character before the cursor; false when there is none.
    public mutating func deleteBackward() -> Bool {
        guard cursor > 0 else { return false }
        let at = cursor - 1
        text.remove(at: text.index(text.startIndex, offsetBy: at))
        cursor = at
        return true
    }

    /// Deletes the word before the cursor and the spaces after it (Ctrl-W).
    public mutating func deleteWordBackward() {
        let before = Array(text.prefix(cursor))
        var start = before.count
        while start > 0 && before[start - 1] == " " { start -= 1 }
        while start > 0 && before[start - 1] != " " { start -= 1 }
        let rest = text.dropFirst(cursor)
        text = String(before[0..<start]) + rest
        cursor = start
    }
}
