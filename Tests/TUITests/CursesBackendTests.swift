import Testing
import TUI

/// The TUI layer links against ncursesw.
@Suite struct CursesBackendTests {
    @Test func linksAgainstNcursesw() {
        #expect(TUI.cursesVersion.hasPrefix("ncurses"))
    }
}
