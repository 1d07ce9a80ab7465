/// Builds typed layers from a weight source (a `model.bin` or a transformers checkpoint),
/// checking every shape against the hyperparameters.
struct WeightReader {
    let file: any WeightSource

    func vector(_ name: String, count: Int) throws -> [Float] {
        let (shape, values) = try file.floats(name)
        guard values.count == count else {
            throw InputError(file.path, "shapes contradict: \(name) is \(shape), expected [\(count)]")
        }
        try checkFinite(name, values)
        return values
    }

    /// A rank-2 (or conv rank-3, flattened to `[out, in·k]`) weight of a known shape.
    func matrix(_ name: String, rows: Int, cols: Int) throws -> Matrix {
        let (shape, values) = try file.floats(name)
        guard shape.first == rows, values.count == rows * cols else {
            throw InputError(file.path, "shapes contradict: \(name) is \(shape), expected [\(rows), \(cols)]")
        }
        try checkFinite(name, values)
        return Matrix(rows: rows, cols: cols, data: values)
    }

    /// A weight multiplied row by row (`WeightRows`), kept in float16 when the file stores it so.
    func rows(_ name: String, rows: Int, cols: Int) throws -> WeightRows {
        guard let (shape, bits) = try file.halves(name) else {
            return WeightRows(rows: rows, cols: cols, values: try matrix(name, rows: rows, cols: cols).data)
        }
        guard shape.first == rows, bits.count == rows * cols else {
            throw InputError(file.path, "shapes contradict: \(name) is \(shape), expected [\(rows), \(cols)]")
        }
        guard bits.allSatisfy({ UInt16(littleEndian: $0) & 0x7C00 != 0x7C00 }) else {
            throw InputError(file.path, "\(name) holds NaN or infinite values (the file is damaged)")
        }
        return WeightRows(rows: rows, cols: cols, halves: bits)
    }

    /// The token embedding, kept in float16 when the file stores it so (see `TokenEmbedding`).
    func embedding(_ name: String, rows: Int, cols: Int) throws -> TokenEmbedding {
        TokenEmbedding(try self.rows(name, rows: rows, cols: cols))
    }

    /// A NaN or infinite weight would turn every activation into NaN without a word; a damaged
    /// file is named here instead (about 1 ms per million weights).
    func checkFinite(_ name: String, _ values: [Float]) throws {
        guard values.allSatisfy({ $0.isFinite }) else {
            throw InputError(file.path, "\(name) holds NaN or infinite values (the file is damaged)")
        }
    }

    func linear(_ scope: String, out: Int, in inFeatures: Int, bias: Bool = true,
                product: Linear.Product = .rowBlocks) throws -> Linear {
        let name = scope + "/weight"
        switch product {
        case .rowBlocks:
            let weight = try matrix(name, rows: out, cols: inFeatures)
            return Linear(weight: weight, bias: bias ? try vector(scope + "/bias", count: out) : nil)
        case .rowByRow:
            let weight = try rows(name, rows: out, cols: inFeatures)
            return Linear(rows: weight, bias: bias ? try vector(scope + "/bias", count: out) : nil)
        }
    }

    func layerNorm(_ scope: String, width: Int) throws -> LayerNorm {
        LayerNorm(gamma: try vector(scope + "/gamma", count: width),
                  beta: try vector(scope + "/beta", count: width))
    }

    /// `product`: how the block's token-side layers multiply (`rowByRow` in the decoder).
    func mlp(_ scope: String, width: Int, hidden: Int, product: Linear.Product = .rowBlocks) throws -> MLP {
        MLP(norm: try layerNorm(scope + "/layer_norm", width: width),
            fc1: try linear(scope + "/linear_0", out: hidden, in: width, product: product),
            fc2: try linear(scope + "/linear_1", out: width, in: hidden, product: product))
    }

    func selfAttention(_ scope: String, width: Int, heads: Int, product: Linear.Product = .rowBlocks) throws -> SelfAttention {
        SelfAttention(norm: try layerNorm(scope + "/layer_norm", width: width),
                      qkv: try linear(scope + "/linear_0", out: 3 * width, in: width, product: product),
                      out: try linear(scope + "/linear_1", out: width, in: width, product: product),
                      heads: heads)
    }

    /// K;V read the encoder's frames, so they keep BLAS's row blocks whatever `product` says.
    func crossAttention(_ scope: String, width: Int, heads: Int, product: Linear.Product = .rowBlocks) throws -> CrossAttention {
        CrossAttention(norm: try layerNorm(scope + "/layer_norm", width: width),
                       query: try linear(scope + "/linear_0", out: width, in: width, product: product),
                       keyValue: try linear(scope + "/linear_1", out: 2 * width, in: width),
                       out: try linear(scope + "/linear_2", out: width, in: width, product: product),
                       heads: heads)
    }
}
