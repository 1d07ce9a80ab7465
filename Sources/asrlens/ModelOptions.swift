import ArgumentParser
import Foundation
import Model

/// `--model` and `--threads`, shared by every command that runs the model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A catalogue model name (see `asrlens models`) or a CTranslate2 Whisper directory.")
    var model: String = ModelCatalog.defaultModel

    @Option(name: .long, help: "Threads for BLAS and for our own kernels; the default is the number of cores.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
    }

    /// Applies the thread count and loads the model.
    func load() throws -> WhisperModel {
        Parallel.configure(threads: threads)
        return try WhisperModel(directory: try ModelCatalog.resolve(model))
    }
}
