import Analysis
import Foundation
import Model

/// tiny.en's sizes, loaded once.
let hyper: Hyperparameters = try! WhisperModel(directory: ModelCatalog.directory(for: "tiny.en")).hyper

/// libFuzzer target: the `:` command parser of `asrlens run` and the explorer. Any line must
/// parse or throw `InputError`; a parsed patch must print back to a patch that parses the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommand(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let kinds = AttentionKind.allCases
    let line = String(decoding: UnsafeBufferPointer(start: bytes + 1, count: count - 1), as: UTF8.self)
    do {
        let command = try ScriptCommand.parse(line, hyper: hyper, frames: 1500, tokens: 20, attention: kinds[Int(bytes[0]) % kinds.count])
        if case .patch(let p) = command {
            let again = try Patch.parse(p.description, hyper: hyper, frames: 1500, tokens: 20)
            precondition(again == p, "\(p) does not round-trip")
        }
    } catch is InputError {
    } catch {
        preconditionFailure("not an InputError: \(error)")
    }
    return 0
}
