/// Whether a patch on a window of encoder frames deleted the words spoken in that window, and
/// only those: the claim of the silence sweep. A patch that truncates the transcript, loops, or
/// rewrites it elsewhere changes the transcript without deleting the window's words.
public enum SpanDeletion {
    public enum Outcome: String, Codable, Sendable {
        /// No clean word overlaps the window.
        case noWords = "no words"
        case unchanged
        /// Fewer words within one word of the window, every other word kept.
        case deleted
        /// The transcript changed some other way (truncated, looped, rewritten).
        case other
    }

    /// Classifies one window. `words` are the clean transcript's words with their frames
    /// (`WordAlignment`); `window` is the patched span of encoder frames.
    public static func classify(words: [WordAlignment.Word], window: Range<Int>, patched: String) -> Outcome {
        // Words compared as the WER compares them (a character of Chinese or Japanese is one, with
        // its word's frames); a word of punctuation alone is not a word.
        let clean = words.flatMap { w in WordErrorRate.words(w.text).map { (key: $0, frames: w.frames) } }
        let inside = clean.indices.filter { clean[$0].frames.overlaps(window) }
        let edits = WordDiff.align(clean.map(\.key), WordErrorRate.words(patched))
        guard let first = inside.first, let last = inside.last else { return .noWords }
        guard edits.contains(where: \.isEdit) else { return .unchanged }
        // One word of slack each side: a word cut by the window's edge may go or change too.
        let region = (first - 1)...(last + 1)
        var position = 0, removed = 0, added = 0, elsewhere = false
        for edit in edits {
            switch edit {
            case .same: break
            case .substituted: elsewhere = elsewhere || !region.contains(position)
            case .removed: removed += 1; elsewhere = elsewhere || !region.contains(position)
            // An added word sits before clean word `position`: inside when next to the region.
            case .added: added += 1; elsewhere = elsewhere || !(region.lowerBound...(region.upperBound + 1)).contains(position)
            }
            if case .added = edit {} else { position += 1 }
        }
        return !elsewhere && removed > added ? .deleted : .other
    }
}
