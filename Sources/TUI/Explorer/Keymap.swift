import Analysis

/// The keys, as data: one table for every view and one per view, each row a set of keys, the
/// action each sends, and one line of help. The `?` overlay and the hint line are generated
/// from these tables, so keys and help cannot drift apart. A key means the same thing in
/// every view: h j k l and the arrows always move or scroll, PgUp/PgDn always page, g/G and
/// Home/End always go to the first and last.
public enum Keymap {
    public struct Binding: Sendable {
        public let keys: [(Key, Action)]
        /// The keys as help shows them, e.g. "+ -".
        public let label: String
        public let help: String
        /// A short form for the hint line, or nil to leave it out there.
        public let hint: String?

        init(_ keys: [(Key, Action)], _ label: String, _ help: String, hint: String? = nil) {
            self.keys = keys
            self.label = label
            self.help = help
            self.hint = hint
        }
    }

    typealias View = ExplorerState.View

    static func views() -> [(Key, Action)] {
        View.allCases.map { (Key.char(Character(String($0.rawValue))), Action.showView($0)) } + [(.tab, .nextView), (.backTab, .previousView)]
    }

    /// Keys that mean the same in every view.
    public static let global: [Binding] = [
        Binding(views(), "1 … 6, Tab, Shift-Tab", "switch views", hint: "1-6/Tab views"),
        Binding([(.char("h"), .move(dx: -1, dy: 0)), (.char("j"), .move(dx: 0, dy: 1)), (.char("k"), .move(dx: 0, dy: -1)),
                 (.char("l"), .move(dx: 1, dy: 0)), (.left, .move(dx: -1, dy: 0)), (.down, .move(dx: 0, dy: 1)),
                 (.up, .move(dx: 0, dy: -1)), (.right, .move(dx: 1, dy: 0))],
                "h j k l, arrows", "move the cursor (lens cell, frame, sweep cell) or scroll", hint: "hjkl move"),
        Binding([(.pageUp, .page(-1)), (.pageDown, .page(1)), (.ctrl("u"), .page(-1)), (.ctrl("d"), .page(1))], "PgUp PgDn ^U ^D", "scroll a page"),
        Binding([(.char("g"), .edge(last: false)), (.home, .edge(last: false)), (.char("G"), .edge(last: true)), (.end, .edge(last: true))],
                "g G, Home End", "go to the top / bottom (the first / last column of a grid; the patch view's first / last frame)"),
        Binding([(.char("x"), .toggleShownRun)], "x", "show the clean or the patched run, in every view and export", hint: "x clean/patched"),
        Binding([(.char("u"), .undo), (.ctrl("r"), .redo)], "u, Ctrl-R", "undo / redo the last change to the patches (a toggle, :patch, :clear, :unpatch)"),
        Binding([(.char("("), .window(delta: -1)), (.char(")"), .window(delta: 1))], "( )", "previous / next 30-second window of a long clip"),
        Binding([(.char("?"), .openHelp), (.function(1), .openHelp)], "?, F1", "this help; type to filter, arrows scroll, Esc (or q, unfiltered) closes", hint: "? help"),
        Binding([(.char("/"), .openSearch), (.char("n"), .searchAgain(forward: true)), (.char("N"), .searchAgain(forward: false))],
                "/ text, n, N", "search this view (lens and attention: tokens; sweep: the lens); next, previous match", hint: "/ search"),
        Binding([(.char(":"), .openCommand)], ":", "command line (as asrlens run; ↑ ↓ history, Tab completes)", hint: ": command"),
        Binding([(.ctrl("s"), .exportView)], "Ctrl-S", "export the current view's full data (asrlens-VIEW.txt, -2, -3… if taken)", hint: "^S export"),
        Binding([(.escape, .escape)], "Esc", "close an overlay or a prompt (never quits)"),
        Binding([(.char("q"), .requestQuit), (.function(10), .requestQuit)], "q, F10", "quit (asks first when patches or a sweep would be lost)", hint: "q quit"),
    ]

    /// Keys of one view; they are looked up before the global ones.
    public static func bindings(_ view: ExplorerState.View) -> [Binding] {
        switch view {
        case .transcript: return []
        case .lens: return []
        case .encoderLens: return [Binding([(.char("e"), .toggleLnPost)], "e", "encoder lens with or without ln_post", hint: "e ln_post")]
        case .attention:
            return [
                Binding([(.char("+"), .layer(1)), (.char("="), .layer(1)), (.char("-"), .layer(-1))], "+ -", "layer", hint: "+/- layer"),
                Binding([(.char(">"), .head(1)), (.char("."), .head(1)), (.char("<"), .head(-1)), (.char(","), .head(-1))], "< >", "head", hint: "</> head"),
                Binding([(.char("a"), .cycleHeadMode)], "a", "one head, the alignment heads' mean, all heads' mean", hint: "a heads"),
                Binding([(.char("t"), .cycleAttentionKind)], "t", "kind: alignment heads' mean, cross, decoder self, encoder self", hint: "t kind"),
                Binding([(.char("p"), .togglePadding)], "p", "show the 30 s padding", hint: "p padding"),
                Binding([(.char("z"), .zoom)], "z", "zoom in time (1, 2, 4, 8x); h l pan", hint: "z zoom"),
            ]
        case .patch:
            return [
                Binding([(.char("H"), .frameJump(-50)), (.char("L"), .frameJump(50))], "H L", "frame cursor by 50 (h l by 5)", hint: "H/L ×50"),
                Binding([(.char("["), .markStart), (.char("]"), .markEnd)], "[ ]", "the span starts at / ends before the cursor (as A:B)", hint: "[ ] span"),
                Binding([(.char("w"), .selectWord)], "w", "select the word under the cursor", hint: "w word"),
                Binding([(.char("c"), .cycleComponent)], "c", "cycle the patched component", hint: "c site"),
                Binding([(.char("+"), .layer(1)), (.char("="), .layer(1)), (.char("-"), .layer(-1))], "+ -", "layer", hint: "+/- layer"),
                Binding([(.char("s"), .cycleSource)], "s", "cycle the patch source", hint: "s source"),
                Binding([(.char(" "), .togglePatch), (.enter, .togglePatch)], "space, Enter", "toggle the patch on the span", hint: "space toggle"),
            ]
        case .sweep:
            return [
                Binding([(.char("r"), .runSweep)], "r", "sweep the patch view's component and source over every layer and window", hint: "r run"),
                Binding([(.enter, .openSweepCell), (.char(" "), .openSweepCell)], "Enter, space", "open the cursor cell as the patch", hint: "Enter open"),
                Binding([(.char("m"), .toggleSweepMetric)], "m", "show WER or mean |Δ log-prob|", hint: "m WER/Δ"),
                Binding([(.char("f"), .cycleSweepWindow)], "f", "frames per window: 25, 50, 100", hint: "f frames"),
            ]
        }
    }

    /// The action a key sends in a view, or nil when it is not bound there.
    public static func action(for key: Key, in view: ExplorerState.View) -> Action? {
        for binding in bindings(view) + global {
            if let hit = binding.keys.first(where: { $0.0 == key }) { return hit.1 }
        }
        return nil
    }

    /// The hint line: the view's keys first, then the global ones, as many as fit in `width`.
    public static func hints(_ view: ExplorerState.View, width: Int) -> String {
        var line = ""
        for hint in (bindings(view) + global).compactMap(\.hint) {
            let next = line.isEmpty ? hint : line + "  " + hint
            if next.count > width { break }
            line = next
        }
        return line
    }

    /// The help overlay's rows: the view's keys, then the global ones, the mouse, and the `:`
    /// commands (the unknown-command message, cut at the screen's edge, cannot list them all).
    public static func helpRows(_ view: ExplorerState.View, mouse: Bool = true) -> [(keys: String, help: String)] {
        let keys: [(keys: String, help: String)] = (bindings(view) + global).map { ($0.label, $0.help) }
        let pointer: [(keys: String, help: String)] = [
            ("mouse", "click a tab, a lens, attention or sweep cell; drag over the patch strip to select"),
            ("wheel", "move or scroll, as j and k"),
        ]
        // `:patch` in the keys column, `SITE@POSITIONS=SOURCE` beside it (asrlens help run explains them).
        let commands: [(keys: String, help: String)] = ScriptCommand.usages.map { usage in
            let words = usage.split(separator: " ", maxSplits: 1).map(String.init)
            let replaces = OutputFile.commands.contains(String(words[0].dropFirst())) ? ", :\(words[0].dropFirst())! replaces a file" : ""
            return (words[0], (words.count > 1 ? words[1] + "  " : "") + "(a : command\(replaces); asrlens help run)")
        }
        return keys + (mouse ? pointer : []) + commands
    }
}
