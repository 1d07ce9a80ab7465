/// A decoded key press, independent of the terminal library.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    /// F1, F2, …
    case function(Int)
    case ctrl(Character)
    /// Alt (Meta) with a key: the terminal sends Esc then the key. Never bound.
    case alt(Character)
    case resize
    /// A mouse button or wheel event at a screen cell.
    case mouse(x: Int, y: Int, MouseAction)

    /// How help and hints name the key.
    public var name: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .function(let n): return "F\(n)"
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .alt(let c): return "Alt-" + String(c)
        case .resize: return "resize"
        case .mouse: return "mouse"
        }
    }
}

public enum MouseAction: Hashable, Sendable { case press, release, wheelUp, wheelDown }
