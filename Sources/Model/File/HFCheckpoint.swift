import Foundation

/// Where a model's weights come from, by their CTranslate2 names (whisper-ct2-format.md §3.3):
/// a `model.bin`, or a Hugging Face checkpoint translated name by name.
protocol WeightSource {
    /// The file or folder, for messages.
    var path: String { get }
    func floats(_ name: String) throws -> (shape: [Int], values: [Float])
    /// A float16 tensor's raw bits, or nil when it is stored otherwise.
    func halves(_ name: String) throws -> (shape: [Int], bits: [UInt16])?
}

extension ModelFile: WeightSource {}

/// A Hugging Face `transformers` Whisper directory: `config.json` (`model_type` whisper),
/// `model.safetensors` or shards listed in `model.safetensors.index.json`, a tokenizer and
/// `generation_config.json`. Its tensors are presented under CTranslate2's names: Q, K and V
/// fused into one matrix with a zero key bias, as the CTranslate2 converter does.
struct HFCheckpoint: WeightSource {
    let path: String
    let config: [String: Any]
    /// The memory-mapped safetensors files and their headers.
    private let files: [(data: Data, header: SafeTensors.Header, path: String)]
    /// Tensor name → index into `files`.
    private let location: [String: Int]

    /// Whether `directory` looks like a transformers Whisper checkpoint.
    static func isCheckpoint(_ directory: URL) -> Bool {
        let fm = FileManager.default
        return !fm.fileExists(atPath: directory.appendingPathComponent("model.bin").path)
            && (fm.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path)
                || fm.fileExists(atPath: directory.appendingPathComponent("model.safetensors.index.json").path))
    }

    init(directory: URL) throws {
        path = directory.path
        config = try Self.json(directory.appendingPathComponent("config.json"), what: "config.json")
        guard config["model_type"] as? String == "whisper" else {
            throw InputError(directory.appendingPathComponent("config.json").path, "model_type is \(config["model_type"] as? String ?? "missing"), not whisper")
        }
        var names = ["model.safetensors"]
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        if FileManager.default.fileExists(atPath: index.path) {
            guard let map = try Self.json(index, what: "the shard index")["weight_map"] as? [String: String] else {
                throw InputError(index.path, "has no weight_map of tensor names to shard files")
            }
            names = Array(Set(map.values)).sorted()
        }
        var files: [(Data, SafeTensors.Header, String)] = [], location: [String: Int] = [:]
        for name in names {
            let file = directory.appendingPathComponent(name).path
            guard !name.contains("/") else { throw InputError(index.path, "names a shard outside the folder (\(name))") }
            try FileProblem.checkReadable(file, as: .file("a safetensors file"))
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) } catch { throw InputError(file, "cannot be read") }
            let header = try data.withUnsafeBytes { try SafeTensors.header(of: $0, source: file) }
            for tensor in header.tensors.keys { location[tensor] = files.count }
            files.append((data, header, file))
        }
        self.files = files
        self.location = location
    }

    static func json(_ url: URL, what: String) throws -> [String: Any] {
        try FileProblem.checkReadable(url.path, as: .file(what))
        guard let data = try? Data(contentsOf: url), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw InputError(url.path, "is not a JSON object")
        }
        return object
    }

    /// An integer setting of `config.json`.
    func setting(_ key: String) throws -> Int {
        guard let n = config[key] as? Int, n > 0, n < 1 << 24 else {
            throw InputError(path + "/config.json", "has no positive integer \(key)")
        }
        return n
    }

    /// The sizes from `config.json`, checked against the tensors.
    func hyperparameters() throws -> Hyperparameters {
        let d = try setting("d_model"), ffn = try setting("encoder_ffn_dim")
        guard try setting("decoder_ffn_dim") == ffn else { throw InputError(path + "/config.json", "encoder_ffn_dim and decoder_ffn_dim differ") }
        let activation = config["activation_function"] as? String ?? "gelu"
        guard activation == "gelu" else { throw InputError(path + "/config.json", "activation_function is \(activation); Whisper's is gelu") }
        let hyper = Hyperparameters(dModel: d, encoderHeads: try setting("encoder_attention_heads"), decoderHeads: try setting("decoder_attention_heads"),
                                    encoderLayers: try setting("encoder_layers"), decoderLayers: try setting("decoder_layers"), ffnWidth: ffn,
                                    nMels: try setting("num_mel_bins"), audioPositions: try setting("max_source_positions"),
                                    textPositions: try setting("max_target_positions"), vocabularySize: try setting("vocab_size"))
        guard d % hyper.encoderHeads == 0, d % hyper.decoderHeads == 0 else { throw InputError(path + "/config.json", "d_model \(d) is not a multiple of the head counts") }
        guard hyper.audioPositions >= 1500, hyper.textPositions >= 448 else {
            throw InputError(path + "/config.json", "max_source_positions \(hyper.audioPositions) and max_target_positions \(hyper.textPositions); Whisper needs at least 1500 and 448")
        }
        return hyper
    }

    /// The name a tensor is stored under: as given, or without the `model.` prefix (a bare
    /// `WhisperModel` saves its tensors so).
    private func stored(_ name: String) -> String {
        location[name] != nil || !name.hasPrefix("model.") ? name : String(name.dropFirst(6))
    }

    /// A tensor by its transformers name, with or without the `model.` prefix.
    private func raw(_ name: String) throws -> (shape: [Int], values: [Float]) {
        let key = stored(name)
        guard let i = location[key], let entry = files[i].header.tensors[key] else { throw InputError(path, "missing tensor \(name)") }
        guard let values = files[i].data.withUnsafeBytes({ SafeTensors.floats(entry, in: $0) }) else {
            throw InputError(files[i].path, "tensor \(key) is \(entry.dtype), not a floating-point tensor")
        }
        return (entry.shape, values)
    }

    /// How a CTranslate2 name is made from transformers tensors.
    enum Recipe: Equatable {
        case tensor(String)
        /// Rows of these weights stacked (Q;K;V or K;V).
        case stack([String])
        /// Biases stacked, with zeros where the key projection has none.
        case stackBias([String?])
    }

    /// The recipe for a CTranslate2 variable name (whisper-ct2-format.md §3.3).
    static func recipe(_ name: String) -> Recipe? {
        let p = name.split(separator: "/").map(String.init)
        switch p.count {
        case 3 where p[0] == "encoder" && (p[1] == "conv1" || p[1] == "conv2"): return .tensor("model.encoder.\(p[1]).\(p[2])")
        case 3 where p[1] == "position_encodings": return .tensor("model.\(p[0]).embed_positions.weight")
        case 3 where p[1] == "layer_norm": return .tensor("model.\(p[0]).layer_norm.\(p[2] == "gamma" ? "weight" : "bias")")
        case 3 where p[0] == "decoder" && p[1] == "embeddings": return .tensor("model.decoder.embed_tokens.weight")
        case 5, 6:
            guard p[1].hasPrefix("layer_"), let l = Int(p[1].dropFirst(6)) else { return nil }
            let layer = "model.\(p[0]).layers.\(l)", leaf = p.last!, isNorm = p[3] == "layer_norm"
            let norms = ["self_attention": "self_attn_layer_norm", "attention": "encoder_attn_layer_norm", "ffn": "final_layer_norm"]
            if isNorm, let norm = norms[p[2]] { return .tensor("\(layer).\(norm).\(leaf == "gamma" ? "weight" : "bias")") }
            let module: String
            switch (p[2], p[3]) {
            case ("ffn", "linear_0"): module = "fc1"
            case ("ffn", "linear_1"): module = "fc2"
            case ("self_attention", "linear_0"):
                let parts = ["q_proj", "k_proj", "v_proj"].map { "\(layer).self_attn.\($0).\(leaf)" }
                return leaf == "weight" ? .stack(parts) : .stackBias([parts[0], nil, parts[2]])
            case ("self_attention", "linear_1"): module = "self_attn.out_proj"
            case ("attention", "linear_0"): module = "encoder_attn.q_proj"
            case ("attention", "linear_1"):
                let parts = ["k_proj", "v_proj"].map { "\(layer).encoder_attn.\($0).\(leaf)" }
                return leaf == "weight" ? .stack(parts) : .stackBias([nil, parts[1]])
            case ("attention", "linear_2"): module = "encoder_attn.out_proj"
            default: return nil
            }
            return .tensor("\(layer).\(module).\(leaf)")
        default:
            return nil
        }
    }

    func floats(_ name: String) throws -> (shape: [Int], values: [Float]) {
        guard let recipe = Self.recipe(name) else { throw InputError(path, "missing variable \(name)") }
        switch recipe {
        case .tensor(let t):
            return try raw(t)
        case .stack(let parts):
            let tensors = try parts.map(raw)
            guard let first = tensors.first, tensors.allSatisfy({ $0.shape.count == 2 && $0.shape[1] == first.shape[1] }) else {
                throw InputError(path, "shapes contradict: \(parts.joined(separator: ", ")) cannot be stacked")
            }
            return ([tensors.reduce(0) { $0 + $1.shape[0] }, first.shape[1]], tensors.flatMap(\.values))
        case .stackBias(let parts):
            let present = try parts.compactMap { $0 }.map(raw)
            guard let width = present.first?.values.count else { throw InputError(path, "missing variable \(name)") }
            let values = try parts.flatMap { part -> [Float] in part == nil ? [Float](repeating: 0, count: width) : try raw(part!).values }
            return ([values.count], values)
        }
    }

    func halves(_ name: String) throws -> (shape: [Int], bits: [UInt16])? {
        guard case .tensor(let t)? = Self.recipe(name) else { return nil }
        let key = stored(t)
        guard let i = location[key], let entry = files[i].header.tensors[key], entry.dtype == "F16" else { return nil }
        let bits = files[i].data.withUnsafeBytes { raw in
            (0..<(entry.range.count / 2)).map { raw.loadUnaligned(fromByteOffset: entry.range.lowerBound + $0 * 2, as: UInt16.self).littleEndian }
        }
        return (entry.shape, bits)
    }

    // MARK: - Tokens and decoding rules

    /// The `size` token strings by id: `tokenizer.json` (its vocab and added tokens), else
    /// `vocab.json` with `added_tokens.json`. Many tokenizers stop at `<|notimestamps|>`; the ids
    /// after it are the timestamps `<|0.00|>`, `<|0.02|>`, … as CTranslate2's converter names them.
    /// Other ids the files leave out are empty strings.
    func vocabulary(size: Int) throws -> Vocabulary {
        let dir = URL(fileURLWithPath: path)
        var ids: [String: Int] = [:]
        let tokenizer = dir.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: tokenizer.path) {
            let top = try Self.json(tokenizer, what: "tokenizer.json")
            guard let vocab = (top["model"] as? [String: Any])?["vocab"] as? [String: Int] else { throw InputError(tokenizer.path, "has no model.vocab") }
            ids = vocab
            for case let added as [String: Any] in top["added_tokens"] as? [Any] ?? [] {
                if let id = added["id"] as? Int, let content = added["content"] as? String { ids[content] = id }
            }
        } else {
            let vocab = dir.appendingPathComponent("vocab.json")
            guard let v = try Self.json(vocab, what: "vocab.json (or tokenizer.json)") as? [String: Int] else { throw InputError(vocab.path, "is not a map of tokens to ids") }
            ids = v
            let addedURL = dir.appendingPathComponent("added_tokens.json")
            if FileManager.default.fileExists(atPath: addedURL.path), let added = try Self.json(addedURL, what: "added_tokens.json") as? [String: Int] {
                ids.merge(added) { $1 }
            }
        }
        guard let top = ids.values.max() else { throw InputError(path, "the tokenizer holds no tokens") }
        guard ids.values.allSatisfy({ $0 >= 0 }) else { throw InputError(path, "the tokenizer's ids are not 0 or more") }
        guard top < size else { throw InputError(path, "shapes contradict: the tokenizer has ids up to \(top), vocab_size is \(size)") }
        var tokens = [String](repeating: "", count: size)
        for (token, id) in ids { tokens[id] = token }
        if let last = ids["<|notimestamps|>"] {
            for id in (last + 1)..<size where tokens[id].isEmpty { tokens[id] = String(format: "<|%.2f|>", Double(id - last - 1) * 0.02) }
        }
        return Vocabulary(tokens: tokens)
    }

    /// BPE merges, for `encode`: `tokenizer.json`'s, else `merges.txt`'s.
    func merges() throws -> [String] {
        let dir = URL(fileURLWithPath: path)
        let tokenizer = dir.appendingPathComponent("tokenizer.json"), text = dir.appendingPathComponent("merges.txt")
        if FileManager.default.fileExists(atPath: tokenizer.path) { return try Tokenizer.merges(fromTokenizerJSON: tokenizer) }
        guard let data = FileManager.default.contents(atPath: text.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#version") }
    }

    /// The decoding rules from `generation_config.json`: suppressed tokens, the language ids and
    /// the alignment heads, as CTranslate2's converter copies them into its `config.json`.
    func whisperConfig() throws -> WhisperConfig {
        let url = URL(fileURLWithPath: path).appendingPathComponent("generation_config.json")
        let g = try Self.json(url, what: "generation_config.json (Whisper decoding needs suppress_tokens)")
        guard let suppress = g["suppress_tokens"] as? [Int], let begin = g["begin_suppress_tokens"] as? [Int] else {
            throw InputError(url.path, "has no suppress_tokens and begin_suppress_tokens lists")
        }
        let languages = (g["lang_to_id"] as? [String: Int] ?? [:]).values.sorted()
        return WhisperConfig(suppressIDs: suppress, suppressIDsBegin: begin, langIDs: languages, alignmentHeads: g["alignment_heads"] as? [[Int]] ?? [])
    }
}
