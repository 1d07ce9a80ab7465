import Analysis
import CNcursesw

/// The explorer's terminal layer; only its backend touches ncurses.
public enum TUI {
    /// The ncurses version string, proof that the backend links.
    public static var cursesVersion: String { String(cString: curses_version()) }
}
