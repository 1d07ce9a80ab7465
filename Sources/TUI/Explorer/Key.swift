/// A decoded key press, independent of the terminal library.
public enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    case ctrl(Character)
    case resize
    /// A mouse button or wheel event at a screen cell.
    case mouse(x: Int, y: Int, MouseAction)
}

public enum MouseAction: Equatable, Sendable { case press, release, wheelUp, wheelDown }
