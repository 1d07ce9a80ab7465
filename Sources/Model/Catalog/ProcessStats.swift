import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resource figures of this process, for benchmarks and `--stats`.
public enum ProcessStats {
    /// Peak resident set size in MiB (getrusage's ru_maxrss, KiB on Linux).
    public static func peakResidentMB() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        #if os(Linux)
        return Double(usage.ru_maxrss) / 1024
        #else
        return Double(usage.ru_maxrss) / (1024 * 1024)
        #endif
    }

    /// Current resident set size in MiB (from /proc/self/statm on Linux; the peak elsewhere).
    public static func residentMB() -> Double {
        #if os(Linux)
        if let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = text.split(separator: " ")
            if fields.count > 1, let pages = Double(fields[1]) {
                return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / (1024 * 1024)
            }
        }
        #endif
        return peakResidentMB()
    }
}
