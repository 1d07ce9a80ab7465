import Foundation
import Model
import Testing

/// The safetensors writer and its bounds-checked parser, and the `.npy` layout of `.npz` files.
@Suite struct SafeTensorsTests {
    static let tensors = [NamedTensor(name: "enc.0.resid_post", shape: [2, 3], values: .float32([1, -2, 3.5, 0, .leastNonzeroMagnitude, 1e30])),
                          NamedTensor(name: "tokens", shape: [4], values: .int32([50257, 0, -1, 7]))]

    func header(_ bytes: [UInt8]) throws -> SafeTensors.Header {
        try bytes.withUnsafeBytes { try SafeTensors.header(of: $0, source: "t.safetensors") }
    }

    /// A problem the parser reports, or nil.
    func problem(_ bytes: [UInt8]) -> String? {
        do { _ = try header(bytes); return nil } catch let e as InputError { return e.problem } catch { return "\(error)" }
    }

    /// The bytes of a file whose header is `json`, followed by `data` bytes.
    func file(_ json: String, data: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { Array($0) } + Array(json.utf8) + [UInt8](repeating: 0, count: data)
    }

    @Test func writtenTensorsReadBackExactlyWithTheirMetadata() throws {
        let bytes = try SafeTensors.encode(Self.tensors, metadata: ["model": "tiny.en", "text": "He said “hi”."])
        #expect((bytes.count - 8 - Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })) == 6 * 4 + 4 * 4)
        #expect(Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }) % 8 == 0, "data starts 8-byte aligned")
        let h = try header(bytes)
        #expect(h.metadata == ["model": "tiny.en", "text": "He said “hi”."])
        let entry = try #require(h.tensors["enc.0.resid_post"])
        #expect(entry.dtype == "F32" && entry.shape == [2, 3])
        #expect(bytes.withUnsafeBytes { SafeTensors.floats(entry, in: $0) } == [1, -2, 3.5, 0, .leastNonzeroMagnitude, 1e30])
        #expect(h.tensors["tokens"]?.dtype == "I32" && h.tensors["tokens"]?.shape == [4])
    }

    /// float16 and bfloat16 tensors widen exactly.
    @Test func halfAndBrainFloatTensorsWidenExactly() throws {
        // 1.0, -2.0, 65504 (largest half); bfloat16 1.0, -0.5.
        let half: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B], brain: [UInt8] = [0x80, 0x3F, 0x00, 0xBF]
        let json = #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]}}"#
        let bytes = Array(file(json, data: 0)) + half + brain
        let h = try header(bytes)
        #expect(bytes.withUnsafeBytes { SafeTensors.floats(h.tensors["h"]!, in: $0) } == [1, -2, 65504])
        #expect(bytes.withUnsafeBytes { SafeTensors.floats(h.tensors["b"]!, in: $0) } == [1, -0.5])
    }

    /// Each broken file is refused with the problem named (the cases of docs/errors.md).
    @Test func brokenFilesAreRefusedWithTheProblemNamed() {
        #expect(problem([1, 2, 3]) == "is not a safetensors file (shorter than its 8-byte header length)")
        #expect(problem(Array("root:x:0:0:root:/root:/bin/bash\n".utf8)) == "is not a safetensors file (no JSON header after its 8-byte length)",
                "a text file's first bytes read as a header length of quintillions (a trial's /etc/passwd)")
        #expect(problem(withUnsafeBytes(of: UInt64(1000).littleEndian) { Array($0) } + Array("{}".utf8)) == "its safetensors header (1000 bytes) is larger than the file (10 bytes)")
        #expect(problem(file(#"{"a":{"dtype":"F32","#, data: 0)) == "its safetensors header is not a JSON object (truncated?)")
        #expect(problem(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, data: 8)) == "tensor 'a' has its data_offsets outside the file's 8 data bytes")
        #expect(problem(file(#"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, data: 8)) == "tensor 'a' has dtype Q4 (asrlens reads BF16, F16, F32, I32, I64)")
        #expect(problem(file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8)) == "tensor 'a' has shape [3] of F32, which does not fill its 8 bytes")
        #expect(problem(file(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}}"#, data: 8)) != nil, "a shape whose size overflows")
        #expect(problem(file(#"{"a":{"dtype":"F32","shape":[2]}}"#, data: 8)) == "tensor 'a' lacks a dtype, shape or data_offsets")
        #expect(problem(file(#"{"__metadata__":{"a":1}}"#, data: 0)) == "its safetensors __metadata__ is not a map of strings")
    }

    /// An `.npz` is a ZIP of stored `.npy` files whose data starts on a 64-byte boundary.
    @Test func npzEntriesAreStoredNpyFilesNamedBySite() throws {
        let bytes = try NumpyArchive.encode(Self.tensors, texts: [("__metadata__", "{\"model\":\"tiny.en\"}")])
        let entries = try NpzReader.entries(bytes)
        #expect(entries.map(\.name) == ["enc.0.resid_post.npy", "tokens.npy", "__metadata__.npy"])
        let npy = entries[0].data
        #expect(Array(npy.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(npy[8]) | Int(npy[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(String(decoding: npy[10..<(10 + headerLength)], as: UTF8.self).hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(try NpzReader.floats(npy) == [1, -2, 3.5, 0, .leastNonzeroMagnitude, 1e30])
        #expect(String(decoding: entries[1].data[10..<80], as: UTF8.self).contains("'shape': (4,)"))
    }
}

/// A minimal reader of stored (uncompressed) `.npz` archives, independent of the writer: ZIP
/// local file headers, then `.npy` float32 data.
enum NpzReader {
    struct Entry { let name: String; let data: [UInt8] }
    struct Malformed: Error {}

    /// The entries in order. Only what the writer makes is read: stored, sizes in the local
    /// header (no data descriptor, no ZIP64).
    static func entries(_ zip: [UInt8]) throws -> [Entry] {
        func u16(_ i: Int) -> Int { Int(zip[i]) | Int(zip[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        var out: [Entry] = [], i = 0
        while i + 30 <= zip.count, u32(i) == 0x04034B50 {
            let size = u32(i + 18), nameLength = u16(i + 26), extra = u16(i + 28)
            guard u16(i + 8) == 0, u16(i + 6) & 8 == 0, size != 0xFFFF_FFFF else { throw Malformed() }
            let start = i + 30 + nameLength + extra
            out.append(Entry(name: String(decoding: zip[(i + 30)..<(i + 30 + nameLength)], as: UTF8.self), data: Array(zip[start..<(start + size)])))
            i = start + size
        }
        return out
    }

    /// The float32 values of a `.npy` file.
    static func floats(_ npy: [UInt8]) throws -> [Float] {
        guard npy.count >= 10, npy[6] == 1 else { throw Malformed() }
        let start = 10 + (Int(npy[8]) | Int(npy[9]) << 8)
        guard String(decoding: npy[10..<start], as: UTF8.self).contains("'<f4'") else { throw Malformed() }
        return stride(from: start, to: npy.count, by: 4).map { o in
            Float(bitPattern: UInt32(npy[o]) | UInt32(npy[o + 1]) << 8 | UInt32(npy[o + 2]) << 16 | UInt32(npy[o + 3]) << 24)
        }
    }
}
