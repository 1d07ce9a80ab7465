import Foundation
import Model

/// libFuzzer target: the `model.bin` parser. Any bytes must parse or throw `InputError`; a
/// parsed file must give every variable's values and the model sizes, or throw.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    guard let file = try? ModelFile(data: data, source: "fuzz") else { return 0 }
    for name in file.variables.keys.sorted() { _ = try? file.floats(name) }
    _ = try? Hyperparameters(file: file)
    return 0
}
