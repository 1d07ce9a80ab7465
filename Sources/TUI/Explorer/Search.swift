import Model

/// `/` and `n` / `N`: search what the current view shows, as less does. The logit lens and the
/// decoder attention maps search their token labels (moving the lens cursor, or the map's rows),
/// and the lens then its cells' top-1 tokens;
/// the transcript, encoder-lens and patch views search their lines and scroll to the match. The
/// sweep grid and the encoder's self-attention map have no text, so they search the transcript's
/// tokens in the logit lens. Part of the pure reducer.
enum Search {
    /// A search typed after `/` (`again` false) starts at the view's top line; `n` and `N`
    /// continue from the last match.
    static func run(_ s: inout ExplorerState, _ text: String, forward: Bool, again: Bool) {
        guard !text.isEmpty, let engine = s.engine else { return }
        if !again || text != s.lastSearch { s.lastMatchRow = nil }
        s.lastSearch = text
        let needle = text.lowercased()
        switch s.view {
        case .transcript, .encoderLens, .patch:
            lines(&s, needle, text, forward: forward, again: again)
        case .attention where s.settings.attentionKind != .encoder:
            guard let t = token(&s, tokenMatches(engine, needle), text, from: s.attentionRowScroll, forward: forward) else { return }
            s.attentionRowScroll = t
            s.attentionRow = t
        default:
            let matches = tokenMatches(engine, needle)
            if s.view == .lens && matches.isEmpty {
                // Not in the transcript: the lens's own cells, a layer's top-1 (a trial looked for
                // a word it saw in row L2).
                cell(&s, engine, needle, text, forward: forward)
                return
            }
            guard let t = token(&s, matches, text, from: s.lensToken, forward: forward) else { return }
            s.lensToken = t
            s.view = .lens
        }
    }

    /// Moves the lens cursor to the next (or previous) cell, column by column and down each
    /// column, whose top-1 token holds `needle`, wrapping.
    static func cell(_ s: inout ExplorerState, _ engine: Engine, _ needle: String, _ text: String, forward: Bool) {
        guard let lens = s.shown?.lens, !lens.cells.isEmpty else { return }
        let layers = lens.cells.count
        let tok = engine.model.tokenizer
        var matches: [Int] = []   // column · layers + row
        for t in lens.targets.indices {
            for l in 0..<layers where tok.display(lens.cells[l][t].top1).lowercased().contains(needle) { matches.append(t * layers + l) }
        }
        guard let next = pick(matches, after: s.lensToken * layers + s.lensLayer, forward: forward, inclusive: false) else {
            s.status = .init("no token or lens cell matches '\(text)'", isError: true)
            return
        }
        (s.lensToken, s.lensLayer) = (next / layers, next % layers)
        s.status = .init("match \((matches.firstIndex(of: next) ?? 0) + 1) of \(matches.count): a lens cell, token \(next / layers)")
    }

    /// The next (or previous) of the matching clean tokens (`tokenMatches`) after `from`,
    /// wrapping; nil, with a message, when there is none.
    static func token(_ s: inout ExplorerState, _ matches: [Int], _ text: String, from: Int, forward: Bool) -> Int? {
        guard let next = pick(matches, after: from, forward: forward, inclusive: false) else {
            s.status = .init("no token matches '\(text)'", isError: true)
            return nil
        }
        s.status = .init("match \((matches.firstIndex(of: next) ?? 0) + 1) of \(matches.count): token \(next)")
        return next
    }

    /// The clean tokens (with EOT) at which `needle` occurs in the transcript, across token
    /// boundaries ("Dashwood" is " Dash" + "wood").
    static func tokenMatches(_ engine: Engine, _ needle: String) -> [Int] {
        let tok = engine.model.tokenizer
        let targets = engine.cleanTokens + [engine.model.specials.eot]
        var joined = "", starts: [Int] = []
        for t in targets {
            starts.append(joined.count)
            joined += tok.display(t).lowercased()
        }
        var matches: [Int] = []
        var rest = joined.startIndex
        while let found = joined.range(of: needle, range: rest..<joined.endIndex) {
            let offset = joined.distance(from: joined.startIndex, to: found.lowerBound)
            if let t = starts.lastIndex(where: { $0 <= offset }), matches.last != t { matches.append(t) }
            rest = joined.index(after: found.lowerBound)
        }
        return matches
    }

    /// Scrolls the view to the next (or previous) line that holds `needle`.
    static func lines(_ s: inout ExplorerState, _ needle: String, _ text: String, forward: Bool, again: Bool) {
        let content = ExplorerRenderer.contentLines(s)
        let fixed = ExplorerRenderer.fixedRows(s.view)
        let top = fixed + ExplorerRenderer.scroll(s)
        let matches = content.indices.filter { content[$0].lowercased().contains(needle) }
        guard let row = pick(matches, after: again ? (s.lastMatchRow ?? top) : top, forward: forward, inclusive: !again) else {
            s.status = .init("no line of the \(s.view.title.lowercased()) view holds '\(text)'", isError: true)
            return
        }
        s.lastMatchRow = row
        if row >= fixed {
            let offset = min(row - fixed, ExplorerRenderer.maxScroll(s))
            switch s.view {
            case .transcript: s.transcriptScroll = offset
            case .encoderLens: s.encoderLensScroll = offset
            case .patch: s.patchListScroll = offset
            default: break
            }
        }
        s.status = .init("match \((matches.firstIndex(of: row) ?? 0) + 1) of \(matches.count): line \(row + 1)")
    }

    /// The first match after `from` (before it, backwards), wrapping round; `inclusive` lets
    /// `from` itself match.
    static func pick(_ matches: [Int], after from: Int, forward: Bool, inclusive: Bool) -> Int? {
        guard let first = matches.first, let last = matches.last else { return nil }
        if forward { return matches.first { inclusive ? $0 >= from : $0 > from } ?? first }
        return matches.last { inclusive ? $0 <= from : $0 < from } ?? last
    }
}
