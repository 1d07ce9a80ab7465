import Foundation
import Testing

/// The README's Slurm array job, run for real on a one-node cluster started on this machine
/// (`scripts/slurm-demo.sh`: munged, slurmctld and slurmd in the foreground, private ports and
/// state), for a probe and a sweep over 4 shards: the merged parts equal the unsharded runs.
@Suite struct SlurmTests {
    @Test func theReadmesArrayJobsMergeToTheUnshardedRuns() throws {
        let r = try CLIRunner.run([CLIRunner.root.appendingPathComponent("scripts/slurm-demo.sh").path],
                                  executable: "/bin/bash")
        #expect(r.status == 0, "slurm-demo.sh exited \(r.status): \(r.stderr.suffix(2000))")
        for job in ["probe", "sweep"] {
            #expect(r.stdout.contains("slurm-demo: \(job) array job done"), "\(r.stdout)")
            #expect(r.stdout.contains("slurm-demo: \(job): the merged parts equal the unsharded run"), "\(r.stdout)")
        }
    }
}
