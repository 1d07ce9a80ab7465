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
