import COpenBLAS
import Foundation

/// Which OpenBLAS kernels run, and the fix for a CPU that OpenBLAS does not recognise.
///
/// A DYNAMIC_ARCH OpenBLAS picks its kernels by CPU model number. A model newer than the library
/// (Debian 12's 0.3.21 on an Emerald Rapids Xeon, say) falls back to the SSE3 "Prescott" kernels,
/// and every matrix product runs 3× slower than the AVX-512 kernels the CPU can run. OpenBLAS
/// chooses once, when it is loaded, and reads `OPENBLAS_CORETYPE` only then; so the fix is to set
/// that variable and start the process again before any work is done.
public enum BLASCore {
    /// The kernel family OpenBLAS is using in this process ("SkylakeX", "Haswell", "Prescott", ...).
    public static var current: String { String(cString: openblas_get_corename()) }

    /// Kernel families without AVX2: a CPU with AVX2 or AVX-512 that was given one of these was
    /// not recognised.
    static let fallbacks: Set<String> = ["katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2",
                                         "penryn", "dunnington", "nehalem", "opteron", "opteron_sse3", "barcelona",
                                         "bobcat", "sandybridge"]

    /// The kernel family to force, given the one OpenBLAS chose and the CPU's feature flags (as
    /// in /proc/cpuinfo); nil when OpenBLAS's own choice stands.
    public static func override(current: String, cpuFlags: Set<String>) -> String? {
        guard fallbacks.contains(current.lowercased()) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The feature flags of the first CPU in /proc/cpuinfo (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let list = line.split(separator: ":", maxSplits: 1).last else { return [] }
        return Set(list.split(separator: " ").map(String.init))
    }

    /// Restarts the process with better kernels when OpenBLAS fell back on a CPU it did not
    /// recognise. Call first thing in `main`, before any output or work. Does nothing when the
    /// user set `OPENBLAS_CORETYPE` (their choice stands, and it stops a second restart), or when
    /// the restart fails (the process then goes on, slower).
    public static func restartWithBetterKernels() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let core = override(current: current, cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
