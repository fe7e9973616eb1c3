#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// The ncurses backend in a real terminal: `tui-smoke` (an executable of this package) runs in
    /// a detached tmux pane; the test types keys and reads the pane back.
    ///
    /// The binary is looked up beside the test bundle, or taken from `TUI_SMOKE_BIN`. Without
    /// tmux or the binary the test is skipped.
    @Suite(.serialized) struct TmuxSmokeTests {
        static let binary = Tmux.builtExecutable("tui-smoke", variable: "TUI_SMOKE_BIN")

        static var available: Bool { binary != nil && Tmux.path != nil }

        @Test(.enabled(if: TmuxSmokeTests.available), .timeLimit(.minutes(1)))
        func drawsWideCharactersReadsKeysAndRestoresTheTerminal() async throws {
            let pane = try TmuxPane()
            let bin = TmuxSmokeTests.binary!
            try await pane.runRecordingTerminal("\(bin)")
            try await pane.waitFor("tui-smoke 中文 ok")

            // The wide characters take two columns each: what follows them is in place.
            #expect(pane.rows[0] == "tui-smoke 中文 ok")
            #expect(pane.rows[1].hasPrefix("size: 80x24"))
            #expect(pane.rows[23].hasPrefix(" q quits"))
            #expect(pane.rows[23].hasSuffix(" smoke")) // capture-pane drops trailing spaces
            #expect(pane.format("#{alternate_on} #{mouse_sgr_flag}") == "1 1")
            // The cursor sits at the caret of the text field, after a wide character too.
            #expect(pane.format("#{cursor_x},#{cursor_y}") == "0,4")
            pane.type("é中")
            try await pane.waitFor("last: key 中")
            #expect(pane.rows[4] == "é中")
            #expect(pane.format("#{cursor_x},#{cursor_y}") == "3,4")

            pane.press("Escape")
            try await pane.waitFor("last: key Esc")
            pane.press("M-x")
            try await pane.waitFor("last: key Alt+X")
            pane.press("C-Left")
            try await pane.waitFor("last: key Ctrl+Left")
            pane.press("F5")
            try await pane.waitFor("last: key F5")
            pane.resize(width: 60, height: 20)
            try await pane.waitFor("last: resize 60x20")
            #expect(pane.rows[19].hasSuffix(" smoke")) // capture-pane drops trailing spaces

            pane.press("q")
            try await pane.waitFor("exit=0")
            #expect(pane.screen.contains("tui-smoke: bye"))
            #expect(!pane.screen.contains("tui-smoke 中文 ok"))
            try await pane.expectTerminalRestored()
        }

        @Test(.enabled(if: TmuxSmokeTests.available), .timeLimit(.minutes(1)))
        func sigtermRestoresTheTerminal() async throws {
            let pane = try TmuxPane()
            let bin = TmuxSmokeTests.binary!
            let dir = pane.directory.path
            try await pane.runRecordingTerminal("\(bin) --pid-file \(dir)/pid")
            try await pane.waitFor("tui-smoke 中文 ok")
            let pid = try #require(Int32(pane.file("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(pid, SIGTERM)
            try await pane.waitFor("exit=143")
            try await pane.expectTerminalRestored()
        }

        @Test(.enabled(if: TmuxSmokeTests.available), .timeLimit(.minutes(1)))
        func crashRestoresTheTerminal() async throws {
            let pane = try TmuxPane()
            let bin = TmuxSmokeTests.binary!
            // Without Swift's (interactive) backtracer, the trap ends the process at once.
            try await pane.runRecordingTerminal("SWIFT_BACKTRACE=enable=no \(bin) --crash")
            try await pane.waitFor("exit=13") // 132 (SIGILL) or 133 (SIGTRAP); the command line itself shows "exit=$?"
            // (The runtime prints the fatalError message before the trap, still on the alternate
            // screen, so it is gone; Swift's backtracer, when enabled, prints it again afterwards.)
            #expect(pane.screen.contains("exit=132") || pane.screen.contains("exit=133")) // SIGILL or SIGTRAP
            try await pane.expectTerminalRestored()
        }
    }
#endif
