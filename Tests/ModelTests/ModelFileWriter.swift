import Foundation
import Model

/// Writes CTranslate2 `model.bin` files in any binary version, for loader tests.
struct ModelFileWriter {
    struct Variable {
        var name: String
        var shape: [Int]
        var dtype: DType
        var payload: [UInt8]
    }

    var version = 6
    var specName = "WhisperSpec"
    var revision = 3
    var variables: [Variable] = []
    var aliases: [(String, String)] = []

    mutating func add(_ name: String, shape: [Int], float32 values: [Float]) {
        variables.append(Variable(name: name, shape: shape, dtype: .float32,
                                  payload: values.flatMap { le($0.bitPattern) }))
    }

    mutating func add(_ name: String, shape: [Int], dtype: DType, payload: [UInt8]) {
        variables.append(Variable(name: name, shape: shape, dtype: dtype, payload: payload))
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out += le(UInt32(version))
        if version >= 2 {
            out += string(specName)
            out += le(UInt32(revision))
        }
        out += le(UInt32(variables.count))
        for v in variables {
            out += string(v.name)
            out.append(UInt8(v.shape.count))
            for d in v.shape { out += le(UInt32(d)) }
            if version >= 4 {
                out.append(v.dtype.rawValue)
                out += le(UInt32(v.payload.count))
            } else {
                out.append(UInt8(v.dtype.itemSize))
                out += le(UInt32(v.payload.count / v.dtype.itemSize))
            }
            out += v.payload
        }
        if version >= 3 {
            out += le(UInt32(aliases.count))
            for (a, t) in aliases { out += string(a); out += string(t) }
        }
        return out
    }

    func write(to url: URL) throws {
        try Data(bytes()).write(to: url)
    }

    private func string(_ s: String) -> [UInt8] {
        let b = Array(s.utf8) + [0]
        return le(UInt16(b.count)) + b
    }
}

func le<T: FixedWidthInteger>(_ x: T) -> [UInt8] {
    withUnsafeBytes(of: x.littleEndian) { Array($0) }
}

/// Float → IEEE half bits (round to nearest even), for writing float16 test payloads.
func halfBits(_ f: Float) -> UInt16 {
    UInt16(Float16(f).bitPattern)
}
