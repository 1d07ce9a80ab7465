import Foundation
import Model

/// libFuzzer target: the safetensors files `file:` patch sources and transformers checkpoints
/// read. Any bytes must parse into a header or throw `InputError`; every tensor a parsed header
/// names must lie inside the file and read back as floats of exactly its shape's size, or be
/// refused as not floating-point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: bytes, count: count)
    do {
        let header = try SafeTensors.header(of: buffer, source: "fuzz.safetensors")
        for (name, entry) in header.tensors {
            precondition(entry.range.lowerBound >= 8 && entry.range.upperBound <= count, "\(name) outside the file")
            if let values = SafeTensors.floats(entry, in: buffer) {
                precondition(values.count == entry.shape.reduce(1, *), "\(name): \(values.count) values for \(entry.shape)")
            }
        }
    } catch is InputError {
    } catch {
        preconditionFailure("not an InputError: \(error)")
    }
    return 0
}
