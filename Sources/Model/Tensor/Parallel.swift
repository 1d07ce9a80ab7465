import Dispatch

import COpenBLAS
import Foundation

/// Splits work across cores: row blocks of matrix products, attention heads, element-wise loops.
/// OpenBLAS runs single-threaded inside each block.
public enum Parallel {
    /// Number of workers; set from the CLI's thread count.
    nonisolated(unsafe) public static var workers = ProcessInfo.processInfo.activeProcessorCount

    /// Sets the worker count (and pins OpenBLAS to one thread per call).
    public static func configure(threads: Int) {
        BLAS.singleThreaded
        workers = max(1, threads)
    }

    /// Calls `body(range)` on disjoint chunks of `0..<count`, concurrently when it is worth it.
    public static func chunks(_ count: Int, minimumPerChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
        let n = min(workers, max(1, count / max(1, minimumPerChunk)))
        if n <= 1 { body(0..<count); return }
        let step = (count + n - 1) / n
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let lo = i * step
            let hi = min(count, lo + step)
            if lo < hi { body(lo..<hi) }
        }
    }

    /// `[body(0), body(1), …]`, the calls made on disjoint chunks concurrently, as `chunks` splits them.
    public static func map<T>(_ count: Int, minimumPerChunk: Int = 1, _ body: (Int) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress
            chunks(count, minimumPerChunk: minimumPerChunk) { range in
                for i in range { (base! + i).initialize(to: body(i)) }
            }
            initialized = count
        }
    }
}
