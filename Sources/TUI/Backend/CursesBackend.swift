import CNcursesw
import Foundation
import Model

/// The only code that touches the terminal: draws canvases with ncursesw (diffing against the
/// last frame) and decodes key presses. Everything else renders to a `Canvas`.
public final class CursesBackend {
    private var previous: Canvas?
    private var pairs: [Canvas.Style: Int32] = [:]
    private var nextPair: Int32 = 1
    public let theme: Theme

    /// Whether stdout is a terminal the explorer can use; nil, or the reason it cannot.
    public static func unusableTerminalReason() -> String? {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            return "the explorer needs a terminal on stdin and stdout (script it with asrlens run CLIP SCRIPT, or lens, patch and the other commands' --json)"
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else { return "TERM is '\(term)'; the explorer needs a full-screen terminal" }
        return nil
    }

    /// Starts curses mode. Colour follows NO_COLOR and the terminal; truecolour follows
    /// COLORTERM; Unicode follows the locale. Without `mouse` the terminal keeps its own mouse
    /// (selecting text to copy).
    public init(mouse: Bool = true) throws {
        setlocale(LC_ALL, "")
        Self.installSignalHandlers()
        let utf8 = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        let env = ProcessInfo.processInfo.environment
        let noColor = env["NO_COLOR"].map { !$0.isEmpty } ?? false
        let wantsTrueColor = !noColor && ["truecolor", "24bit"].contains(env["COLORTERM"]?.lowercased() ?? "")
        // Truecolour needs a terminfo entry with direct colour (ncurses-term's *-direct).
        if !(wantsTrueColor && Self.startDirectColor(term: env["TERM"] ?? "")) {
            // newterm, unlike initscr, returns instead of exiting when the terminal is unknown.
            guard newterm(nil, stdout, stdin) != nil else {
                throw InputError("TERM=\(env["TERM"] ?? "")", "no terminal description (terminfo) for this terminal; try TERM=xterm-256color")
            }
        }
        cbreak()
        noecho()
        nonl()
        keypad(stdscr, true)
        intrflush(stdscr, false)
        curs_set(0)
        set_escdelay(25)
        timeout(0)
        // Button 1 press and release separately (a drag selects a span), and the wheel.
        if mouse {
            mouseinterval(0)
            mousemask(asrlens_button1_pressed | asrlens_button1_released | asrlens_button1_clicked | asrlens_wheel_up | asrlens_wheel_down, nil)
        }
        var color = false
        if !noColor && has_colors() {
            start_color()
            use_default_colors()
            color = COLORS >= 256
        }
        direct = color && COLORS >= 0x100_0000
        theme = Theme(color: color, unicode: utf8, trueColor: direct)
        // Ctrl-S and Ctrl-Q are keys here, not flow control. Set last, since ncurses rewrites
        // the whole terminal mode from its own copy, and saved as that copy; endwin restores
        // the shell's setting.
        var modes = termios()
        if tcgetattr(STDIN_FILENO, &modes) == 0 {
            modes.c_iflag &= ~tcflag_t(IXON)
            tcsetattr(STDIN_FILENO, TCSANOW, &modes)
        }
        def_prog_mode()
    }

    /// Whether colours are 24-bit RGB values (a direct-colour terminfo entry) or palette indices.
    private let direct: Bool

    /// Starts curses on the direct-colour variant of `term` (xterm-256color → xterm-direct),
    /// if the system has one; false otherwise.
    private static func startDirectColor(term: String) -> Bool {
        guard !term.isEmpty else { return false }
        let family = String(term.split(separator: "-").first ?? "")
        let name = term.hasSuffix("-direct") ? term : "\(family)-direct"
        return newterm(name, stdout, stdin) != nil   // nil when there is no such entry
    }

    /// Restores the terminal (cursor, echo, keypad, screen).
    public func shutdown() {
        curs_set(1)
        endwin()
    }

    public var size: (width: Int, height: Int) { (Int(COLS), Int(LINES)) }

    /// Writes the cells that changed since the last frame.
    public func draw(_ canvas: Canvas) {
        if previous?.width != canvas.width || previous?.height != canvas.height { erase(); previous = nil }
        for change in canvas.changes(since: previous) {
            // A wide character's right half is drawn by its left; in ASCII its stand-in takes one cell.
            if change.cell.isContinuation && theme.unicode { continue }
            let style = change.cell.style
            var attrs: UInt32 = 0
            if style.bold { attrs |= UInt32(1) << 21 }      // A_BOLD
            if style.reverse { attrs |= UInt32(1) << 18 }   // A_REVERSE
            var p = pair(for: style)   // passed through opts too: extended pairs exceed a short
            attr_set(attrs, Int16(clamping: p), &p)
            let character = change.cell.isContinuation ? " " : theme.unicode ? change.cell.character : ASCIIFallback.character(change.cell.character)
            mvaddstr(Int32(change.y), Int32(change.x), String(character))
        }
        attr_set(0, 0, nil)
        refresh()
        previous = canvas
    }

    /// Forgets the last frame so the next draw repaints everything (after a resize).
    public func invalidate() { previous = nil }

    private func pair(for style: Canvas.Style) -> Int32 {
        guard theme.color, style.foreground != nil || style.background != nil else { return 0 }
        let key = Canvas.Style(foreground: style.foreground, background: style.background)
        if let p = pairs[key] { return p }
        guard nextPair < COLOR_PAIRS else { return 0 }
        let p = nextPair
        init_extended_pair(p, style.foreground.map(colorNumber) ?? -1, style.background.map(colorNumber) ?? -1)
        pairs[key] = p
        nextPair += 1
        return p
    }

    /// The colour's number for ncurses: its RGB value on a direct-colour terminal (values
    /// below 8 mean the ANSI colours there, so near-black moves to 8), else its palette index.
    private func colorNumber(_ c: Color) -> Int32 {
        direct ? Int32(max(8, c.rgb)) : Int32(c.value)
    }

    /// The next key, waiting up to `timeoutMilliseconds` for one, and returning nil early when
    /// `wake` becomes readable (a result is waiting).
    public func readKey(wake: Int32, timeoutMilliseconds: Int32) -> Key? {
        if let key = nextKey() { return key }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, wake >= 0 ? 2 : 1, timeoutMilliseconds)
        return nextKey()
    }

    /// The key waiting in the input, if any (never blocks).
    private func nextKey() -> Key? {
        var ch: wint_t = 0
        let r = get_wch(&ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: return .resize
            case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(Int32(ch) - KEY_F0))
            case KEY_MOUSE:
                var event = MEVENT()
                guard getmouse(&event) == OK else { return nil }
                let x = Int(event.x), y = Int(event.y), b = event.bstate
                // A click (press and release read together) acts as the press: it selects.
                if b & (asrlens_button1_pressed | asrlens_button1_clicked) != 0 { return .mouse(x: x, y: y, .press) }
                if b & asrlens_button1_released != 0 { return .mouse(x: x, y: y, .release) }
                if b & asrlens_wheel_up != 0 { return .mouse(x: x, y: y, .wheelUp) }
                if b & asrlens_wheel_down != 0 { return .mouse(x: x, y: y, .wheelDown) }
                return nil
            default: return nil
            }
        }
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return escapeSequence()
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(ch) + 96)))
        default: return Unicode.Scalar(UInt32(ch)).map { .char(Character($0)) }
        }
    }

    /// What follows an Esc that ncurses did not decode itself: nothing (Esc), a control
    /// sequence (an X10 mouse report is decoded, anything else dropped whole, so none of its
    /// bytes acts as a key), or a key pressed with Alt (which the terminal sends as Esc + key).
    private func escapeSequence() -> Key? {
        // The rest of a sequence comes at once; a key after Esc within 30 ms is an Alt chord.
        timeout(30)
        defer { timeout(0) }
        func next() -> wint_t? {
            var ch: wint_t = 0
            return get_wch(&ch) == OK ? ch : nil
        }
        guard let first = next() else { return .escape }
        switch first {
        case 91:   // [
            var final = next()
            while let f = final, !(64...126).contains(f) { final = next() }
            guard final == 77, let b = next(), let x = next(), let y = next() else { return nil }   // M: button, x, y
            let at = (x: Int(x) - 33, y: Int(y) - 33)
            switch Int(b) - 32 {
            case 0: return .mouse(x: at.x, y: at.y, .press)
            case 3: return .mouse(x: at.x, y: at.y, .release)
            case 64: return .mouse(x: at.x, y: at.y, .wheelUp)
            case 65: return .mouse(x: at.x, y: at.y, .wheelDown)
            default: return nil
            }
        case 79:   // O: an SS3 function key ncurses did not know
            _ = next()
            return nil
        default:
            return Unicode.Scalar(UInt32(first)).map { .alt(Character($0)) }
        }
    }

    /// SIGINT, SIGTERM and SIGHUP restore the terminal before leaving. They and SIGWINCH are
    /// unblocked first: a parent may have started us with them blocked (a mask survives exec),
    /// and then resizes and Ctrl-C would never arrive.
    private static func installSignalHandlers() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                curs_set(1)
                endwin()
                _exit(128 + s)
            }
        }
    }
}
