import CZip
import Foundation

/// NumPy's `.npz`: a ZIP archive of `.npy` files, one per array (`np.load(path)[name]`). Arrays
/// are stored uncompressed, as `np.savez` writes them; libzip writes the archive.
public enum NumpyArchive {
    /// One `.npy` file: the magic, version 1.0, a header dict padded so the data starts on a
    /// 64-byte boundary, then the little-endian values.
    static func npy(descr: String, shape: [Int], data: [UInt8]) -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        let prefix = 10   // magic (6), version (2), header length (2)
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
    }

    /// The `.npy` bytes of a tensor.
    static func npy(_ t: NamedTensor) -> [UInt8] {
        let descr: String
        switch t.values {
        case .float32: descr = "<f4"
        case .int32: descr = "<i4"
        }
        return npy(descr: descr, shape: t.shape, data: t.littleEndianBytes)
    }

    /// A 0-d string array (NumPy's `<U`, UTF-32): how an `.npz` carries text such as metadata.
    static func npy(text: String) -> [UInt8] {
        let scalars = text.unicodeScalars.map(\.value)
        return npy(descr: "<U\(max(1, scalars.count))", shape: [], data: (scalars.isEmpty ? [0] : scalars).withUnsafeBytes { Array($0) })
    }

    /// The archive's bytes for `tensors`, and each of `texts` as a 0-d string array. Built in
    /// memory by libzip, so the caller writes the file the way it writes every output.
    public static func encode(_ tensors: [NamedTensor], texts: [(name: String, text: String)] = []) throws -> [UInt8] {
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        func failure(_ what: String) -> InputError { InputError("npz archive", "libzip failed to \(what)") }
        guard let memory = zip_source_buffer_create(nil, 0, 0, &error) else { throw failure("make a buffer") }
        guard let archive = zip_open_from_source(memory, ZIP_TRUNCATE, &error) else { zip_source_free(memory); throw failure("open a buffer") }
        zip_source_keep(memory)   // the bytes are read back after the archive closes
        defer { zip_source_free(memory) }
        let files = tensors.map { ($0.name, npy($0)) } + texts.map { ($0.name, npy(text: $0.text)) }
        for (name, bytes) in files {
            // libzip reads the buffer when the archive closes, and frees it then.
            let buffer = malloc(max(1, bytes.count))!
            bytes.withUnsafeBytes { if let base = $0.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) } }
            guard let source = zip_source_buffer(archive, buffer, zip_uint64_t(bytes.count), 1) else { free(buffer); zip_discard(archive); throw failure("take \(name)") }
            let index = zip_file_add(archive, name + ".npy", source, zip_flags_t(ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE))
            if index < 0 { zip_source_free(source) }   // an added source belongs to the archive
            guard index >= 0, zip_set_file_compression(archive, zip_uint64_t(index), ZIP_CM_STORE, 0) == 0 else {
                zip_discard(archive); throw failure("add \(name)")
            }
        }
        guard zip_close(archive) == 0 else { zip_discard(archive); throw failure("finish the archive") }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_source_stat(memory, &stat) == 0, zip_source_open(memory) == 0 else { throw failure("read the archive back") }
        defer { zip_source_close(memory) }
        var out = [UInt8](repeating: 0, count: Int(stat.size))
        let read = out.withUnsafeMutableBytes { zip_source_read(memory, $0.baseAddress, zip_uint64_t($0.count)) }
        guard read == Int64(out.count) else { throw failure("read the archive back") }
        return out
    }
}

extension NumpyArchive {
    /// Array `name` of an `.npz` archive's `bytes` as float32 values and its shape. float32,
    /// float16 and float64 arrays in C order are read; `source` names the file in errors.
    public static func floats(named name: String, in bytes: UnsafeRawBufferPointer, source: String) throws -> (shape: [Int], values: [Float]) {
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let memory = zip_source_buffer_create(bytes.baseAddress, zip_uint64_t(bytes.count), 0, &error) else { throw InputError(source, "cannot be read as an npz archive") }
        guard let archive = zip_open_from_source(memory, ZIP_RDONLY, &error) else {
            zip_source_free(memory)
            throw InputError(source, "is not an npz archive (a ZIP file of .npy arrays)")
        }
        defer { zip_discard(archive) }
        let index = zip_name_locate(archive, name + ".npy", 0)
        guard index >= 0 else {
            let names = (0..<max(0, zip_get_num_entries(archive, 0))).compactMap { zip_get_name(archive, zip_uint64_t($0), 0).map { String(cString: $0) } }
                .filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }
            throw InputError(source, "has no array '\(name)' (it holds \(names.prefix(8).joined(separator: ", "))\(names.count > 8 ? ", …" : ""))")
        }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(archive, zip_uint64_t(index), 0, &stat) == 0, stat.size < 1 << 34, let file = zip_fopen_index(archive, zip_uint64_t(index), 0) else {
            throw InputError(source, "array '\(name)' cannot be read")
        }
        defer { zip_fclose(file) }
        var npy = [UInt8](repeating: 0, count: Int(stat.size))
        let read = npy.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, zip_uint64_t($0.count)) }
        guard read == Int64(npy.count) else { throw InputError(source, "array '\(name)' is truncated") }
        return try parseNpy(npy, source: "\(source): array '\(name)'")
    }

    /// The shape and float32 values of one `.npy` file, checked against its header.
    static func parseNpy(_ npy: [UInt8], source: String) throws -> (shape: [Int], values: [Float]) {
        guard npy.count >= 10, npy[0] == 0x93, Array(npy[1..<6]) == Array("NUMPY".utf8), npy[6] == 1 || npy[6] == 2 else {
            throw InputError(source, "is not a .npy array")
        }
        let wide = npy[6] == 2   // version 2 has a 4-byte header length
        let length = wide ? (npy.count >= 12 ? Int(npy[8]) | Int(npy[9]) << 8 | Int(npy[10]) << 16 | Int(npy[11]) << 24 : -1) : Int(npy[8]) | Int(npy[9]) << 8
        let start = (wide ? 12 : 10) + length
        guard length >= 0, start <= npy.count else { throw InputError(source, "has a .npy header larger than the array") }
        let header = String(decoding: npy[(wide ? 12 : 10)..<start], as: UTF8.self)
        func field(_ key: String, until end: Character) -> Substring? {
            guard let r = header.range(of: "'\(key)':") else { return nil }
            let rest = header[r.upperBound...].drop { $0 == " " }
            guard let stop = rest.firstIndex(of: end) else { return nil }
            return rest[..<stop]
        }
        guard let descr = field("descr", until: ",").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "' ")) }),
              let order = field("fortran_order", until: ","), let shapeText = field("shape", until: ")") else {
            throw InputError(source, "has a .npy header without descr, fortran_order and shape")
        }
        guard order.trimmingCharacters(in: .whitespaces) == "False" else { throw InputError(source, "is in Fortran order; save it in C order") }
        let dims = shapeText.dropFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let n = Int(d), n >= 0, n < 1 << 40 else { throw InputError(source, "has a .npy shape that is not a list of sizes") }
            return n
        }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let widths = ["<f4": 4, "<f2": 2, "<f8": 8]
        guard let width = widths[descr] else { throw InputError(source, "has dtype \(descr) (asrlens reads <f4, <f2 and <f8)") }
        guard count < 1 << 36, npy.count - start == count * width else {
            throw InputError(source, "has shape \(shape) of \(descr), which does not fill its \(npy.count - start) bytes")
        }
        let values: [Float] = npy.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[start...])
            switch width {
            case 4: return (0..<count).map { Float(bitPattern: data.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
            case 8: return (0..<count).map { Float(Double(bitPattern: data.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self).littleEndian)) }
            default:
                let halves = (0..<count).map { data.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian }
                var out = [Float](repeating: 0, count: count)
                if count > 0 { halves.withUnsafeBufferPointer { h in out.withUnsafeMutableBufferPointer { FastMath.widen(halves: h.baseAddress!, count: count, into: $0.baseAddress!) } } }
                return out
            }
        }
        return (shape, values)
    }
}
