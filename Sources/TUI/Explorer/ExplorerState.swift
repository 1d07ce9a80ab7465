import Analysis
import Model

/// The explorer's state: which view, where the cursors are, what the user is typing.
/// Keys decode to actions and `reduce` applies them; nothing here touches the terminal.
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
    }

    public enum Mode: Sendable, Equatable { case normal, command(String), search(String), help(String) }

    public var view = View.transcript
    public var mode = Mode.normal
    public var width = 80, height = 24
    public var status: String?
    // Lens cursor.
    public var lensLayer = 0, lensToken = 0
    // Encoder lens.
    public var lnPost = true
    // Attention.
    public var attentionKind = Session.AttentionKind.cross
    public var attentionLayer = 0, attentionHead = 0
    public var showPadding = false
    public var zoom = 1
    /// First frame of the zoomed time window.
    public var attentionOffset = 0
    // Patch view.
    public var frameCursor = 0
    public var selection: Range<Int>?
    public var selectionAnchor: Int?
    public var component = 0       // index into `components`
    public var patchLayer = 0
    public var source = 0          // index into `sources`
    /// Patch sources the `s` key cycles: the built-in ones, then `clip:PATH` per reference clip.
    public var sources = ExplorerState.builtInSources
    /// Show the patched run in the lens and attention views (when patches are on).
    public var showPatched = true
    // Sweep view: the cursor cell, the metric shown (WER or mean |Δ log-prob|) and the window.
    public var sweepLayer = 0, sweepColumn = 0
    public var sweepShowsDelta = false
    public var sweepWindow = 50
    // Search.
    public var lastSearch = ""

    public static let components = ["resid_post", "attn_out", "mlp_out", "resid_pre", "out"]
    public static let builtInSources = ["silence", "zero", "mean", "noise:1:0"]

    public static let minimumWidth = 60, minimumHeight = 16

    public init() {}

    public static let sweepWindows = [25, 50, 100]

    /// The component a sweep started from the patch view's controls covers: `out` is not a
    /// per-layer site, so it sweeps `resid_post`, whose last layer `out` normalises.
    public var sweepComponent: String {
        let comp = Self.components[component]
        return comp == "out" ? "resid_post" : comp
    }

    /// The patch the patch view's controls describe, for the current selection.
    public func selectedPatch(hyper: Hyperparameters) -> String? {
        guard let sel = selection, !sel.isEmpty else { return nil }
        let comp = Self.components[component]
        let site = comp == "out" ? "enc.out" : "enc.\(patchLayer).\(comp)"
        return "\(site)@\(sel.lowerBound):\(sel.upperBound)=\(sources[source])"
    }
}
