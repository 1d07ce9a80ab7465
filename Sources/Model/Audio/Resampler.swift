import CSoxr

/// Sample-rate conversion with libsoxr at its high-quality setting.
public enum Resampler {
    public static func resample(_ x: [Float], from inRate: Int, to outRate: Int, source: String) throws -> [Float] {
        guard inRate != outRate else { return x }
        let outCount = Int((Double(x.count) * Double(outRate) / Double(inRate)).rounded(.up)) + 16
        var out = [Float](repeating: 0, count: outCount)
        var done = 0
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        let error: soxr_error_t? = x.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                soxr_oneshot(Double(inRate), Double(outRate), 1,
                             inp.baseAddress, x.count, nil,
                             o.baseAddress, outCount, &done,
                             nil, &quality, nil)
            }
        }
        if let error { throw InputError(source, "cannot resample from \(inRate) Hz: \(String(cString: error))") }
        return Array(out[0..<done])
    }
}
