import Foundation
import Model

/// A labelled data set: a TSV with a `path` column and label columns. Relative paths are
/// taken from the TSV's directory.
public struct LabelledSet: Sendable {
    public struct Row: Sendable {
        public let path: String
        public let labels: [String: String]
    }

    public let source: String
    public let columns: [String]
    public let rows: [Row]

    public init(tsv path: String) throws {
        let text = try FileProblem.readText(path, what: "a TSV file")
        try self.init(text: text, source: path, base: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// Parses TSV text; `source` names it in errors and relative paths resolve against `base`.
    /// Lines may end in LF, CRLF or CR.
    public init(text: String, source path: String, base: URL) throws {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw InputError(path, "is empty; expected a header line with a 'path' column") }
        let columns = header.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        // A name twice would make one label hide the other; an empty one cannot be asked for.
        if let empty = columns.firstIndex(of: "") {
            throw InputError("\(path):1", "column \(empty + 1) has no name")
        }
        if let twice = columns.first(where: { name in columns.filter { $0 == name }.count > 1 }) {
            throw InputError("\(path):1", "has the column '\(twice)' twice")
        }
        guard let pathIndex = columns.firstIndex(of: "path") else {
            throw InputError(path, "has no 'path' column (columns: \(columns.joined(separator: ", ")))")
        }
        var rows: [Row] = []
        var lineOf: [String: Int] = [:]
        for (n, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns.count else {
                throw InputError("\(path):\(n + 1)", "has \(fields.count) fields, the header has \(columns.count)")
            }
            let file = fields[pathIndex]
            let resolved = file.hasPrefix("/") ? file : base.appendingPathComponent(file).path
            // One clip in two rows could sit in a training fold and a test fold at once.
            let key = URL(fileURLWithPath: resolved).standardizedFileURL.path
            if let first = lineOf[key] {
                throw InputError("\(path):\(n + 1)", "names the same file as line \(first) (\(file)); a clip listed twice would be in training and test at once")
            }
            lineOf[key] = n + 1
            var labels: [String: String] = [:]
            for (c, name) in columns.enumerated() where c != pathIndex { labels[name] = fields[c] }
            rows.append(Row(path: resolved, labels: labels))
        }
        guard !rows.isEmpty else { throw InputError(path, "has a header line but no rows") }
        source = path
        self.columns = columns
        self.rows = rows
    }

    /// Columns that describe a clip rather than label it (who speaks, with what, saying what):
    /// never probed unless asked for by name.
    public static let descriptiveColumns: Set<String> = ["speaker", "voice", "synthesizer", "synth_version", "text"]

    /// The column that names who speaks: `speaker`, else `voice`; nil when there is neither.
    public var speakerColumn: String? { ["speaker", "voice"].first(where: columns.contains) }

    /// The column a probe of `label` groups its folds by when none is asked for: the coarsest
    /// column the label is a property of (every row of one of its values has the same label:
    /// `word` for a word's category, `speaker` for gender), with at least two values in every
    /// class, so that a probe cannot score by recognising the word or the voice it has heard in
    /// training. Without such a column, the speaker column. Columns of fewer than two rows a
    /// value on average group almost nothing and are passed over.
    public func defaultGroup(for label: String) -> String? {
        let labelled = rows.filter { !($0.labels[label] ?? "").isEmpty }
        let carriers = columns.filter { $0 != "path" && $0 != label }.compactMap { column -> (String, Int)? in
            let values = Dictionary(grouping: labelled, by: { $0.labels[column] ?? "" })
            // A column groups when its values hold two rows each on average: a near-unique
            // `take` column had been chosen over the speaker.
            guard !values.keys.contains(""), values.count * 2 <= labelled.count,
                  values.values.allSatisfy({ Set($0.map { $0.labels[label]! }).count == 1 }) else { return nil }
            let perClass = Dictionary(grouping: values.values.map { $0[0].labels[label]! }, by: { $0 }).mapValues(\.count)
            return perClass.values.allSatisfy { $0 >= 2 } ? (column, values.count) : nil
        }
        // The fewest groups; among equals the speaker column, then the first in the file.
        let best = carriers.min { a, b in a.1 != b.1 ? a.1 < b.1 : (a.0 == speakerColumn && b.0 != speakerColumn) }
        return best?.0 ?? speakerColumn.flatMap { $0 == label ? nil : $0 }
    }

    /// The fold grouping for a probe of `label`: the column asked for (`none` for none), else
    /// `defaultGroup(for:)`, so that no voice (or word) is in training and test at once.
    public func probeGroup(_ requested: String?, label: String) throws -> String? {
        if requested == "none" { return nil }
        guard let group = requested ?? defaultGroup(for: label) else { return nil }
        try require(group, as: "to group by")
        guard group != label else {
            throw InputError("--group \(group)", "is the label column itself; grouping by the label puts each class in its own folds, so no fold could test it")
        }
        // The default grouping is named as such: no --group was given.
        let subject = requested == nil ? source : "--group \(group)", chosen = requested == nil ? "folds grouped by \(group) (the default): " : ""
        let labelled = rows.filter { !($0.labels[label] ?? "").isEmpty }
        // Empty cells would all fall into one group "" that mixes every speaker (or word).
        let blank = labelled.filter { ($0.labels[group] ?? "").isEmpty }.count
        if blank > 0 {
            throw InputError(subject, chosen + "\(blank) labelled row\(blank == 1 ? " has" : "s have") no \(group); give each one, "
                             + "or give --group none or another column")
        }
        // A class all of whose rows share one group is never in training when it is tested.
        let groupsOf = Dictionary(grouping: labelled, by: { $0.labels[label]! }).mapValues { Set($0.map { $0.labels[group] ?? "" }) }
        if let (cls, only) = groupsOf.filter({ $0.value.count < 2 }).min(by: { $0.key < $1.key }) {
            throw InputError(subject, chosen + "every row of class '\(cls)' of '\(label)' has the \(group) '\(only.first ?? "")', so the fold that "
                             + "tests them never trains on that class; give --group none, or data with that class in two \(group)s or more")
        }
        return group
    }

    /// The indices of `count` rows drawn from the set (all rows when it has fewer): the rows the
    /// report's data-set sections and `repetition --rows` examine.
    public func sampled(_ count: Int) -> [Int] { Self.sampled(count, of: rows.count) }

    /// `count` of `n` row indices drawn without replacement by a fixed seed, in file order (all
    /// of them when there are fewer). Not a stride: a data set is often laid out in periods (each
    /// sentence in every voice in turn), and every row a stride picks could share one voice.
    public static func sampled(_ count: Int, of n: Int) -> [Int] {
        let k = max(0, min(count, n))
        guard k < n else { return Array(0..<n) }
        var order = Array(0..<n)
        var random = Gaussian(seed: 0x6173_726c_656e_73)   // "asrlens"; its SplitMix64 bits
        for i in 0..<k {
            let j = i + Int(random.bits() % UInt64(n - i))
            order.swapAt(i, j)
        }
        return order.prefix(k).sorted()
    }

    /// For each class of `label`, how many distinct values of `column` its rows `indices` have:
    /// how many speakers a result about each class rests on.
    public func distinct(_ column: String, per label: String, rows indices: [Int]) -> [(label: String, count: Int)] {
        let byClass = Dictionary(grouping: indices.map { rows[$0] }, by: { $0.labels[label] ?? "" })
        return byClass.keys.sorted().map { ($0, Set(byClass[$0]!.map { $0.labels[column] ?? "" }).count) }
    }

    /// SHA-256 of rows `indices` as a run reads them: each row's labels, in column order, and
    /// the SHA-256 of its audio file's bytes. Shards of one run record it, so that parts run on
    /// a data set that changed in between do not merge. Paths are left out: the same set copied
    /// to another folder or machine has the same digest. A row whose file is not a readable
    /// regular file (missing, a pipe) counts as such, as the run itself skips it.
    public func digest(rows indices: [Int]) -> String {
        let labelled = columns.filter { $0 != "path" }
        var text = labelled.joined(separator: "\t") + "\n"
        for i in indices {
            let row = rows[i]
            let audio = (try? FileProblem.checkReadable(row.path, as: .file("an audio file"))).flatMap { try? SHA256.hex(ofFile: URL(fileURLWithPath: row.path)) }
            text += (labelled.map { row.labels[$0] ?? "" } + [audio ?? "unreadable"]).joined(separator: "\t") + "\n"
        }
        return Array(text.utf8).withUnsafeBytes { SHA256.hex(of: $0) }
    }

    /// Checks that `label` is a column, naming the ones there are when it is not; `role` says
    /// what the column was wanted for ("label" by default: "has no label column 'x'").
    public func require(_ label: String, as role: String? = nil) throws {
        if label == "path" { throw InputError(source, "'path' names each row's audio file; it is no column \(role ?? "to probe")") }
        guard columns.contains(label) else {
            let what = role.map { "column '\(label)' \($0)" } ?? "label column '\(label)'"
            let names = columns.filter { $0 != "path" }
            throw InputError(source, "has no \(what)\(Suggestion.didYouMean(label, among: names)) (columns: \(names.joined(separator: ", ")))")
        }
    }
}
