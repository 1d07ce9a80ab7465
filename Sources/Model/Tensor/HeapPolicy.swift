#if canImport(Glibc)
import CMalloc
#endif

/// How the process asks the C allocator for activation-sized buffers.
public enum HeapPolicy {
    /// Serves every block of 256 KiB or more (any frames × D activation) straight from mmap.
    ///
    /// glibc otherwise raises its mmap threshold each time such a block is freed, after which
    /// activations come from the heap arenas, where a long session's mix of sizes fragments them
    /// and resident memory creeps up. Fixing the threshold returns each freed activation to the
    /// system at once, and two arenas keep the worker threads from each holding its own heap.
    /// Measured by `scripts/soak.sh` (docs/soak.md). Call once, before any work.
    public static func applyForLongSessions() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 256 << 10)
        _ = mallopt(M_ARENA_MAX, 2)
        #endif
    }
}
