import Foundation

/// Slaney-scale, Slaney-normalised triangular mel filters, computed in Double (spec §5.3).
public enum MelFilterbank {
    /// Filters `[nMels, nFFT/2 + 1]`, row-major, cast to Float.
    public static func make(nMels: Int, nFFT: Int = 400, sampleRate: Int = 16_000) -> [Float] {
        let bins = nFFT / 2 + 1
        let fftFreqs = (0..<bins).map { Double($0) * Double(sampleRate) / Double(nFFT) }
        let maxMel = hzToMel(Double(sampleRate) / 2)
        let melPoints = (0..<(nMels + 2)).map { Double($0) * maxMel / Double(nMels + 1) }
        let hz = melPoints.map(melToHz)
        var filters = [Float](repeating: 0, count: nMels * bins)
        for i in 0..<nMels {
            let lower = hz[i], center = hz[i + 1], upper = hz[i + 2]
            let norm = 2 / (upper - lower)
            for k in 0..<bins {
                let f = fftFreqs[k]
                let w = max(0, min((f - lower) / (center - lower), (upper - f) / (upper - center)))
                filters[i * bins + k] = Float(w * norm)
            }
        }
        return filters
    }

    private static let minLogHz = 1000.0
    private static let minLogMel = 15.0
    private static let logStep = log(6.4) / 27

    public static func hzToMel(_ f: Double) -> Double {
        f < minLogHz ? f * 3 / 200 : minLogMel + log(f / minLogHz) / logStep
    }

    public static func melToHz(_ m: Double) -> Double {
        m < minLogMel ? 200 * m / 3 : minLogHz * exp(logStep * (m - minLogMel))
    }
}
