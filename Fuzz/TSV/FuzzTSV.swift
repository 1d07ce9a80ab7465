import Analysis
import Foundation
import Model

/// libFuzzer target: the labelled TSV reader (`probe`, `repetition`, `report`). Any text must
/// parse or throw `InputError`; every parsed row has a label for every non-path column, and no
/// field keeps a line break (CRLF files once left "\r" in the last column).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTSV(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    do {
        let set = try LabelledSet(text: text, source: "fuzz.tsv", base: URL(fileURLWithPath: "/data"))
        for row in set.rows {
            precondition(row.labels.count == set.columns.count - 1, "row \(row) lacks labels")
            precondition(!row.labels.values.contains { $0.contains(where: \.isNewline) }, "a line break in \(row.labels)")
        }
    } catch is InputError {
    } catch {
        preconditionFailure("not an InputError: \(error)")
    }
    return 0
}
