import Analysis
import Foundation
import Model

/// tiny.en's sizes, read once from its model.bin (decoding the weights under ASan would take
/// longer than libFuzzer's per-input timeout).
let hyper: Hyperparameters = try! Hyperparameters(file: ModelFile(contentsOf: ModelCatalog.directory(for: "tiny.en").appendingPathComponent("model.bin")))

/// libFuzzer target: `:` scripts as `asrlens run` and the explorer read them, split into lines
/// (LF, CRLF or CR) and parsed. Any line must parse or throw `InputError`; a parsed patch must
/// print back to a patch that parses the same; no exported path may hold a control character
/// (a CR left in a line once named a file "a1.tsv\r").
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommand(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let kinds = AttentionKind.allCases
    let script = String(decoding: UnsafeBufferPointer(start: bytes + 1, count: count - 1), as: UTF8.self)
    for line in ScriptCommand.lines(script) {
        precondition(!line.contains(where: \.isNewline), "a line still holds a line break: \(Array(line.utf8))")
        do {
            let command = try ScriptCommand.parse(String(line), hyper: hyper, frames: 1500, tokens: 20,
                                                  attention: kinds[Int(bytes[0]) % kinds.count])
            switch command {
            case .patch(let p):
                let again = try Patch.parse(p.description, hyper: hyper, frames: 1500, tokens: 20)
                precondition(again == p, "\(p) does not round-trip")
            case .export(_, _, let path), .exportSweep(_, let path):
                precondition(!path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control character in \(path.debugDescription)")
            default: break
            }
        } catch is InputError {
        } catch {
            preconditionFailure("not an InputError: \(error)")
        }
    }
    return 0
}
