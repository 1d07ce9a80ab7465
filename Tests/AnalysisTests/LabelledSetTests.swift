import Analysis
import Foundation
import Model
import Testing

/// The labelled TSV reader: what it accepts, and the inputs it refuses (found by hand and by
/// the TSV fuzzer).
@Suite struct LabelledSetTests {
    static let base = URL(fileURLWithPath: "/data")

    func problem(_ text: String) -> String? {
        do { _ = try LabelledSet(text: text, source: "set.tsv", base: Self.base); return nil } catch let e as InputError { return e.description } catch { return "\(error)" }
    }

    /// A probe groups its folds by what its label is a property of: a word's category by the
    /// word (grouped by speaker, every test word had been heard in training in the other voice,
    /// and a trial's report called the category "reproduced" on that), gender by the speaker.
    /// A column of one value per row, or of one value per class, groups nothing useful.
    @Test func foldsAreGroupedByWhatTheLabelIsAPropertyOf() throws {
        var text = "path\tcategory\tword\tgender\tspeaker\tid\tversion\tloud\n"
        let words = ["apple": "fruit", "pear": "fruit", "plum": "fruit", "cat": "animal", "dog": "animal", "cow": "animal"]
        for (n, (word, category)) in words.sorted(by: { $0.key < $1.key }).enumerated() {
            for (k, speaker) in ["m1", "f1", "m2", "f2"].enumerated() {
                // id: one value a row but for one pair, which shares its 'loud'.
                let id = n == 0 && k == 2 ? 0 : n * 4 + k
                text += "\(word)-\(speaker).wav\t\(category)\t\(word)\t\(speaker.hasPrefix("m") ? "male" : "female")\t\(speaker)\t\(id)"
                    + "\t\(category == "fruit" ? "1" : "2")\t\((n + k) % 2 == 0 ? "yes" : "no")\n"
            }
        }
        let set = try LabelledSet(text: text, source: "words.tsv", base: Self.base)
        #expect(set.defaultGroup(for: "category") == "word")
        #expect(set.defaultGroup(for: "gender") == "speaker")
        // A near-unique column groups almost nothing: the speaker column stands (a trial's
        // `take` column, 119 values in 120 rows, had been chosen).
        #expect(set.defaultGroup(for: "loud") == "speaker")
        #expect(try set.probeGroup(nil, label: "category") == "word" && set.probeGroup("speaker", label: "category") == "speaker")
        // Without a column the label is a property of, the speaker column, as before.
        let sentences = try LabelledSet(text: "path\tnoise\tspeaker\na.wav\tclean\ts1\nb.wav\tnoisy\ts1\nc.wav\tclean\ts2\nd.wav\tnoisy\ts2\n",
                                        source: "s.tsv", base: Self.base)
        #expect(sentences.defaultGroup(for: "noise") == "speaker")
        // Empty cells in the grouping column would make one group of every unnamed speaker.
        let blank = try LabelledSet(text: "path\tnoise\tspeaker\na.wav\tclean\ts1\nb.wav\tnoisy\t\nc.wav\tclean\ts2\nd.wav\tnoisy\ts2\n",
                                    source: "b.tsv", base: Self.base)
        #expect(throws: InputError("b.tsv", "folds grouped by speaker (the default): 1 labelled row has no speaker; give each one, or give --group none or another column")) {
            try blank.probeGroup(nil, label: "noise")
        }
    }

    @Test func crlfLinesReadLikeLfLines() throws {
        let lf = try LabelledSet(text: "path\tlabel\na.wav\tx\nb.wav\ty\n", source: "a.tsv", base: Self.base)
        let crlf = try LabelledSet(text: "path\tlabel\r\na.wav\tx\r\nb.wav\ty\r\n", source: "b.tsv", base: Self.base)
        #expect(lf.rows.map(\.labels) == crlf.rows.map(\.labels))
        #expect(crlf.rows.map(\.path) == ["/data/a.wav", "/data/b.wav"])
    }

    /// Found by the TSV fuzzer: a column named twice, or not at all, hid one label behind another.
    @Test func aColumnNamedTwiceOrNotAtAllIsRefused() {
        #expect(problem("path\tgender\tgender\na.wav\tf\tm\n") == "set.tsv:1: has the column 'gender' twice")
        #expect(problem("path\tgender\t\na.wav\tf\tx\n") == "set.tsv:1: column 3 has no name")
    }

    @Test func aClipListedTwiceIsRefused() {
        #expect(problem("path\tlabel\na.wav\tx\n./a.wav\ty\n") == "set.tsv:3: names the same file as line 2 (./a.wav); a clip listed twice would be in training and test at once")
    }

    /// `report --repetition-rows K` and `repetition --rows K` examine the same rows: in file order,
    /// no row twice, the same every run; every row when K is the set's size or more.
    @Test func sampledRowsAreDistinctInOrderAndTheSameEveryRun() throws {
        let set = try LabelledSet(text: "path\n" + (0..<10).map { "c\($0).wav" }.joined(separator: "\n") + "\n", source: "s.tsv", base: Self.base)
        let four = set.sampled(4)
        #expect(four.count == 4 && four == four.sorted() && Set(four).count == 4 && four.allSatisfy { (0..<10).contains($0) })
        #expect(set.sampled(4) == four)
        #expect(set.sampled(10) == Array(0..<10) && set.sampled(50) == Array(0..<10))
        #expect(set.sampled(0).isEmpty && set.sampled(1).count == 1)
    }

    /// `dataset synth` lays out each sentence in all 18 voices in turn: a stride of 216 / 24 = 9
    /// picked only voices 0 and 9. The sample reaches most voices and most sentences.
    @Test func sampledRowsDoNotFollowTheSetsPeriod() {
        let rows = LabelledSet.sampled(24, of: 216)
        let voices = Set(rows.map { $0 % 18 }), sentences = Set(rows.map { $0 / 18 })
        #expect(voices.count >= 10 && sentences.count >= 8, "voices \(voices.sorted()), sentences \(sentences.sorted())")
    }

    /// A set's digest follows its labels and its audio bytes, not where it sits: a copy in
    /// another folder keeps it, a changed label or a changed file does not, and a missing file
    /// counts as missing instead of failing the digest (the run skips that row).
    @Test func theDigestFollowsLabelsAndAudioBytesNotFolders() throws {
        let fm = FileManager.default
        func folder() throws -> URL {
            let dir = fm.temporaryDirectory.appendingPathComponent("asrlens-digest-\(UUID().uuidString)")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            for (n, clip) in AnalysisSupport.clips.prefix(2).enumerated() { try fm.copyItem(atPath: clip, toPath: dir.appendingPathComponent("c\(n).wav").path) }
            return dir
        }
        let a = try folder(), b = try folder()
        defer { try? fm.removeItem(at: a); try? fm.removeItem(at: b) }
        func digest(_ dir: URL, _ text: String = "path\tgender\nc0.wav\tf\nc1.wav\tm\nmissing.wav\tm\n") throws -> String {
            let set = try LabelledSet(text: text, source: "set.tsv", base: dir)
            return set.digest(rows: Array(set.rows.indices))
        }
        let original = try digest(a)
        let copy = try digest(b), relabelled = try digest(a, "path\tgender\nc0.wav\tf\nc1.wav\tf\nmissing.wav\tm\n")
        #expect(original.count == 64 && copy == original)
        #expect(relabelled != original)
        let other = try Data(contentsOf: URL(fileURLWithPath: AnalysisSupport.clips[2]))
        try other.write(to: b.appendingPathComponent("c1.wav"))
        let changed = try digest(b)
        #expect(changed != original)
        let set = try LabelledSet(text: "path\tgender\nc0.wav\tf\nc1.wav\tm\n", source: "set.tsv", base: a)
        #expect(set.digest(rows: [0]) != set.digest(rows: [0, 1]), "a digest covers the rows a run examines")
    }
}

