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
        samples.withUnsafeBufferPointer { s in
            features(sampleCount: s.count, prepare: { _ in }, sample: { i in i < s.count ? s[i] : 0 })
        }
    }

    /// The same features from a stream, holding only the samples of one chunk of frames.
    /// Bit-identical to the array form: the same chunks, the same products.
    public func callAsFunction(_ stream: AudioStream) throws -> Matrix {
        var buffer: [Float] = [], start = 0, ended = false
        return try features(sampleCount: stream.count, prepare: { range in
            if range.lowerBound > start {   // samples no later chunk reads
                buffer.removeFirst(min(buffer.count, range.lowerBound - start))
                start = range.lowerBound
            }
            while start + buffer.count < range.upperBound {
                let block = ended ? [] : try stream.read(1 << 16)
                if block.isEmpty {   // the end: the padding zeros
                    ended = true
                    buffer += [Float](repeating: 0, count: range.upperBound - start - buffer.count)
                } else {
                    buffer += block
                }
            }
        }, sample: { i in buffer[i - start] })
    }

    /// The front end over `sampleCount` samples read through `sample(i)` (0 past the end: the
    /// 160 zeros of step 2). Before each chunk of frames, `prepare` is given the range of
    /// indices the chunk reads, so a stream can read ahead and drop what is behind.
    private func features(sampleCount n: Int, prepare: (Range<Int>) throws -> Void, sample: (Int) -> Float) rethrows -> Matrix {
        let padded = n + Self.hop                  // step 2: 160 zeros
        let frames = padded / Self.hop             // F − 1: last frame dropped
        var mel = Matrix(zeros: nMels, frames)
        let chunk = 2048
        var start = 0
        while start < frames {
            let count = min(chunk, frames - start)
            let lo = start * Self.hop - Self.nFFT / 2, hi = (start + count - 1) * Self.hop + Self.nFFT / 2
            // Reflection reads at most 200 samples past either end, inside this range.
            try prepare(max(0, min(lo, padded - Self.nFFT)) ..< min(padded, max(hi, Self.nFFT + 1)))
            melChunk(sample, count: padded, frames: start..<(start + count), into: &mel)
            start += count
        }
        var top = -Float.greatestFiniteMagnitude
        for i in mel.data.indices {
            let v = log10(max(mel.data[i], 1e-10))
            mel.data[i] = v
            top = max(top, v)
        }
        let floor = top - 8
        for i in mel.data.indices { mel.data[i] = (max(mel.data[i], floor) + 4) / 4 }
        return mel
    }

    /// Power spectrum of some frames through the filterbank, into columns of `mel`.
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
        let total = mel.cols
        mel.data.withUnsafeMutableBufferPointer { m in
            BLAS.gemmNT(m: nMels, n: frames.count, k: bins, a: filters, lda: bins, b: power, ldb: bins,
                        c: m.baseAddress! + frames.lowerBound, ldc: total)
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
