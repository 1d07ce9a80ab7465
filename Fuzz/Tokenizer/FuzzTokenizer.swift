import Foundation
import Model

/// tiny.en's tokenizer, loaded once from where `asrlens models install` puts it.
let tokenizer: Tokenizer = try! WhisperModel(directory: ModelCatalog.directory(for: "tiny.en")).tokenizer

/// libFuzzer target: the tokenizer. The first byte picks decoding (the rest read as 16-bit
/// ids, any value) or encoding (the rest as text); encoded text must decode to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let rest = UnsafeBufferPointer(start: bytes + 1, count: count - 1)
    if bytes[0] & 1 == 0 {
        let ids = stride(from: 0, to: rest.count - 1, by: 2).map { Int(rest[$0]) | Int(rest[$0 + 1]) << 8 }
        _ = tokenizer.decode(ids)
        for id in ids { _ = tokenizer.display(id) }
    } else {
        let text = String(decoding: rest, as: UTF8.self)
        let ids = tokenizer.encode(text)
        precondition(ids.allSatisfy { $0 >= 0 && $0 < tokenizer.specials.eot }, "encode gave a special or negative id")
        precondition(tokenizer.decode(ids) == text, "decode(encode(text)) != text for \(Array(text.utf8))")
    }
    return 0
}
