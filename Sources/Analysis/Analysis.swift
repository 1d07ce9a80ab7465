import Model

/// Methods on top of the model (logit lens, encoder lens, attention, patching) live here.
public enum Analysis {
    /// The model layer this analysis layer is built on, for version checks in tools.
    public static let modelLayer = "Model"
}
