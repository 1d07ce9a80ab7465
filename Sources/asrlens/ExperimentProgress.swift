import Analysis
import Foundation
import Model

// The experiments' long loops as the command line runs them: a progress line on a terminal,
// one stderr line per skipped row and per cache problem. Shared by the commands that run an
// experiment and by `report`, so that no command calls into another.

extension RepetitionHunt {
    /// The hunt over the given rows, with progress and skipped rows on stderr.
    static func runShowingProgress(_ set: LabelledSet, indices: [Int], model: WhisperModel, settings: RepetitionHunt.Settings) throws -> [RepetitionHunt.Record] {
        let progress = Progress("repetition")
        return try RepetitionHunt.run(set, indices: indices, model: model, settings: settings, progress: { progress.update($0, of: $1) },
                                      skipped: { StandardError.write("asrlens: \($0.description) (row skipped)\n") })
    }
}

extension ProbeExperiment {
    /// Pooled features with progress, skipped rows and a cache problem on stderr.
    static func extractShowingProgress(_ set: LabelledSet, indices: [Int], label: String, group: String?, model: WhisperModel,
                                       side: ProbeFeatures.Side, cache: FeatureCache) throws -> [ProbeExperiment.Row] {
        let progress = Progress("probe: features (\(side.rawValue))")
        return try ProbeExperiment.extract(set, indices: indices, label: label, group: group, model: model, side: side, cache: cache,
                                           progress: { progress.update($0, of: $1) },
                                           skipped: { StandardError.write("asrlens: \($0.description) (row skipped)\n") },
                                           cacheProblem: { StandardError.write("asrlens: warning: \($0.description) (features are not cached; the probe goes on)\n") })
    }
}
