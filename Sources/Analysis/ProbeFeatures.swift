import Foundation
import Model

/// Per-layer pooled representations of one clip for linear probes (paper-methods §3):
/// the encoder side averages each block's output over the frames that carry audio; the decoder
/// side averages each block's output over the transcript's tokens (teacher-forced clean run).
public enum ProbeFeatures {
    public enum Side: String, CaseIterable, Sendable, Codable { case enc, dec }

    /// [layers][D] for the first 30 s window of `samples`.
    public static func extract(model: WhisperModel, samples: [Float], side: Side) throws -> [[Float]] {
        switch side {
        case .enc:
            let (window, frames) = try ClipAudio(samples: samples, nMels: model.hyper.nMels).window(at: 0)
            let audio = min(model.hyper.audioPositions, max(1, (frames + 1) / 2))
            var x = model.encoder.embed(window)
            return model.encoder.blocks.map { block in
                x = block(x).residPost
                return meanRows(x, 0..<audio)
            }
        case .dec:
            let engine = try Engine(model: model, samples: samples)
            let start = engine.prompt.count
            // Rows whose input is a transcript token; the last prompt row when there is none.
            let rows = engine.cleanTokens.isEmpty ? (start - 1)..<start : start..<(start + engine.cleanTokens.count)
            return engine.clean.decoder.residPost.map { meanRows($0, rows) }
        }
    }

    /// The control's input: the clip's log-mel features (first 30 s window) averaged over the
    /// frames that carry audio, `[mels]`; no Whisper layer is involved.
    public static func pooledLogMel(_ samples: [Float], nMels: Int) throws -> [Float] {
        let (window, frames) = try ClipAudio(samples: samples, nMels: nMels).window(at: 0)
        let used = max(1, min(frames, window.cols))
        return (0..<window.rows).map { m in
            var sum: Float = 0
            for t in 0..<used { sum += window[m, t] }
            return sum / Float(used)
        }
    }

    static func meanRows(_ m: Matrix, _ rows: Range<Int>) -> [Float] {
        var out = [Float](repeating: 0, count: m.cols)
        for r in rows { for c in 0..<m.cols { out[c] += m[r, c] } }
        let scale = 1 / Float(max(1, rows.count))
        return out.map { $0 * scale }
    }
}

/// Pooled features on disk, one file per clip, model and side, keyed by the audio's SHA-256
/// (so renamed or moved clips still hit) under `$ASRLENS_HOME/features/`.
public struct FeatureCache: Sendable {
    public let directory: URL

    /// The cache folder for a model (its name, and the size and date of its `model.bin`, so a
    /// replaced model never reads stale features) and a side.
    public init(model: WhisperModel, side: ProbeFeatures.Side, root: URL = ModelCatalog.home.appendingPathComponent("features")) {
        let bin = model.directory.appendingPathComponent("model.bin")
        let attrs = try? FileManager.default.attributesOfItem(atPath: bin.path)
        let size = (attrs?[.size] as? NSNumber)?.int64Value ?? 0
        let date = Int64((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        directory = root.appendingPathComponent("\(model.name)-\(String(size, radix: 16))-\(String(date, radix: 16))/\(side.rawValue)")
    }

    public init(directory: URL) { self.directory = directory }

    func file(_ key: String) -> URL { directory.appendingPathComponent("\(key).f32") }

    /// The stored features for a clip key, or nil when there are none. A file that is damaged
    /// (its SHA-256 trailer does not match: a trial's NaN-filled entry had silently dragged every
    /// probe to chance) or written before the trailer existed is also nil, so the clip is
    /// extracted again; damage is reported as a warning.
    public func load(_ key: String) -> [[Float]]? {
        let path = file(key).path
        func damaged(_ how: String) -> [[Float]]? {
            Warnings.report(path, "a damaged feature-cache entry (\(how)); the clip's features are extracted again")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard data.count >= 8 else { return damaged("\(data.count) bytes") }
        let header = data.prefix(8).withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let layers = Int(header[0]), dim = Int(header[1])
        // Int32 sizes from a damaged or foreign file: bounded before multiplying, so no overflow.
        let sized = (1...4096).contains(layers) && (1...1 << 20).contains(dim)
        guard sized, data.count == 8 + layers * dim * 4 + Self.trailer else {
            // An entry from before the trailer existed is replaced quietly; any other size is damage.
            return sized && data.count == 8 + layers * dim * 4 ? nil : damaged("\(data.count) bytes")
        }
        let body = data.prefix(data.count - Self.trailer)
        guard body.withUnsafeBytes({ SHA256.hex(of: $0) }) == String(decoding: data.suffix(Self.trailer), as: UTF8.self) else {
            return damaged("its checksum does not match")
        }
        let values = body.dropFirst(8).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return (0..<layers).map { Array(values[($0 * dim)..<(($0 + 1) * dim)]) }
    }

    /// Bytes of the SHA-256 (hex) of everything before it, at the end of every entry.
    static let trailer = 64

    public func store(_ features: [[Float]], key: String) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw FileProblem.inputError(directory.path, error, writing: true)
        }
        var data = Data()
        for v in [Int32(features.count), Int32(features.first?.count ?? 0)] { withUnsafeBytes(of: v) { data.append(contentsOf: $0) } }
        for row in features { row.withUnsafeBytes { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array(data.withUnsafeBytes { SHA256.hex(of: $0) }.utf8))
        try AtomicFile.write(data, to: file(key).path)
    }
}
