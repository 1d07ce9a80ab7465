import Foundation
import Testing
import Model

/// The `model.bin` parser on small files these tests write themselves.
@Suite struct ModelFileTests {
    let values: [Float] = [0.5, -1.25, 3.0, -0.0, 7.75, -2.5]

    func parse(_ w: ModelFileWriter) throws -> ModelFile {
        try ModelFile(data: Data(w.bytes()), source: "test.bin")
    }

    @Test(arguments: 1...6)
    func everyBinaryVersionParses(version: Int) throws {
        var w = ModelFileWriter()
        w.version = version
        w.add("a/weight", shape: [2, 3], float32: values)
        w.add("a/flag", shape: [], dtype: .int8, payload: [1])
        w.add("a/heads", shape: [], dtype: .int16, payload: le(Int16(6)))
        if version >= 3 { w.aliases = [("b/weight", "a/weight")] }
        let f = try parse(w)
        #expect(f.binaryVersion == version)
        #expect(f.specName == (version >= 2 ? "WhisperSpec" : ""))
        #expect(try f.floats("a/weight").values == values)
        #expect(try f.floats("a/weight").shape == [2, 3])
        #expect(f.int("a/flag") == 1)
        #expect(f.int("a/heads") == 6)
        if version >= 3 { #expect(try f.floats("b/weight").values == values) }
    }

    @Test func float16WidensExactly() throws {
        var w = ModelFileWriter()
        let halves: [Float] = [0.5, -1.25, 65504, 6.0e-8, -0.0, 1.0 / 3.0]
        w.add("h", shape: [6], dtype: .float16, payload: halves.flatMap { le(halfBits($0)) })
        let got = try parse(w).floats("h").values
        #expect(got == halves.map { Float(Float16($0)) })
    }

    @Test func bfloat16IsTheUpperHalfOfFloat32() throws {
        var w = ModelFileWriter()
        w.add("b", shape: [6], dtype: .bfloat16, payload: values.flatMap { le(UInt16($0.bitPattern >> 16)) })
        #expect(try parse(w).floats("b").values == values)
    }

    @Test func int8DequantizesPerRowWithItsScale() throws {
        var w = ModelFileWriter()
        let q: [Int8] = [127, -64, 0, 10, -127, 5]
        let scale: [Float] = [127 / 2.0, 127 / 4.0]
        w.add("w/weight", shape: [2, 3], dtype: .int8, payload: q.map { UInt8(bitPattern: $0) })
        w.add("w/weight_scale", shape: [2], float32: scale)
        let got = try parse(w).floats("w/weight").values
        let want = (0..<6).map { Float(q[$0]) / scale[$0 / 3] }
        #expect(got == want)
    }

    @Test func int16DequantizesWithAScalarScale() throws {
        var w = ModelFileWriter()
        let q: [Int16] = [1024, -512, 3, 0]
        w.add("w/weight", shape: [2, 2], dtype: .int16, payload: q.flatMap { le($0) })
        w.add("w/weight_scale", shape: [], float32: [2048])
        #expect(try parse(w).floats("w/weight").values == q.map { Float($0) / 2048 })
    }

    @Test func aliasCarriesItsScaleAlong() throws {
        var w = ModelFileWriter()
        w.add("emb/weight", shape: [2, 1], dtype: .int8, payload: [100, UInt8(bitPattern: -50)])
        w.add("emb/weight_scale", shape: [2], float32: [50, 25])
        w.aliases = [("proj/weight", "emb/weight")]
        let f = try parse(w)
        #expect(f.resolve("proj/weight_scale") == "emb/weight_scale")
        #expect(try f.floats("proj/weight").values == [2, -2])
    }

    @Test func truncatedFileNamesWhereItStopped() throws {
        var w = ModelFileWriter()
        w.add("a/weight", shape: [2, 3], float32: values)
        let bytes = w.bytes()
        for cut in [2, 10, bytes.count - 5] {
            let error = #expect(throws: InputError.self) {
                try ModelFile(data: Data(bytes[0..<cut]), source: "cut.bin")
            }
            #expect(error?.subject == "cut.bin")
            #expect(error?.problem.contains("truncated") == true)
        }
    }

    @Test func trailingBytesAreRejected() throws {
        var w = ModelFileWriter()
        w.add("a", shape: [1], float32: [1])
        let error = #expect(throws: InputError.self) {
            try ModelFile(data: Data(w.bytes() + [0, 0, 0]), source: "x.bin")
        }
        #expect(error?.problem.contains("unexpected bytes") == true)
    }

    @Test func unsupportedVersionIsRejected() throws {
        var w = ModelFileWriter()
        w.version = 7
        let error = #expect(throws: InputError.self) { try parse(w) }
        #expect(error?.problem.contains("unsupported model.bin binary version 7") == true)
    }

    @Test func sizeThatContradictsTheShapeIsRejected() throws {
        var w = ModelFileWriter()
        w.add("a", shape: [4], dtype: .float32, payload: [UInt8](repeating: 0, count: 12))
        let error = #expect(throws: InputError.self) { try parse(w) }
        #expect(error?.problem.contains("a has 12 bytes") == true)
    }

    @Test func unknownDTypeIsRejected() throws {
        var bytes = ModelFileWriter().bytes()
        var w = ModelFileWriter()
        w.add("a", shape: [1], float32: [1])
        bytes = w.bytes()
        // version(4) + spec string(2+12) + revision(4) + count(4) + name(2+2) + rank(1) + dim(4) = dtype byte.
        bytes[4 + 14 + 4 + 4 + 4 + 1 + 4] = 9
        let error = #expect(throws: InputError.self) { try ModelFile(data: Data(bytes), source: "d.bin") }
        #expect(error?.problem.contains("unknown dtype id 9") == true)
    }

    @Test func halfConversionCoversSubnormalsAndSpecials() {
        for bits: UInt16 in [0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0x7C00, 0xFC00, 0xC000] {
            #expect(floatFromHalf(bits) == Float(Float16(bitPattern: bits)))
        }
        #expect(floatFromHalf(0x7E00).isNaN)
    }

    @Test func bulkHalfWideningEqualsTheScalarConversionForEveryBitPattern() {
        let all = (0...UInt16.max).map { UInt16($0).littleEndian }
        var out = [Float](repeating: 0, count: all.count)
        all.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { FastMath.widen(halves: src.baseAddress!, count: all.count, into: $0.baseAddress!) } }
        let wrong = (0...UInt16.max).filter { bits in
            let expected = floatFromHalf(bits), got = out[Int(bits)]
            return expected.isNaN ? !got.isNaN : expected.bitPattern != got.bitPattern
        }
        #expect(wrong.isEmpty, "\(wrong.count) bit patterns differ, first \(wrong.prefix(4).map { String($0, radix: 16) })")
    }
}
