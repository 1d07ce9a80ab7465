import Foundation

/// The `.safetensors` format (Hugging Face): an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
/// The header may carry `__metadata__`, a map of strings.
public enum SafeTensors {
    /// The file's bytes for `tensors`, in order, with `metadata`.
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String] = [:]) throws -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for t in tensors {
            let size = t.values.count * 4
            let dtype: String
            switch t.values {
            case .float32: dtype = "F32"
            case .int32: dtype = "I32"
            }
            header[t.name] = ["dtype": dtype, "shape": t.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        var json = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]))
        // Padded with spaces so the data starts 8-byte aligned, as the reference writer does.
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
        bytes.reserveCapacity(bytes.count + offset)
        for t in tensors { bytes += t.littleEndianBytes }
        return bytes
    }

    /// A tensor's place in a parsed file.
    public struct Entry: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the whole file.
        public let range: Range<Int>
    }

    /// A parsed file: its metadata and where each tensor lies. The bytes stay with the caller
    /// (a memory-mapped file), read through `floats`.
    public struct Header: Sendable {
        public let metadata: [String: String]
        public let tensors: [String: Entry]
    }

    /// Bytes per element of the dtypes asrlens reads.
    static let widths = ["F32": 4, "F16": 2, "BF16": 2, "I32": 4, "I64": 8]

    /// Parses and checks the header of a file's `bytes`; `source` names the file in errors.
    /// Every tensor must have a known dtype, a shape that fills its byte range exactly, and a
    /// range inside the data.
    public static func header(of bytes: UnsafeRawBufferPointer, source: String) throws -> Header {
        guard bytes.count >= 8 else { throw InputError(source, "is not a safetensors file (shorter than its 8-byte header length)") }
        let n = bytes.loadUnaligned(as: UInt64.self).littleEndian
        // The header is a JSON object: a file whose ninth byte is not '{' (a text file, an .npy)
        // is no safetensors file, whatever its first eight bytes read as.
        guard bytes.count == 8 || bytes[8] == UInt8(ascii: "{") else {
            throw InputError(source, "is not a safetensors file (no JSON header after its 8-byte length)")
        }
        guard n <= UInt64(bytes.count - 8) else { throw InputError(source, "its safetensors header (\(n) bytes) is larger than the file (\(bytes.count) bytes)") }
        let dataStart = 8 + Int(n), dataSize = bytes.count - dataStart
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])), let top = json as? [String: Any] else {
            throw InputError(source, "its safetensors header is not a JSON object (truncated?)")
        }
        var metadata: [String: String] = [:]
        var tensors: [String: Entry] = [:]
        for (name, value) in top {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw InputError(source, "its safetensors __metadata__ is not a map of strings") }
                metadata = m
                continue
            }
            guard let o = value as? [String: Any], let dtype = o["dtype"] as? String, let shape = o["shape"] as? [Int],
                  let offsets = o["data_offsets"] as? [Int], offsets.count == 2 else {
                throw InputError(source, "tensor '\(name)' lacks a dtype, shape or data_offsets")
            }
            guard let width = widths[dtype] else {
                throw InputError(source, "tensor '\(name)' has dtype \(dtype) (asrlens reads \(widths.keys.sorted().joined(separator: ", ")))")
            }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 40 }), offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw InputError(source, "tensor '\(name)' has its data_offsets outside the file's \(dataSize) data bytes")
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
            }
            guard !overflow, elements <= (1 << 40), elements * width == offsets[1] - offsets[0] else {
                throw InputError(source, "tensor '\(name)' has shape \(shape) of \(dtype), which does not fill its \(offsets[1] - offsets[0]) bytes")
            }
            tensors[name] = Entry(dtype: dtype, shape: shape, range: (dataStart + offsets[0])..<(dataStart + offsets[1]))
        }
        return Header(metadata: metadata, tensors: tensors)
    }

    /// A floating-point tensor's values as float32 (float16 and bfloat16 widened exactly).
    public static func floats(_ entry: Entry, in bytes: UnsafeRawBufferPointer) -> [Float]? {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[entry.range])
        switch entry.dtype {
        case "F32":
            return (0..<(raw.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
        case "F16":
            let halves = (0..<(raw.count / 2)).map { raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian }
            var out = [Float](repeating: 0, count: halves.count)
            guard !halves.isEmpty else { return out }
            halves.withUnsafeBufferPointer { h in out.withUnsafeMutableBufferPointer { FastMath.widen(halves: h.baseAddress!, count: h.count, into: $0.baseAddress!) } }
            return out
        case "BF16":
            return (0..<(raw.count / 2)).map { Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) << 16) }
        default:
            return nil
        }
    }

    /// Reads a whole file (memory-mapped) and hands its header and bytes to `body`.
    public static func withFile<R>(_ path: String, _ body: (Header, UnsafeRawBufferPointer) throws -> R) throws -> R {
        try FileProblem.checkReadable(path, as: .file("a safetensors file"))
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw InputError(path, "cannot be read")
        }
        return try data.withUnsafeBytes { bytes in try body(try header(of: bytes, source: path), bytes) }
    }
}
