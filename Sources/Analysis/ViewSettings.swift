import Model

/// Which attention map a view shows. cross: one cross-attention head; alignment / mean: the
/// mean of the alignment heads / of every cross-attention head; self: decoder self-attention;
/// encoder: encoder self-attention.
public enum AttentionKind: String, CaseIterable, Sendable {
    case cross, `self`, encoder, alignment, mean

    /// Whether the map averages several heads (no single layer and head).
    public var isMean: Bool { self == .alignment || self == .mean }
}

/// The views that `:export` can write.
public enum ExportView: String, CaseIterable, Sendable {
    case transcript, lens, encoderLens = "encoder-lens", attention, heads, words, patch
}

/// The settings the explorer and `asrlens run` share: the active patches and what the views
/// show. One value, kept in the explorer's state; nothing keeps a second copy.
public struct ViewSettings: Equatable, Sendable {
    public var patches: [Patch] = []
    /// Localised encoder attention (±frames) under the patches; nil for full attention.
    public var attentionWindow: Int?
    public var lnPost = true
    public var attentionKind = AttentionKind.cross
    public var layer = 0
    public var head = 0
    /// With patches on, views and exports show the patched run unless this is false.
    public var showPatched = true

    public init() {}

    public var patchSet: PatchSet { PatchSet(patches, attentionWindow: attentionWindow) }

    /// Whether the run views show is the patched one.
    public var showsPatchedRun: Bool { showPatched && !patchSet.isEmpty }

    /// The patches of the run views show: the patch set, or none for the clean run.
    public var shownPatchSet: PatchSet { showsPatchedRun ? patchSet : PatchSet() }
}

extension ViewSettings {
    /// `n` checked as a layer (or, with `head`, a head) of the attention `kind` shows: encoder
    /// layers and heads for `.encoder`, decoder ones otherwise. `text` names it in the error.
    public static func check(_ n: Int?, head: Bool = false, of kind: AttentionKind, hyper: Hyperparameters, text: String) throws -> Int {
        let encoder = kind == .encoder
        let count = head ? (encoder ? hyper.encoderHeads : hyper.decoderHeads) : (encoder ? hyper.encoderLayers : hyper.decoderLayers)
        guard let n else { throw InputError(text, "not a \(head ? "head" : "layer") number (0 to \(count - 1))") }
        guard (0..<count).contains(n) else { throw InputError(text, "\(head ? "head" : "layer") out of range (0 to \(count - 1))") }
        return n
    }

    /// The settings that show one attention map: `kind`, and for a single head its layer and head
    /// (errors name them as the options `--layer N`, `--head N`).
    public static func attention(_ kind: AttentionKind, layer: Int?, head: Int?, hyper: Hyperparameters) throws -> ViewSettings {
        var settings = ViewSettings()
        settings.attentionKind = kind
        if let layer { settings.layer = try check(layer, of: kind, hyper: hyper, text: "--layer \(layer)") }
        if let head { settings.head = try check(head, head: true, of: kind, hyper: hyper, text: "--head \(head)") }
        return settings
    }
}
