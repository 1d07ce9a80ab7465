import ArgumentParser
import Foundation
import Model

/// `--model` and `--threads`, shared by every command that runs the model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A catalogue model name (see `asrlens models`) or a CTranslate2 Whisper directory.")
    var model: String = ModelCatalog.defaultModel

    @Option(name: .long, help: ArgumentHelp("Threads for BLAS and for our own kernels (default: one per core, \(ProcessInfo.processInfo.activeProcessorCount) here)."))
    var threads: Int?

    /// The thread count in force.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        guard (1...256).contains(threadCount) else { throw ValidationError("--threads must be between 1 and 256") }
    }

    /// Applies the thread count and loads the model.
    func load() throws -> WhisperModel {
        Parallel.configure(threads: threadCount)
        return try WhisperModel(directory: try ModelCatalog.resolve(model))
    }
}
