import CNCursesW
import Testing

/// The ncursesw system library links and its shim wrappers are callable without a terminal.
@Suite struct CNCursesWShimTests {
    @Test func versionIsWideCharacterNcurses() {
        let version = String(cString: curses_version())
        #expect(version.hasPrefix("ncurses 6"))
        #expect(cnc_err() == -1)
        #expect(cnc_key_resize() > 0o400)
        #expect(cnc_a_bold() != cnc_a_normal())
    }
}
