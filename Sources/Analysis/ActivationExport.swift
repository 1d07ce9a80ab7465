import Foundation
import Model

/// Activations out of asrlens, in the files notebooks read (`asrlens activations`,
/// `:save-activations`): one tensor per site, named by the site grammar, with the tokens and the
/// run they come from.
public struct ActivationExport {
    /// `.safetensors` (Hugging Face) or `.npz` (NumPy).
    public enum Format: String, CaseIterable, Sendable {
        case safetensors, npz

        /// The format a file name asks for: `.npz` is NumPy's, anything else safetensors.
        public init(path: String) { self = path.lowercased().hasSuffix(".npz") ? .npz : .safetensors }
    }

    /// The tensors, sites first in the model's order, then `tokens` and `prompt` (int32).
    public let tensors: [NamedTensor]
    /// What the values are: model, rows, frames, tokens, transcripts, patches.
    public let metadata: [String: String]

    /// The activations at every site `patterns` name (`enc.3.resid_post`, `enc.*.resid_post`)
    /// in the run under `set` (clean when empty).
    public init(engine: Engine, set: PatchSet, patterns: [String]) throws {
        let hyper = engine.model.hyper
        var sites: [Site] = []
        for pattern in patterns { for site in try Site.matching(pattern, hyper: hyper) where !sites.contains(site) { sites.append(site) } }
        guard !sites.isEmpty else { throw InputError("--site", "name at least one site (enc.3.resid_post, enc.*.resid_post, dec.1.cross_head.2, …)") }
        let values = try engine.activations(set, at: sites)
        let order = Site.all(hyper)
        tensors = sites.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! }.map { NamedTensor(name: $0.description, values[$0]!) }
            + [NamedTensor(name: "tokens", shape: [engine.cleanTokens.count], values: .int32(engine.cleanTokens.map(Int32.init))),
               NamedTensor(name: "prompt", shape: [engine.prompt.count], values: .int32(engine.prompt.map(Int32.init)))]
        let run = try engine.run(set)
        func json(_ v: [Int]) -> String { "[" + v.map(String.init).joined(separator: ",") + "]" }
        var meta = [
            "model": engine.model.name,
            "asrlens": SourceRevision.version,
            "asrlens_commit": SourceRevision.current,   // "unknown" for a binary outside its checkout
            "frames": String(engine.audioFrames),
            "window_start": String(format: "%.2f", engine.windowStart),   // seconds into the clip (--offset)
            "encoder_rows": "\(hyper.audioPositions) encoder frames of 20 ms (the 30 s window); the audio fills the first `frames`",
            "decoder_rows": "prompt + clean transcript tokens, teacher-forced: row r is sequence position r",
            "prompt": json(engine.prompt),
            "tokens": json(engine.cleanTokens),
            "text": engine.clean.text,
            "patches": set.isEmpty ? "none (clean run)" : set.description,
        ]
        if !set.isEmpty { meta["patched_text"] = run.text; meta["patched_tokens"] = json(run.tokens) }
        metadata = meta
    }

    /// The file's bytes in `format`. An `.npz` carries the metadata as a JSON string, `__metadata__`.
    public func bytes(_ format: Format) throws -> [UInt8] {
        switch format {
        case .safetensors:
            return try SafeTensors.encode(tensors, metadata: metadata)
        case .npz:
            let json = try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys, .withoutEscapingSlashes])
            return try NumpyArchive.encode(tensors, texts: [("__metadata__", String(decoding: json, as: UTF8.self))])
        }
    }

    /// Writes the file (atomically, as every output; `AtomicFile.write` on `waitingForReader`)
    /// and returns its size in bytes.
    @discardableResult
    public func write(to path: String, format: Format? = nil, waitingForReader: Bool = true) throws -> Int {
        let bytes = try bytes(format ?? Format(path: path))
        try AtomicFile.write(Data(bytes), to: path, waitingForReader: waitingForReader)
        return bytes.count
    }
}
