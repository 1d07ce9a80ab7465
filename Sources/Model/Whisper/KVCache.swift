/// The decoder's self-attention keys and values for the tokens seen so far, per layer.
public struct KVCache: Sendable {
    public struct Layer: Sendable {
        public private(set) var keys: [Float] = []    // [count, D]
        public private(set) var values: [Float] = []  // [count, D]
        public private(set) var count = 0

        /// Appends the K and V columns of fused QKV rows `[n, 3D]`.
        mutating func append(_ fused: Matrix) {
            let d = fused.cols / 3
            keys.reserveCapacity((count + fused.rows) * d)
            values.reserveCapacity((count + fused.rows) * d)
            for r in 0..<fused.rows {
                let base = r * fused.cols
                keys.append(contentsOf: fused.data[(base + d)..<(base + 2 * d)])
                values.append(contentsOf: fused.data[(base + 2 * d)..<(base + 3 * d)])
            }
            count += fused.rows
        }

        /// Forgets every position from `length` on.
        public mutating func truncate(to length: Int) {
            guard length < count else { return }
            let d = keys.count / max(count, 1)
            keys.removeSubrange((length * d)...)
            values.removeSubrange((length * d)...)
            count = length
        }
    }

    public var layers: [Layer]

    public init(layers: Int) {
        self.layers = Array(repeating: Layer(), count: layers)
    }

    /// Number of positions cached (the next token's position).
    public var count: Int { layers.first?.count ?? 0 }

    /// Keeps positions `0..<length` only, so decoding can resume from there.
    public mutating func truncate(to length: Int) {
        for l in layers.indices { layers[l].truncate(to: length) }
    }
}
