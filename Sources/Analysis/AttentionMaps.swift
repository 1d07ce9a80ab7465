import Foundation
import Model

/// Attention maps of a run (paper-methods §5 "Alignment heads"): cross-attention as
/// transcript tokens × encoder frames, decoder self-attention, and encoder self-attention,
/// which is recomputed on demand for one layer and head and never stored whole.
public enum AttentionMaps {
    /// Cross-attention of one layer and head: rows are the T + 1 prediction positions
    /// (transcript tokens, then EOT), columns the encoder frames.
    public static func cross(_ engine: Engine, _ run: Run, layer: Int, head: Int) -> Matrix {
        let rows = engine.tokenRow0..<(engine.tokenRow0 + engine.cleanTokens.count + 1)
        return run.decoder.crossWeights[layer][head].rows(rows)
    }

    /// The model's alignment heads (from its config), as (layer, head) pairs; pairs outside
    /// the model are dropped.
    public static func alignmentHeads(_ engine: Engine) -> [(layer: Int, head: Int)] {
        let h = engine.model.hyper
        return engine.model.config.alignmentHeads.compactMap { $0.count == 2 ? (layer: $0[0], head: $0[1]) : nil }
            .filter { $0.layer >= 0 && $0.layer < h.decoderLayers && $0.head >= 0 && $0.head < h.decoderHeads }
    }

    /// Every decoder cross-attention head.
    public static func allCrossHeads(_ engine: Engine) -> [(layer: Int, head: Int)] {
        let h = engine.model.hyper
        return (0..<h.decoderLayers).flatMap { l in (0..<h.decoderHeads).map { (layer: l, head: $0) } }
    }

    /// The map a kind selects, its encoder-frame axes cut to the first `frames` frames.
    /// What the map `settings` select shows, e.g. "cross-attention layer 0 head 4".
    public static func title(_ settings: ViewSettings, hyper h: Hyperparameters) -> String {
        switch settings.attentionKind {
        case .alignment: return "cross-attention, mean of the alignment heads"
        case .mean: return "cross-attention, mean of all \(h.decoderLayers * h.decoderHeads) heads"
        case .cross: return "cross-attention layer \(settings.layer) head \(settings.head)"
        case .self: return "decoder self-attention layer \(settings.layer) head \(settings.head)"
        case .encoder: return "encoder self-attention layer \(settings.layer) head \(settings.head)"
        }
    }

    public static func select(_ kind: AttentionKind, _ engine: Engine, _ run: Run, layer: Int, head: Int, frames: Int) throws -> Matrix {
        func cut(_ m: Matrix, square: Bool = false) -> Matrix {
            let cols = min(frames, m.cols), rows = square ? cols : m.rows
            var out = Matrix(zeros: rows, cols)
            for r in 0..<rows { for c in 0..<cols { out[r, c] = m[r, c] } }
            return out
        }
        switch kind {
        case .cross: return cut(cross(engine, run, layer: layer, head: head))
        case .alignment:
            let heads = alignmentHeads(engine)
            return cut(crossMean(engine, run, heads: heads.isEmpty ? allCrossHeads(engine) : heads))
        case .mean: return cut(crossMean(engine, run, heads: allCrossHeads(engine)))
        case .self: return decoderSelf(engine, run, layer: layer, head: head)
        case .encoder: return try encoderSelfHeads(engine, layer: layer, heads: [head], frames: frames, set: run.patches)[0]
        }
    }

    /// The mean of several heads' cross-attention.
    public static func crossMean(_ engine: Engine, _ run: Run, heads: [(layer: Int, head: Int)]) -> Matrix {
        var sum = cross(engine, run, layer: heads[0].layer, head: heads[0].head)
        for h in heads.dropFirst() { sum = sum + cross(engine, run, layer: h.layer, head: h.head) }
        let scale = 1 / Float(heads.count)
        for i in sum.data.indices { sum.data[i] *= scale }
        return sum
    }

    /// Decoder self-attention of one layer and head, recomputed from the run's residual stream:
    /// [T + 1, prompt + T + 1], the prediction positions' rows over every key position, the
    /// prompt's first (`keyTokens`).
    public static func decoderSelf(_ engine: Engine, _ run: Run, layer: Int, head: Int) -> Matrix {
        let attention = engine.model.decoder.blocks[layer].selfAttention
        var cache = KVCache(layers: 1)
        let capture = HeadCapture(head: head)
        _ = attention.context(run.decoder.residPre[layer], cache: &cache.layers[0], weights: capture.sink)
        let all = capture.matrix(rows: run.decoder.residPre[layer].rows, cols: run.decoder.residPre[layer].rows)
        // Every key a token sees, the prompt's too (often where most attention goes), so each row sums to 1.
        let r = engine.tokenRow0..<(engine.tokenRow0 + engine.cleanTokens.count + 1)
        var out = Matrix(zeros: r.count, r.upperBound)
        for (i, row) in r.enumerated() { for col in 0..<r.upperBound { out[i, col] = all[row, col] } }
        return out
    }

    /// The tokens at the key positions of `decoderSelf`'s columns: the prompt, then the clean
    /// transcript (a row is labelled by the token it predicts, the key by the token it holds).
    public static func keyTokens(_ engine: Engine) -> [Int] { engine.prompt + engine.cleanTokens }

    /// Several heads of one encoder layer from a single attention pass, each cut to its first
    /// `frames` queries and keys (default: all 1500), in the run under `set`: its encoder patches
    /// before the layer and its attention window change them (its decoder patches cannot).
    public static func encoderSelfHeads(_ engine: Engine, layer: Int, heads: [Int], frames: Int? = nil, set: PatchSet = PatchSet()) throws -> [Matrix] {
        let encoder = EncoderLens.encoderPart(set), site = Site(.encoder, layer, .residPre)
        let x = encoder.isEmpty ? engine.cleanEncoder.residPre[layer] : try engine.activations(encoder, at: [site])[site]!
        let capture = HeadCapture(heads: heads, rows: x.rows, keep: min(frames ?? x.rows, x.rows))
        _ = engine.model.encoder.blocks[layer].attention.context(x, weights: capture.sink, band: encoder.attentionWindow)
        return heads.map { capture.matrices[$0]! }
    }
}

/// Copies chosen heads' probabilities out of an attention pass whose heads run concurrently,
/// keeping the top-left `keep`×`keep` block of each [rows, rows] map.
final class HeadCapture: @unchecked Sendable {
    private let rows: Int, keep: Int
    private let lock = NSLock()
    private(set) var matrices: [Int: Matrix] = [:]

    init(heads: [Int], rows: Int, keep: Int) {
        self.rows = rows
        self.keep = keep
        for h in heads { matrices[h] = Matrix(zeros: 0, 0) }
    }

    /// For one head: the full [rows, rows] map, kept as it arrives.
    convenience init(head: Int) { self.init(heads: [head], rows: 0, keep: 0) }

    var sink: ScaledDotProduct.WeightsSink {
        { [self] h, probs in
            lock.lock(); let wanted = matrices[h] != nil; lock.unlock()
            guard wanted else { return }
            let m: Matrix
            if keep == 0 {
                m = Matrix(rows: 1, cols: probs.count, data: Array(probs))
            } else {
                var cut = Matrix(zeros: keep, keep)
                for i in 0..<keep { for j in 0..<keep { cut[i, j] = probs[i * rows + j] } }
                m = cut
            }
            lock.lock(); matrices[h] = m; lock.unlock()
        }
    }

    /// The single captured head as a [rows, cols] matrix (for the full-map form).
    func matrix(rows: Int, cols: Int) -> Matrix { Matrix(rows: rows, cols: cols, data: matrices.values.first!.data) }
}
