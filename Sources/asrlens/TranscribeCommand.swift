import Analysis
import ArgumentParser
import Foundation
import Model

/// `asrlens transcribe`: faster-whisper's greedy transcript of each file.
struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe audio files exactly as faster-whisper does (greedy, temperature 0).",
        discussion: """
        Tokens equal faster-whisper's on 16 kHz audio, with faster-whisper's settings \
        without_timestamps=True and condition_on_previous_text=False unless --timestamps and \
        --condition-on-previous-text are given (faster-whisper's defaults are the opposite; without \
        the second, a clip over 30 s can differ after its first window). Other rates are resampled to 16 kHz with \
        libsoxr, and faster-whisper uses FFmpeg's resampler: the samples differ slightly, and a \
        token that was a near tie can differ with them.

        Plain output is one transcript line per file. --json prints one object per file per line: \
        {"file", "language", "tokens", "text", "no_speech_prob", "dropped_windows", "seconds"}, where \
        tokens exclude the prompt and EOT; no_speech_prob is the first segment's, else the first \
        dropped window's; dropped_windows lists the 30 s windows dropped as silence ({"start", \
        "no_speech_prob", "avg_logprob"}); and seconds is the wall time for the file, audio decoding \
        included and model loading excluded. Clips longer than 30 s are transcribed window by window.

        A file that fails gets its error on stderr and still one line on stdout (an empty line, or \
        {"file", "error"} with --json) when there are several files, so lines match files.

        --output-format txt|vtt|srt|tsv|json writes each transcript as openai-whisper does, one timed segment \
        at a time (it turns on --timestamps), to stdout, or with --output-dir DIR to DIR/NAME.FORMAT for each audio file NAME.EXT.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .long, help: "Language code (e.g. en, de); detected on multilingual models when omitted.") var language: String?
    @Flag(name: .long, help: "Decode with timestamp tokens, as faster-whisper does by default.") var timestamps = false
    @Flag(name: .long, help: "Prompt each 30 s window with the text of the windows before it, as faster-whisper does by default.") var conditionOnPreviousText = false
    @Flag(name: .long, help: "One JSON object per file per line.") var json = false
    @Flag(name: .long, help: "Print model load time and peak memory to stderr as one JSON line.") var stats = false
    @Option(help: "txt, vtt, srt, tsv or json, as openai-whisper writes them.") var outputFormat: TranscriptFormat?
    @Option(help: ArgumentHelp("Write each --output-format file here, named after its audio file.", valueName: "DIR")) var outputDir: String?
    @Argument(help: "Audio files (WAV, FLAC, OGG/Vorbis, MP3 where libsndfile supports it, Ogg Opus).") var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one audio file") }
        guard outputDir == nil || outputFormat != nil else { throw ValidationError("--output-dir needs an --output-format") }
        guard outputFormat == nil || !json else { throw ValidationError("--json and --output-format are two output forms; give one") }
        // Each format is one file's document: several on stdout would run together, unnamed.
        guard outputFormat == nil || outputDir != nil || files.count == 1 else {
            throw ValidationError("--output-format writes one document per audio file: give --output-dir DIR for \(files.count) files "
                                  + "(or --json, one line per file)")
        }
    }

    func run() throws {
        let loadStart = DispatchTime.now()
        let model = try modelOptions.load()
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart.uptimeNanoseconds) / 1e9
        let transcriber = Transcriber(model: model)
        if let outputDir {
            try FileProblem.checkReadable(outputDir, as: .directory("an output folder"))
            try checkDistinctOutputs(in: outputDir)
        }
        // The files are made of timed segments, as openai-whisper's are: only timestamp decoding gives them.
        var options = Transcriber.Options(language: language, timestamps: timestamps || outputFormat != nil)
        options.conditionOnPreviousText = conditionOnPreviousText
        try transcriber.check(options)
        var failures = 0
        for file in files {
            do {
                let start = DispatchTime.now()
                let transcript = try transcriber.transcribe(file: file, options: options)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                // An empty or short line is otherwise unexplained; --json has the windows as data.
                if !json {
                    for d in transcript.dropped {
                        StandardError.line(String(format: "%@: the window from %.2f s is dropped as silence, as faster-whisper drops it (no-speech p %.3f, mean log-prob %.2f; --json lists such windows)",
                                                  file, d.start, d.noSpeechProb, d.avgLogprob))
                    }
                }
                if let outputFormat, let outputDir {
                    try AtomicFile.write(try outputFormat.render(transcript), to: outputPath(for: file, in: outputDir, format: outputFormat))
                } else if let outputFormat {
                    print(try outputFormat.render(transcript), terminator: "")
                    continue
                }
                print(json ? try JSONText.encode(TranscriptRecord(file: file, transcript: transcript, seconds: seconds))
                           : transcript.text.trimmingCharacters(in: .whitespaces))
            } catch let error as InputError {
                StandardError.line(error.description)
                failures += 1
                if files.count > 1 { print(json ? try JSONText.encode(["file": file, "error": error.description]) : "") }
            }
        }
        if stats {
            let line = String(format: "{\"model_load_seconds\":%.4f,\"peak_rss_mb\":%.1f}\n", loadSeconds, ProcessStats.peakResidentMB())
            StandardError.write(line)
        }
        if failures > 0 { throw ExitCode(2) }
    }

    /// DIR/NAME.FORMAT for the audio file NAME.EXT.
    private func outputPath(for file: String, in dir: String, format: TranscriptFormat) -> String {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + "." + format.rawValue
        return URL(fileURLWithPath: dir).appendingPathComponent(name).path
    }

    /// Two audio files that differ only in folder or extension (`a.flac`, `a.ogg`) would write the
    /// same output file, the second over the first: refused before any work, as is a folder
    /// that cannot take the files.
    private func checkDistinctOutputs(in dir: String) throws {
        guard let outputFormat else { return }
        var writer: [String: String] = [:]
        for file in files {
            let path = outputPath(for: file, in: dir, format: outputFormat)
            if let first = writer[path], first != file {
                throw InputError(file, "would write \(path), as \(first) does; transcribe them to separate --output-dir folders")
            }
            if writer.isEmpty { try AtomicFile.checkWritable(path) }   // a folder that takes no files fails now, not after decoding
            writer[path] = file
        }
    }
}

extension TranscriptFormat: ExpressibleByArgument {}
