import Foundation

extension Engine {
    /// Builds what a patch copies from (a reference run, a file's tensor) and checks a `file:`
    /// tensor against the patch's site, so a bad source fails before any run.
    public func prepare(_ patch: Patch) throws {
        _ = try prepare(patch.source)
        try checkFileSource(patch)
    }

    /// The width of a site's rows: the model width, or one head's for head sites.
    func rowWidth(_ site: Site) -> Int {
        switch site.point {
        case .head, .crossHead, .selfHead: model.hyper.headDim
        default: model.hyper.dModel
        }
    }

    /// A `file:` source must be one row (every position gets it) or a row per position of the
    /// site — all 1,500 frames for an encoder site, any number of decoder positions (rows past
    /// the tensor are left alone) — each as wide as the site's rows.
    func checkFileSource(_ p: Patch) throws {
        guard case .file(let path, let name) = p.source else { return }
        let m = try fileTensor(path: path, name: name)
        let subject = "\(path):\(name)", width = rowWidth(p.site)
        guard m.cols == width else {
            throw InputError(subject, "is \(m.rows) × \(m.cols) but \(p.site) has rows of \(width) values")
        }
        let frames = model.hyper.audioPositions
        if p.site.stack == .encoder, m.rows != 1, m.rows != frames {
            throw InputError(subject, "has \(m.rows) rows; \(p.site) has \(frames) (the 30 s window), or give one row for every frame")
        }
    }

    /// The tensor, read (once) from an `.npz` or `.safetensors` file: float, 1-D (one row) or
    /// 2-D, finite.
    func fileTensor(path: String, name: String) throws -> Matrix {
        let key = PatchSource.file(path: path, name: name)
        lock.lock()
        if let m = fileTensors[key] { lock.unlock(); return m }
        lock.unlock()
        try FileProblem.checkReadable(path, as: .file("a tensor file"))
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch { throw InputError(path, "cannot be read") }
        let subject = "\(path):\(name)"
        let (shape, values): ([Int], [Float]) = try data.withUnsafeBytes { bytes in
            if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try NumpyArchive.floats(named: name, in: bytes, source: path) }
            // Named .npz but no zip archive: say so, rather than read it as a safetensors file.
            if path.lowercased().hasSuffix(".npz") { throw InputError(path, "is not an .npz file (no zip archive)") }
            let header = try SafeTensors.header(of: bytes, source: path)
            guard let entry = header.tensors[name] else {
                let names = header.tensors.keys.sorted()
                throw InputError(path, "has no tensor '\(name)' (it holds \(names.prefix(8).joined(separator: ", "))\(names.count > 8 ? ", …" : ""))")
            }
            guard let values = SafeTensors.floats(entry, in: bytes) else { throw InputError(subject, "is \(entry.dtype), not a floating-point tensor") }
            return (entry.shape, values)
        }
        guard (1...2).contains(shape.count), shape.allSatisfy({ $0 > 0 }) else {
            throw InputError(subject, "has shape \(shape); a patch takes one row [width] or rows [positions, width]")
        }
        guard values.allSatisfy(\.isFinite) else { throw InputError(subject, "holds NaN or infinite values") }
        let m = Matrix(rows: shape.count == 1 ? 1 : shape[0], cols: shape.last!, data: values)
        lock.lock(); fileTensors[key] = m; lock.unlock()
        return m
    }

    /// A `file:` patch's rows: a head's values sit at its columns of the concatenated context.
    func fileDonor(_ p: Patch) -> ((Int) -> ArraySlice<Float>?)? {
        guard case .file(let path, let name) = p.source, let m = try? fileTensor(path: path, name: name) else { return nil }
        let offset: Int
        switch p.site.point {
        case .head(let h), .crossHead(let h), .selfHead(let h): offset = h * model.hyper.headDim
        default: offset = 0
        }
        return { row in
            let r = m.rows == 1 ? 0 : row
            guard r < m.rows else { return nil }
            let values = m.data[(r * m.cols)..<((r + 1) * m.cols)]
            return offset == 0 ? values : ArraySlice([Float](repeating: 0, count: offset) + values)
        }
    }
}
