import Analysis
import Foundation
import Model

/// `asrlens run`: a script of `:` lines driven through the explorer's own reducer, with its
/// effects carried out at once (exports written, patched runs computed on demand), so a
/// script does exactly what the same lines do on the explorer's `:` line.
public final class ScriptRunner {
    public private(set) var state = ExplorerState()
    public let window: ClipWindow
    /// Files this script has written (`OutputFile.key`): it may write one again without `!`.
    private var written: Set<String> = []

    /// `clipName` is the clip's file name, which a saved session is checked against.
    public init(engine: Engine, clipSeconds: Double? = nil, clipName: String = "") {
        let seconds = clipSeconds ?? engine.clipSeconds
        // Windows are numbered as the explorer numbers them with the same --offset (from its
        // remainder modulo 30 s), so that a session's `:window N` names the same audio here.
        let base = engine.windowStart.truncatingRemainder(dividingBy: ClipWindow.seconds)
        let index = Int(engine.windowStart / ClipWindow.seconds)
        window = ClipWindow(engine: engine, index: index, offset: engine.windowStart, clipSeconds: seconds)
        state.settings = ViewSettings()   // the CLI's defaults: one cross-attention head
        state.window = window
        state.windowIndex = index
        state.windowBase = base
        state.windowCount = max(index + 1, ClipWindow.count(clipSeconds: seconds - base))
        state.modelName = engine.model.name
        state.clipName = clipName
        state.loading = nil
    }

    /// Runs one line; an error is the line's.
    public func execute(_ line: String) throws {
        // A screen, or a sweep the explorer ran: a script has neither, and the reducer's own
        // message would send the user to a key in the sweep view.
        let hyper = window.engine.model.hyper
        switch try ScriptCommand.parse(line, hyper: hyper, frames: hyper.audioPositions, tokens: window.engine.tokenPositions, attention: state.settings.attentionKind) {
        case .exportSweep: throw InputError(line.trimmingCharacters(in: .whitespaces), "a script runs no sweep to export; run asrlens sweep")
        case .export(_, let format, _) where format.table == nil:
            throw InputError(line.trimmingCharacters(in: .whitespaces), "a script draws no screen; export as text, tsv, json or md")
        default: break
        }
        let (next, effects) = try Reducer.apply(state, line: line)
        // A reference clip that cannot be read fails on its own line, not at the next export.
        for p in next.settings.patches where !state.settings.patches.contains(p) { try window.engine.prepare(p) }
        state = next
        for effect in effects {
            if case .loadWindow(let other) = effect {
                let here = TranscriptView.seconds(window.offset), there = TranscriptView.seconds(state.windowBase + Double(other) * ClipWindow.seconds)
                throw InputError(line.trimmingCharacters(in: .whitespaces),
                                 "a script runs in one 30-second window, here window \(window.index + 1) from \(here) s; run window \(other + 1)'s "
                                 + "lines with `asrlens run --offset \(there)`, or replay a session of several windows in the explorer (asrlens explore --script)")
            }
            guard case .export(let what, let target) = effect else { continue }
            let path = target.path
            try target.checkFree(written: written)
            written.insert(target.key)
            switch what {
            case .screen, .sweep: continue
            case .session:
                try AtomicFile.write(Session.script(state), to: path)
            case .activations(let sites):
                try ActivationExport(engine: window.engine, set: state.settings.shownPatchSet, patterns: sites).write(to: path)
            case .data(let view, let format):
                let lens = view == .encoderLens ? try window.encoderLens(lnPost: state.settings.lnPost, set: state.settings.shownPatchSet) : nil
                // The snapshot the explorer would show (computed once per patch set, then kept):
                // every export of it reads one run, with the work that run took. The encoder lens
                // reads no run.
                let shown = view == .encoderLens ? nil : try window.snapshot(state.settings.shownPatchSet)
                try AtomicFile.write(try ViewData.render(view, format, engine: window.engine, settings: state.settings, snapshot: shown,
                                                         encoderLens: lens), to: path)
            }
        }
    }

    /// A script file's text (a regular file or a FIFO), read before a model is loaded for it.
    public static func read(_ path: String) throws -> String {
        try FileProblem.readText(path, what: "a script file")
    }

    /// Runs a script; an error names the script line. Lines may end in LF, CRLF or CR.
    public func run(_ text: String, name: String) throws {
        // A saved session names the model, clip and window layout it was made on.
        for m in Session.mismatches(text, state) {
            Warnings.report(name, "the session was " + m)
        }
        for (i, line) in ScriptCommand.lines(text).enumerated() {
            do { try execute(String(line)) } catch let e as InputError {
                throw InputError("\(name):\(i + 1)", "\(e.subject): \(e.problem)")
            }
            // `:q` ends the script, as it ends the explorer; the lines after it are not run.
            if state.quit { return }
            if case .confirmQuit = state.mode { return }
        }
    }
}
