import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The address-space limit (`ulimit -v`, RLIMIT_AS), checked before the model is decoded.
///
/// Under a limit too small, OpenBLAS does not fail: when its 128 MiB work buffer cannot be
/// allocated it retries forever, so `asrlens` would hang. A limit that cannot fit the model's
/// weights, one such buffer per worker thread and some headroom is therefore refused up front,
/// with the figures, as one line.
public enum MemoryLimit {
    /// OpenBLAS's per-thread work buffer (its BUFFER_SIZE on x86-64).
    static let blasBuffer = 128 << 20
    /// Activations of a 30-second window and the runtime: calibrated so that the estimate falls
    /// between the limits that hang and those that run (tiny.en: 732 and 781 MiB with 2 threads).
    static let headroom = 48 << 20

    /// The limit in bytes, or nil when there is none.
    public static var limit: Int? {
        var r = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &r) == 0, r.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: r.rlim_cur)
    }

    /// Address space in use now (VmSize), from /proc/self/statm.
    static var inUse: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Throws when decoding `weightBytes` of float32 weights and running `threads` workers
    /// would not fit under the limit. `model` names the model in the message.
    public static func check(weightBytes: Int, threads: Int, model: String) throws {
        guard let limit else { return }
        let need = inUse + weightBytes + threads * blasBuffer + headroom
        guard need > limit else { return }
        throw InputError("ulimit -v", "the memory limit of \(limit >> 20) MB is below the \(need >> 20) MB that \(model) needs with \(threads) thread\(threads == 1 ? "" : "s") "
                         + "(weights \(weightBytes >> 20) MB, OpenBLAS \(blasBuffer >> 20) MB per thread); raise the limit or pass --threads 1")
    }

    /// A phrase for an allocation that failed: names the limit when there is one.
    public static var outOfMemory: String {
        limit.map { "out of memory under the memory limit of \($0 >> 20) MB (ulimit -v)" } ?? "out of memory"
    }
}
