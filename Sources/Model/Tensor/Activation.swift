/// Element-wise activations applied to whole matrices.
public enum Activation {
    /// GELU (erf form), in place, across cores.
    public static func gelu(_ x: inout Matrix) {
        x.data.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            Parallel.chunks(buf.count, minimumPerChunk: 1 << 16) { r in
                FastMath.gelu(UnsafeMutableBufferPointer(start: base + r.lowerBound, count: r.count))
            }
        }
    }
}
