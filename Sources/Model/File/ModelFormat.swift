import Foundation

/// The two kinds of model directory asrlens loads.
public enum ModelFormat: String, Sendable {
    /// faster-whisper's: `model.bin`, `config.json`, the vocabulary.
    case ctranslate2
    /// Hugging Face transformers': `config.json`, `model.safetensors` (or shards), a tokenizer,
    /// `generation_config.json`.
    case transformers

    /// The kind of `directory`, or an error naming what it lacks.
    public static func of(_ directory: URL) throws -> ModelFormat {
        try FileProblem.checkReadable(directory.path, as: .directory("a model directory"))
        if HFCheckpoint.isCheckpoint(directory) { return .transformers }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.bin").path) else {
            throw InputError(directory.path, "is neither a CTranslate2 model directory (model.bin) nor a transformers one (model.safetensors)")
        }
        return .ctranslate2
    }
}
