import Analysis
import ArgumentParser
import Foundation
import Model

// The options of every command that runs the model: which model, and which clip.

/// `--model` and `--threads`, shared by every command that runs the model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A catalogue model name (see `asrlens models`), or a CTranslate2 or Hugging Face transformers Whisper directory.") var model: String = ModelCatalog.defaultModel
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads for BLAS and for our own kernels (default: one per core, \(ProcessInfo.processInfo.activeProcessorCount) here).")) var threads: Int?

    /// The thread count in force.
    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws { guard (1...256).contains(threadCount) else { throw InputError("--threads \(threadCount)", "must be between 1 and 256") } }

    /// Applies the thread count and loads the model.
    func load() throws -> WhisperModel {
        Parallel.configure(threads: threadCount)
        return try WhisperModel(directory: try ModelCatalog.resolve(model))
    }
}

/// A model, a clip and its window: what every analysis command starts from.
struct ClipOptions: ParsableArguments {
    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .long, help: "Language code; detected on multilingual models when omitted.") var language: String?
    @Option(name: .long, parsing: .unconditional, help: "Start of the 30 s window to analyse, in seconds.") var offset: Double = 0
    @Argument(help: "The audio file.") var file: String

    func validate() throws { try Engine.checkOffset(offset) }

    /// Loads the model and the clip and builds the clean run.
    func engine() throws -> Engine {
        let model = try modelOptions.load()
        // Streamed when it can be: only the window's features are kept, however long the file.
        let audio = try ClipAudio.open(file, nMels: model.hyper.nMels)
        let engine = try Engine(model: model, audio: audio, language: language, offset: offset)
        // Another window only when it would hold a frame (a 30.005 s clip is one window).
        if ClipWindow.count(clipSeconds: audio.seconds - engine.windowStart) > 1 {
            StandardError.line(String(format: "%@: longer than 30 s; analysing the window from %.2f s (choose another with --offset)", file, engine.windowStart))
        }
        // faster-whisper detects once, on the file's first 30 s; a later window may speak another.
        if language == nil, engine.windowStart > 0, model.specials.isMultilingual {
            StandardError.line("\(file): language \(engine.language), detected on the first 30 s as faster-whisper does; --language sets this window's")
        }
        if let reason = ClipWindow.dropReason(engine) {
            StandardError.line("\(file): \(reason) (asrlens transcribe prints no text for it); analysing it anyway")
        }
        return engine
    }
}
