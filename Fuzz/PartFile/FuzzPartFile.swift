import Analysis
import Foundation
import Model

/// libFuzzer target: the part files `asrlens merge` reads. Any text must parse into a part or
/// throw `InputError`; a parsed part's shard must lie inside its shard count; its typed merge
/// (sweep, repetition or probe records) must succeed or throw `InputError` too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPartFile(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    do {
        let part = try PartFile.parse(text, source: "fuzz.part")
        precondition((0..<part.of).contains(part.shard), "shard \(part.shard) of \(part.of) accepted")
        _ = try JSONText.encode(part.header)
        for r in part.records { _ = try JSONText.encode(r) }
        switch part.kind {
        case "sweep": _ = try JSONText.encode(SweepReport(parts: [part]))
        case "repetition": _ = try RepetitionReport(parts: [part]).lines
        case "probe": _ = try ProbeExperiment.merge([part])
        default: break
        }
    } catch is InputError {
    } catch {
        preconditionFailure("not an InputError: \(error)")
    }
    return 0
}
