import Model

/// Which attention map a view shows. cross: one cross-attention head; alignment / mean: the
/// mean of the alignment heads / of every cross-attention head; self: decoder self-attention;
/// encoder: encoder self-attention.
public enum AttentionKind: String, CaseIterable, Sendable { case cross, `self`, encoder, alignment, mean }

/// The views that `:export` can write.
public enum ExportView: String, CaseIterable, Sendable {
    case transcript, lens, encoderLens = "encoder-lens", attention, heads, words, patch
}

/// The settings the explorer and `asrlens run` share: the active patches and what the views
/// show. One value, kept in the explorer's state; nothing keeps a second copy.
public struct ViewSettings: Equatable, Sendable {
    public var patches: [Patch] = []
    public var lnPost = true
    public var attentionKind = AttentionKind.cross
    public var layer = 0
    public var head = 0
    /// With patches on, views and exports show the patched run unless this is false.
    public var showPatched = true

    public init() {}

    public var patchSet: PatchSet { PatchSet(patches) }

    /// Whether the run views show is the patched one.
    public var showsPatchedRun: Bool { showPatched && !patches.isEmpty }
}
