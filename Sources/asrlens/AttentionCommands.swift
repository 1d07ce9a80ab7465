import Analysis
import ArgumentParser
import Model
import TUI

/// `asrlens attention`: one attention map, as a heatmap or as numbers.
struct AttentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "Attention maps: cross-attention (tokens × frames), decoder self-attention, encoder self-attention.",
        discussion: "Text output draws each row as an intensity ramp binned to --width columns, each row scaled to its own maximum; tsv, md and json give the numbers. Only frames that carry audio are shown. A decoder row is the query that predicts its token: the row labelled with the first token is the query at the prompt's last token, and the last row, at the transcript's last token, predicts EOT. Cross-attention and encoder rows are softmaxes over all 1,500 frames of the window, padding included, so a row shown over the audio sums to the audio's share of its weight; the text heatmap gives that share at the right of each row. Decoder self-attention (--kind self) has a column per key position, the prompt's first, so each row sums to 1.")

    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, parsing: .unconditional, help: "Layer.") var layer: Int?
    @Option(name: .long, parsing: .unconditional, help: "Head.") var head: Int?
    @Flag(name: .long, help: "The mean of the model's alignment heads (cross-attention); the same as --kind alignment.") var alignment = false
    @Option(name: .long, help: "One head of cross, self (decoder) or encoder attention (with --layer and --head); or a mean of cross-attention heads: alignment (the model's alignment heads) or mean (every head).")
    var kind: AttentionKind = .cross
    @Option(name: .long, parsing: .unconditional, help: "Columns of the text heatmap.") var width: Int = 100

    /// The map asked for: `--alignment` is `--kind alignment`.
    private var chosen: AttentionKind { alignment ? .alignment : kind }
    private var isMean: Bool { chosen.isMean }

    func validate() throws {
        guard !alignment || kind == .cross || kind == .alignment else {
            throw ValidationError("--alignment is the alignment heads' cross-attention; it cannot be --kind \(kind.rawValue)")
        }
        if isMean {
            guard layer == nil && head == nil else { throw ValidationError("--kind \(chosen.rawValue) averages heads; drop --layer and --head") }
        } else {
            guard layer != nil && head != nil else { throw ValidationError("give --layer L --head H for one \(kind.rawValue) head, or --kind alignment or mean") }
        }
        try require("--width", width, atLeast: 1)
    }

    func run() throws {
        let engine = try clip.engine()
        let settings = try ViewSettings.attention(chosen, layer: layer, head: head, hyper: engine.model.hyper)
        let (table, json, notes) = try ViewData.data(.attention, engine: engine, settings: settings)
        if output.resolved == .text {
            let m = try AttentionMaps.select(settings.attentionKind, engine, engine.clean, layer: settings.layer, head: settings.head, frames: engine.audioFrames)
            let kind = settings.attentionKind
            let columns = kind == .self ? "key positions (the prompt's, then the tokens')" : "frames of 20 ms"
            // Decoder self-attention rows are whole softmaxes; cross- and encoder attention rows
            // also weigh the padding, which is not shown, so they say how much of them is.
            let shares = kind == .self ? nil : Heatmap.rowSums(m)
            for line in Heatmap.labelledLines(m, labels: table.rows.map { $0[0] }, width: width, columns: columns, shares: shares) { print(line) }
        } else {
            try output.emit(table, record: json, notes: notes, of: engine)
        }
    }
}

/// `asrlens heads`: cross-attention heads ranked by how monotonic and sharp they are.
struct HeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "heads",
        abstract: "Rank every cross-attention head by monotonicity × sharpness; marks the model's alignment heads.")
    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, parsing: .unconditional, help: "Only the N highest-ranked heads (default: every head).") var top: Int?

    func validate() throws { if let top { try require("--top", top, atLeast: 1) } }

    func run() throws {
        let engine = try clip.engine()
        let ranking = HeadRanking(engine: engine)
        if let note = ranking.note { Warnings.report(clip.file, note) }
        try output.emit(AttentionReport.table(ranking, top: top), record: HeadsJSON(ranking, top: top, language: engine.language),
                        notes: ranking.note.map { [$0] } ?? [], of: engine)
    }
}

/// `asrlens words`: word timings from the alignment heads.
struct WordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "words",
        abstract: "Words with start and end times (and encoder frames), as faster-whisper's word_timestamps gives them.",
        discussion: "Times are in the clip's seconds; frames (20 ms) count from the start of the analysed window (--offset; window_start in --json). They are faster-whisper's (word_timestamps=True): the alignment heads' attention over the frames that hold audio, aligned by DTW, with its punctuation merging and its trimming of over-long words; after the first window the pause rule counts from the window's start. When the text ends more than 2 s before the window's audio (a decode stops at its first end of text), a line on stderr says where, and that the word times stretch over the rest; text_end in --json is where the alignment heads hear the last tokens.")
    @OptionGroup var clip: ClipOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let engine = try clip.engine()
        let (table, json, notes) = try ViewData.data(.words, engine: engine, settings: ViewSettings())
        notes.forEach { StandardError.line("\(clip.file): \($0)") }
        try output.emit(table, record: json, of: engine)
    }
}

extension AttentionKind: ExpressibleByArgument {}
