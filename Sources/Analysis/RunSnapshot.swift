import Foundation
import Model

/// Everything the views show for one patch set: the run, its logit lens, and what the patch
/// did. Built once off the UI thread, then read-only.
public struct RunSnapshot: Sendable {
    public let patches: PatchSet
    public let run: Run
    public let lens: LogitLens
    /// Nil for the clean run.
    public let effect: PatchEffect?
    /// Seconds it took to compute (engine run, lens and effect); 0 for a lookup.
    public let buildSeconds: Double

    public var isPatched: Bool { !patches.isEmpty }

    /// The clean run's snapshot.
    public init(clean engine: Engine, lens: LogitLens) {
        self.init(patches: PatchSet(), run: engine.clean, lens: lens, effect: nil)
    }

    init(patches: PatchSet, run: Run, lens: LogitLens, effect: PatchEffect?, buildSeconds: Double = 0) {
        self.patches = patches
        self.run = run
        self.lens = lens
        self.effect = effect
        self.buildSeconds = buildSeconds
    }

    /// The snapshot of a patch set. The patched lens is read once, and only from the first
    /// row the patches can change; the rows below are the clean lens's.
    public init(engine: Engine, patches set: PatchSet, cleanLens: LogitLens, isCancelled: () -> Bool = { false }) throws {
        if set.isEmpty { self.init(clean: engine, lens: cleanLens); return }
        let start = DispatchTime.now().uptimeNanoseconds
        let run = try engine.run(set, isCancelled: isCancelled)
        if isCancelled() { throw CancellationError() }
        let lens = LogitLens(engine: engine, run: run, reusing: cleanLens, from: LogitLens.firstChangedRow(set))
        let effect = PatchEffect(engine: engine, patched: run, cleanLens: cleanLens, patchedLens: lens)
        self.init(patches: set, run: run, lens: lens, effect: effect,
                  buildSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
