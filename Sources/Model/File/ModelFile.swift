import Foundation

/// A parsed CTranslate2 `model.bin`: named tensors and aliases (spec §2).
///
/// Payloads stay in the file's bytes until asked for; `floats(_:)` widens any stored type
/// (float16, bfloat16, int8 with per-row scale, int16 with scalar scale) to Float32.
public struct ModelFile: Sendable {
    /// One stored variable: its shape, element type and where its payload lies.
    public struct Variable: Sendable {
        public let shape: [Int]
        public let dtype: DType
        let range: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    public static let supportedVersions = 1...6

    public let path: String
    public let binaryVersion: Int
    public let specName: String
    public let specRevision: Int
    public let variables: [String: Variable]
    public let aliases: [String: String]
    private let bytes: Data
    /// Whether `bytes` is the file mapped read-only, whose pages can be given back once read.
    private var mapped = false

    /// Reads and parses a file.
    public init(contentsOf url: URL) throws {
        try self.init(data: try Self.map(url.path), source: url.path)
        mapped = true
    }

    /// The file mapped read-only. Mapped here rather than by Foundation so that a failure keeps
    /// its errno (a memory limit gives ENOMEM, which Foundation reports as an unknown error).
    static func map(_ path: String) throws -> Data {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError(path, FileProblem.phrase(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw InputError(path, "cannot read model file: " + FileProblem.phrase(errno)) }
        let size = Int(st.st_size)
        guard size > 0 else { return Data() }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw InputError(path, "cannot read model file: " + FileProblem.phrase(errno))
        }
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { p, n in munmap(p, n) })
    }

    /// Parses bytes already in memory; `source` names them in errors.
    public init(data: Data, source: String) throws {
        self.path = source
        self.bytes = data
        var version = 0, name = "", revision = 1
        var vars: [String: Variable] = [:]
        var aliases: [String: String] = [:]
        try data.withUnsafeBytes { raw in
            var r = ByteReader(raw, source: source)
            version = Int(try r.u32("binary version"))
            guard Self.supportedVersions.contains(version) else {
                throw InputError(source, "unsupported model.bin binary version \(version) (supported: 1 to 6)")
            }
            if version >= 2 {
                name = try r.string("spec name")
                revision = Int(try r.u32("spec revision"))
            }
            let count = Int(try r.u32("variable count"))
            for i in 0..<count {
                let varName = try r.string("name of variable \(i)")
                let rank = Int(try r.u8("rank of \(varName)"))
                var shape: [Int] = []
                for _ in 0..<rank { shape.append(Int(try r.u32("shape of \(varName)"))) }
                // A fuzzed or damaged shape can overflow Int; such a shape fits in no file.
                var elements = 1, overflow = false
                for d in shape + [8] {
                    let (p, o) = elements.multipliedReportingOverflow(by: d)
                    elements = p
                    overflow = overflow || o
                }
                guard !overflow else { throw InputError(source, "variable \(varName) has an impossibly large shape \(shape)") }
                elements /= 8
                let dtype: DType
                let byteCount: Int
                if version >= 4 {
                    let id = try r.u8("dtype of \(varName)")
                    guard let t = DType(rawValue: id) else {
                        throw InputError(source, "variable \(varName) has unknown dtype id \(id)")
                    }
                    dtype = t
                    byteCount = Int(try r.u32("size of \(varName)"))
                } else {
                    let size = try r.u8("item size of \(varName)")
                    guard let t = DType.fromLegacyItemSize(size) else {
                        throw InputError(source, "variable \(varName) has unknown item size \(size)")
                    }
                    dtype = t
                    let n = Int(try r.u32("element count of \(varName)"))
                    guard n == elements else {
                        throw InputError(source, "variable \(varName) has \(n) elements but shape \(shape)")
                    }
                    byteCount = n * t.itemSize
                }
                guard byteCount == elements * dtype.itemSize else {
                    throw InputError(source, "variable \(varName) has \(byteCount) bytes but shape \(shape) of \(dtype) needs \(elements * dtype.itemSize)")
                }
                let start = try r.advance(byteCount, "payload of \(varName)")
                vars[varName] = Variable(shape: shape, dtype: dtype, range: start..<(start + byteCount))
            }
            if version >= 3 {
                let n = Int(try r.u32("alias count"))
                for _ in 0..<n {
                    let alias = try r.string("alias name")
                    aliases[alias] = try r.string("alias target of \(alias)")
                }
            }
            guard r.remaining == 0 else {
                throw InputError(source, "\(r.remaining) unexpected bytes after the last record at byte \(r.offset)")
            }
        }
        self.binaryVersion = version
        self.specName = name
        self.specRevision = revision
        self.variables = vars
        self.aliases = aliases
    }

    /// Resolves aliases, including `X_scale` for an aliased `X` (spec §2.5).
    public func resolve(_ name: String) -> String? {
        if variables[name] != nil { return name }
        if let target = aliases[name] { return variables[target] != nil ? target : nil }
        for suffix in ["_scale", "_zero"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let target = aliases[base], variables[target + suffix] != nil { return target + suffix }
        }
        return nil
    }

    /// Whether a variable (or alias) exists.
    public func has(_ name: String) -> Bool { resolve(name) != nil }

    /// The shape of a variable, following aliases.
    public func shape(_ name: String) -> [Int]? {
        resolve(name).flatMap { variables[$0]?.shape }
    }

    /// A variable widened to Float32, dequantized with its `_scale` when it has one.
    public func floats(_ name: String) throws -> (shape: [Int], values: [Float]) {
        guard let key = resolve(name), let v = variables[key] else {
            throw InputError(path, "missing variable \(name)")
        }
        var values = rawFloats(v)
        if v.dtype == .int8 || v.dtype == .int16, let scaleKey = resolve(name + "_scale"),
           let sv = variables[scaleKey] {
            let scale = rawFloats(sv)
            if scale.count == 1 {
                let inv = 1 / scale[0]
                for i in values.indices { values[i] *= inv }
            } else {
                let rows = v.shape.first ?? 1
                guard scale.count == rows, rows > 0 else {
                    throw InputError(path, "\(name)_scale has \(scale.count) entries for \(rows) rows")
                }
                let perRow = values.count / rows
                for r in 0..<rows {
                    let inv = 1 / scale[r]
                    for i in (r * perRow)..<((r + 1) * perRow) { values[i] *= inv }
                }
            }
        }
        return (v.shape, values)
    }

    /// A float16 variable's bit patterns as stored (little-endian), or nil when it is stored in
    /// another type. Its file pages are released as `floats` releases them.
    public func halves(_ name: String) throws -> (shape: [Int], bits: [UInt16])? {
        guard let key = resolve(name), let v = variables[key] else { throw InputError(path, "missing variable \(name)") }
        guard v.dtype == .float16 else { return nil }
        let bits = bytes.withUnsafeBytes { raw in
            defer { if mapped { Self.release(raw.baseAddress!, v.range) } }
            return [UInt16](unsafeUninitializedCapacity: v.count) { out, initialized in
                for i in 0..<v.count { out[i] = raw.loadUnaligned(fromByteOffset: v.range.lowerBound + 2 * i, as: UInt16.self) }
                initialized = v.count
            }
        }
        return (v.shape, bits)
    }

    /// An integer scalar (flags and head counts are rank-0 int8/int16/int32 tensors).
    public func int(_ name: String) -> Int? {
        guard let key = resolve(name), let v = variables[key], v.count == 1 else { return nil }
        return Int(exactly: rawFloats(v)[0])   // nil for NaN, infinity or a fraction, never a trap
    }

    private func rawFloats(_ v: Variable) -> [Float] {
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + v.range.lowerBound
            let n = v.count
            // The widened copy is what the model keeps: the file's pages go back to the kernel as
            // soon as they are read (they are re-read from the file if asked for again), so
            // loading peaks near the Float32 weights, not those plus the whole file.
            defer { if mapped { Self.release(raw.baseAddress!, v.range) } }
            return [Float](unsafeUninitializedCapacity: n) { out, initialized in
                switch v.dtype {
                case .float32:
                    for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                case .float16 where Int(bitPattern: base) % 2 == 0:
                    FastMath.widen(halves: base.assumingMemoryBound(to: UInt16.self), count: n, into: out.baseAddress!)
                case .float16:
                    for i in 0..<n { out[i] = floatFromHalf(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                case .bfloat16:
                    for i in 0..<n { out[i] = floatFromBFloat16(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                case .int8:
                    for i in 0..<n { out[i] = Float(base.load(fromByteOffset: i, as: Int8.self)) }
                case .int16:
                    for i in 0..<n { out[i] = Float(Int16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
                case .int32:
                    for i in 0..<n { out[i] = Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
                }
                initialized = n
            }
        }
    }

    /// Drops the pages of `range` of a read-only file mapping at `base` (whole pages; a page
    /// shared with a neighbour is simply read again from the file when the neighbour is).
    private static func release(_ base: UnsafeRawPointer, _ range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page, end = (range.upperBound + page - 1) / page * page
        guard end > start else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
