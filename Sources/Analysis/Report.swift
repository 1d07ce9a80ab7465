import Foundation
import Model

/// The paper's experiments on one model (`asrlens report`): each section's results and the
/// findings with their verdicts, as data. `MarkdownReport` renders it; `report --json` prints it.
public struct Report: Encodable {
    public struct Header: Codable, Sendable {
        public let model: String
        public let encoderLayers: Int, decoderLayers: Int, heads: Int, width: Int
        /// Paths as given, relative to the working directory where they lie under it.
        public let clip: String, data: [String]
        public let command: String, date: String
        /// The asrlens commit that ran the report (`SourceRevision`).
        public let commit: String
        /// Per data file, how it was made: in `data`'s order.
        public let sources: [DataSource]

        enum CodingKeys: String, CodingKey {
            case model, clip, data, command, date, heads, width, commit, sources
            case encoderLayers = "encoder_layers", decoderLayers = "decoder_layers"
        }
    }

    /// How a data file was made: the `dataset synth` command and commit from its folder's
    /// `dataset.json`, and the synthesizers its rows name ("espeak-ng 1.51").
    public struct DataSource: Codable, Sendable {
        public let data: String
        public let made: DatasetManifest?
        public let synthesizers: [String]

        init(path: String, set: LabelledSet) {
            data = Report.short(path)
            made = DatasetManifest.near(path)
            let pairs = set.rows.compactMap { row in row.labels["synthesizer"].map { [$0, row.labels["synth_version"] ?? ""].joined(separator: " ") } }
            synthesizers = Set(pairs).sorted()
        }
    }

    public struct Lenses: Encodable {
        /// Top-1 token per decoder layer and transcript token, as the `lens` command prints it.
        public let logitLens: Table
        /// Per token, the first row (0 = embedding) from which top-1 is final; nil if never.
        public let saturation: [Int?]
        public let encoderLens: [EncoderLayer]

        enum CodingKeys: String, CodingKey { case saturation, logitLens = "logit_lens", encoderLens = "encoder_lens" }
    }

    public struct EncoderLayer: Codable, Sendable {
        public let layer: Int
        public let wer: Double
        public let repetition: Bool
        public let text: String
    }

    public struct LensSurveySection: Codable, Sendable {
        public let data: String
        public let summary: LensSurvey.Summary
    }

    public struct AttentionWindowsSection: Codable, Sendable {
        public let data: String
        public let summary: AttentionWindows.Summary
    }

    public struct Heads: Encodable {
        /// Every decoder head zeroed alone.
        public let ablation: SweepReport
        public let ranking: [HeadsJSON.Head]
        public let alignmentHeads: Int

        enum CodingKeys: String, CodingKey { case ablation, ranking, alignmentHeads = "alignment_heads" }
    }

    public let header: Header
    public internal(set) var lenses: Lenses?
    /// The lenses over sampled rows of the first data file.
    public internal(set) var lensSurvey: LensSurveySection?
    public internal(set) var probes: [ProbeExperiment.Result] = []
    /// Each probed label trained on all synthesizers but one and tested on that one.
    public internal(set) var transfers: [ProbeTransfer] = []
    public internal(set) var sweep: SweepReport?
    public internal(set) var heads: Heads?
    public internal(set) var repetition: RepetitionReport?
    public internal(set) var attentionWindows: AttentionWindowsSection?
    /// The per-token decoder probe on the first data file, and that file.
    public internal(set) var tokenProbe: TokenProbe.Result?
    public internal(set) var tokenProbeData: String?
    /// The part files the repetition section was merged from; empty when the report hunted itself.
    public internal(set) var repetitionParts: [MergedPart] = []
    public internal(set) var contextBias: ContextBias.Summary?
    public internal(set) var findings: [Finding] = []

    enum CodingKeys: String, CodingKey {
        case header, lenses, probes, transfers, sweep, heads, repetition, findings
        case lensSurvey = "lens_survey", attentionWindows = "attention_windows", tokenProbe = "token_probe", tokenProbeData = "token_probe_data"
        case repetitionParts = "repetition_parts", contextBias = "context_bias"
    }

    /// `sets` are the data files `data` names, read, for their synthesizers.
    public init(model: WhisperModel, clip: String, data: [String], command: String, sets: [LabelledSet] = [], date: Date = Date(),
                commit: String = SourceRevision.current) {
        let h = model.hyper
        let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        header = Header(model: model.name, encoderLayers: h.encoderLayers, decoderLayers: h.decoderLayers, heads: h.decoderHeads,
                        width: h.dModel, clip: Self.short(clip), data: data.map(Self.short), command: command, date: day,
                        commit: commit, sources: zip(data, sets).map { DataSource(path: $0, set: $1) })
    }

    /// A part file a section was merged from, and the asrlens commit that wrote it (nil when the
    /// part predates parts recording it).
    public struct MergedPart: Encodable, Sendable {
        public let path: String, commit: String?
    }

    /// Paths relative to the working directory, so reports do not carry one machine's layout.
    public static func short(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// The report's sections, in order; each finding closes one.
    public enum Section: String, Codable, Sendable, CaseIterable {
        case logitLens = "logit lens", encoderLens = "encoder lens", lensSurvey = "lens survey", probes = "linear probes", tokenProbe = "decoder probes", sweep = "patching sweep"
        case heads = "attention heads", repetition = "repetition hunting", attentionWindows = "attention windows", contextBias = "contextual bias"

        /// Why a section is missing from a report: what it needs.
        var missing: String {
            switch self {
            case .logitLens, .encoderLens, .sweep, .heads: "the single-clip sections did not run"
            case .lensSurvey, .repetition, .attentionWindows: "it needs a data file and --repetition-rows above 0"
            case .probes: "it needs a data file with a label of 2 to 10 classes"
            case .tokenProbe: "it needs a data file with a text column"
            case .contextBias: "it was skipped (--no-context)"
            }
        }
    }

    mutating func find(_ section: Section, _ claim: PaperClaim, data: String? = nil, observed: String, _ verdict: Verdict) {
        findings.append(Finding(section: section, data: data, paper: claim.rawValue, observed: observed, verdict: verdict))
    }

    /// A "not tested" finding for every claim of a section that did not run, so the summary
    /// names what this report does not test. Call once, after the last section.
    public mutating func closeUntested() {
        for section in Section.allCases where !findings.contains(where: { $0.section == section }) {
            for claim in PaperClaim.tested(in: section) {
                find(section, claim, observed: "not run in this report.", .notRun(section.missing))
            }
        }
    }
}

/// One of the paper's findings set against what this model shows.
public struct Finding: Codable, Equatable, Sendable {
    /// The report section it closes.
    public let section: Report.Section
    /// The data file it rests on, for the sections that run on one.
    public let data: String?
    public let paper: String
    public let observed: String
    public let verdict: Verdict
}
