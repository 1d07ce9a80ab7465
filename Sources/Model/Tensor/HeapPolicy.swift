#if canImport(Glibc)
import CMalloc
#endif

/// How the process asks the C allocator for activation-sized buffers.
public enum HeapPolicy {
    /// Serves activations (up to 32 MiB; a 30-second window's 1,500 × 1,536 MLP hidden layer is
    /// 9 MiB) from the heap and keeps freed ones there, so the next buffer of that size reuses
    /// warm pages. Mapping each one afresh, as glibc does above its initial 128 KiB threshold,
    /// faulted every page in again: a fifth of a transcription's wall time went to the kernel.
    /// Fixed thresholds also stop glibc from moving them with each free; two arenas keep the
    /// worker threads from each holding its own heap. Call once, before any work.
    public static func apply() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        _ = mallopt(M_ARENA_MAX, 2)
        #endif
    }

    /// Returns the free pages of the heap to the system. The engine calls this after it
    /// memoises a run: the memo's buffers outlive the transient ones between them, and without
    /// this the holes they leave would stay resident and a long session's memory would creep.
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
