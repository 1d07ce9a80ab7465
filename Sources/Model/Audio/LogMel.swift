import Foundation

/// faster-whisper's log-mel front end (spec §5.2), with the DFT done as a BLAS product.
public struct LogMel: Sendable {
    public let nMels: Int
    public static let nFFT = 400
    public static let hop = 160
    static let bins = nFFT / 2 + 1

    private let filters: [Float]   // [nMels, 201]
    /// The periodic-Hann-windowed DFT basis: rows 0..<201 cos, 201..<402 sin, each [400].
    private let basis: [Float]

    public init(nMels: Int) {
        BLAS.singleThreaded
        self.nMels = nMels
        filters = MelFilterbank.make(nMels: nMels, nFFT: Self.nFFT)
        let n = Self.nFFT
        var b = [Float](repeating: 0, count: 2 * Self.bins * n)
        for k in 0..<Self.bins {
            for t in 0..<n {
                let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(t) / Double(n))
                let angle = 2 * Double.pi * Double(k * t % n) / Double(n)
                b[k * n + t] = Float(w * cos(angle))
                b[(Self.bins + k) * n + t] = Float(w * sin(angle))
            }
        }
        basis = b
    }

    /// Samples → features `[nMels, floor(N/160) + 1]`, clamped to 8 below the whole input's max.
    public func callAsFunction(_ samples: [Float]) -> Matrix {
        samples.withUnsafeBufferPointer { s in whole(count: s.count, prepare: { _ in }, sample: Self.reader(s)) }
    }

    /// The same features from a stream, holding only the samples of one chunk of frames.
    /// Bit-identical to the array form: the same chunks, the same products.
    public func callAsFunction(_ stream: AudioStream) throws -> Matrix {
        let w = stream.sampleWindow()
        return try whole(count: stream.count, prepare: w.prepare, sample: w.sample)
    }

    /// Features have `floor(samples / 160) + 1` frames; the last is dropped before encoding.
    public static func frameCount(samples n: Int) -> Int { (n + hop) / hop }

    /// The largest log10 mel power of the whole input: faster-whisper clamps every frame to 8
    /// below it, so a window's features depend on the whole file. Computes every chunk, keeps none.
    public func maximum(_ stream: AudioStream) throws -> Float {
        let w = stream.sampleWindow()
        return try maximum(count: stream.count, prepare: w.prepare, sample: w.sample)
    }

    /// Features `[nMels, range.count]` of frames `range`, clamped to 8 below `top` (`maximum`).
    public func frames(_ range: Range<Int>, of stream: AudioStream, top: Float) throws -> Matrix {
        let w = stream.sampleWindow()
        return try frames(range, count: stream.count, prepare: w.prepare, sample: w.sample, top: top)
    }

    /// Sample `i` of an array, 0 past its end (the 160 zeros of step 2).
    private static func reader(_ s: UnsafeBufferPointer<Float>) -> (Int) -> Float { { i in i < s.count ? s[i] : 0 } }

    // Below, an input of `count` samples is read through `sample(i)` for i in `0..<count + 160`;
    // before each chunk, `prepare` gets the range of indices it reads, so a stream can seek,
    // read ahead and drop what is behind.

    /// Every frame in one pass: each chunk is kept raw, then all are clamped to the maximum seen.
    private func whole(count: Int, prepare: (Range<Int>) throws -> Void, sample: (Int) -> Float) rethrows -> Matrix {
        var out = Matrix(zeros: nMels, Self.frameCount(samples: count))
        var top = -Float.greatestFiniteMagnitude
        try forEachChunk(count: count, prepare: prepare, sample: sample, in: 0..<out.cols) { range, chunk in
            top = max(top, chunk.data.max() ?? top)
            copy(chunk, columns: 0..<range.count, into: &out, at: range.lowerBound)
        }
        clamp(&out, top: top)
        return out
    }

    private func maximum(count: Int, prepare: (Range<Int>) throws -> Void, sample: (Int) -> Float) rethrows -> Float {
        var top = -Float.greatestFiniteMagnitude
        try forEachChunk(count: count, prepare: prepare, sample: sample, in: 0..<Self.frameCount(samples: count)) { _, chunk in
            top = max(top, chunk.data.max() ?? top)
        }
        return top
    }

    private func frames(_ range: Range<Int>, count: Int, prepare: (Range<Int>) throws -> Void, sample: (Int) -> Float, top: Float) rethrows -> Matrix {
        var out = Matrix(zeros: nMels, range.count)
        try forEachChunk(count: count, prepare: prepare, sample: sample, in: range) { chunkRange, chunk in
            let lo = max(range.lowerBound, chunkRange.lowerBound), hi = min(range.upperBound, chunkRange.upperBound)
            copy(chunk, columns: (lo - chunkRange.lowerBound)..<(hi - chunkRange.lowerBound), into: &out, at: lo - range.lowerBound)
        }
        clamp(&out, top: top)
        return out
    }

    /// Frames are computed in chunks on one grid from frame 0, whichever frames are asked for:
    /// a frame's value then never depends on the request (BLAS may round another product size
    /// differently).
    static let chunk = 2048

    /// Calls `body` with each grid chunk that overlaps `wanted`: its frame range and its log10
    /// mel power `[nMels, count]`.
    private func forEachChunk(count n: Int, prepare: (Range<Int>) throws -> Void, sample: (Int) -> Float, in wanted: Range<Int>,
                              _ body: (Range<Int>, Matrix) throws -> Void) rethrows {
        let padded = n + Self.hop                  // step 2: 160 zeros
        let frames = padded / Self.hop             // F − 1: last frame dropped
        var start = (max(0, wanted.lowerBound) / Self.chunk) * Self.chunk
        while start < min(frames, wanted.upperBound) {
            let count = min(Self.chunk, frames - start)
            let lo = start * Self.hop - Self.nFFT / 2, hi = (start + count - 1) * Self.hop + Self.nFFT / 2
            // Reflection reads at most 200 samples past either end, inside this range.
            try prepare(max(0, min(lo, padded - Self.nFFT)) ..< min(padded, max(hi, Self.nFFT + 1)))
            var mel = Matrix(zeros: nMels, count)
            melChunk(sample, count: padded, frames: start..<(start + count), into: &mel)
            for i in mel.data.indices { mel.data[i] = log10(max(mel.data[i], 1e-10)) }
            try body(start..<(start + count), mel)
            start += count
        }
    }

    private func copy(_ chunk: Matrix, columns: Range<Int>, into out: inout Matrix, at column: Int) {
        for m in 0..<nMels {
            for (k, c) in columns.enumerated() { out.data[m * out.cols + column + k] = chunk.data[m * chunk.cols + c] }
        }
    }

    private func clamp(_ m: inout Matrix, top: Float) {
        let floor = top - 8
        for i in m.data.indices { m.data[i] = (max(m.data[i], floor) + 4) / 4 }
    }

    /// Power spectrum of some frames through the filterbank, into `mel` `[nMels, frames.count]`.
    private func melChunk(_ x: (Int) -> Float, count: Int, frames: Range<Int>, into mel: inout Matrix) {
        let n = Self.nFFT, bins = Self.bins, half = n / 2
        var windows = [Float](repeating: 0, count: frames.count * n)   // [frames, 400]
        for (row, f) in frames.enumerated() {
            for t in 0..<n {
                windows[row * n + t] = x(Self.reflect(f * Self.hop + t - half, count: count))
            }
        }
        var spectrum = [Float](repeating: 0, count: frames.count * 2 * bins)   // [frames, 402]
        BLAS.gemmNT(m: frames.count, n: 2 * bins, k: n, a: windows, lda: n, b: basis, ldb: n,
                    c: &spectrum, ldc: 2 * bins)
        var power = [Float](repeating: 0, count: frames.count * bins)   // [frames, 201]
        for r in 0..<frames.count {
            for k in 0..<bins {
                let re = spectrum[r * 2 * bins + k], im = spectrum[r * 2 * bins + bins + k]
                let magnitude = (re * re + im * im).squareRoot()
                power[r * bins + k] = magnitude * magnitude
            }
        }
        mel.data.withUnsafeMutableBufferPointer { m in
            BLAS.gemmNT(m: nMels, n: frames.count, k: bins, a: filters, lda: bins, b: power, ldb: bins,
                        c: m.baseAddress!, ldc: frames.count)
        }
    }

    /// NumPy's "reflect" padding index (mirror without repeating the edge), for any length.
    public static func reflect(_ i: Int, count n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    }
}
