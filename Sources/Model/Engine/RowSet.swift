/// Which rows of an activation differ from the clean run: none, some, or all.
struct RowSet {
    private(set) var mask: [Bool]?   // nil: every row
    let count: Int

    static func none(_ count: Int) -> RowSet { RowSet(mask: Array(repeating: false, count: count), count: count) }
    static func all(_ count: Int) -> RowSet { RowSet(mask: nil, count: count) }

    var isAll: Bool { mask == nil }
    var isEmpty: Bool { mask.map { !$0.contains(true) } ?? (count == 0) }
    var rows: [Int] { mask.map { $0.indices.filter { $0 < count && $0 >= 0 && mask![$0] } } ?? Array(0..<count) }

    /// The `Linear.rowBlock`-aligned blocks that hold at least one of these rows.
    var blocks: [Range<Int>] {
        let b = Linear.rowBlock
        var out: [Range<Int>] = []
        for r in rows {
            let lo = (r / b) * b
            if out.last?.lowerBound != lo { out.append(lo..<min(lo + b, count)) }
        }
        return out
    }

    mutating func insert(_ r: Range<Int>) {
        guard mask != nil else { return }
        for i in r.clamped(to: 0..<count) { mask![i] = true }
    }

    mutating func formUnion(_ other: RowSet) {
        guard let m = other.mask else { mask = nil; return }
        guard mask != nil else { return }
        for i in m.indices where m[i] { mask![i] = true }
    }
}

extension Matrix {
    /// The given rows, in order, as a new matrix.
    func gather(_ rows: [Int]) -> Matrix {
        var out = Matrix(zeros: rows.count, cols)
        for (i, r) in rows.enumerated() {
            out.data.replaceSubrange((i * cols)..<((i + 1) * cols), with: data[(r * cols)..<((r + 1) * cols)])
        }
        return out
    }

    /// Replaces rows `range` with all rows of `values`.
    mutating func replaceRows(_ range: Range<Int>, with values: Matrix) {
        data.replaceSubrange((range.lowerBound * cols)..<(range.upperBound * cols), with: values.data)
    }

    /// Writes the rows of `values` back at `rows`.
    mutating func scatter(_ values: Matrix, to rows: [Int]) {
        for (i, r) in rows.enumerated() {
            data.replaceSubrange((r * cols)..<((r + 1) * cols), with: values.data[(i * cols)..<((i + 1) * cols)])
        }
    }
}
