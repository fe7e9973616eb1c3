#if os(Linux)
    import FakeAnthropic
    import Foundation
    import TestSupport
    import Testing

    /// Composing in `$EDITOR` in the real binary: the terminal is lent to a scripted editor and
    /// taken back (screen redrawn, a resize while away picked up), what the editor saved becomes
    /// the draft, and an editor that fails leaves the draft alone.
    extension ChatTmuxTests {
        /// Writes an executable shell script into the pane's HOME; returns its path.
        func editorScript(_ name: String, _ body: String, in pane: TmuxPane) throws -> String {
            let path = pane.directory.appendingPathComponent(name).path
            // A close-on-exec descriptor: a process spawned meanwhile by another test must not keep
            // the script open for writing (running it would then fail with ETXTBSY).
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(fd) }
            let bytes = Array(("#!/bin/sh\n" + body + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw POSIXError(.EIO) }
            return path
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func ctrlXCtrlEHandsTheDraftToTheEditorAndAFailingEditorLeavesIt() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(text: "ok")) { fake in
                let pane = try pane(fake)
                // A sloppy full-screen editor: it records the terminal settings it got, draws
                // over the whole alternate screen and never leaves it, waits, then appends a line.
                let editor = try editorScript(
                    "editor.sh",
                    """
                    stty -g > "$HOME/during"
                    printf '\\033[?1049h\\033[2J\\033[H'
                    i=1; while [ $i -le 40 ]; do printf 'LEFTOVER %s\\n' $i; i=$((i+1)); done
                    sleep 2
                    printf 'added by the editor\\n' >> "$1"
                    """, in: pane)
                let failing = try editorScript("fail.sh", "printf 'junk' > \"$1\"; exit 1", in: pane)
                try await pane.waitFor("$")
                pane.type("export EDITOR=\(editor)")
                pane.press("Enter")
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                pane.type("first line of the draft")
                pane.press("C-x")
                try await pane.waitFor("Ctrl+E edit in $EDITOR")
                pane.press("C-e")

                // The editor has the terminal: the shell's settings, mouse reporting off.
                try await pane.waitFor("LEFTOVER 1")
                #expect(pane.format("#{mouse_any_flag}") == "0")
                pane.resize(width: 90, height: 26)

                try await pane.waitFor("added by the editor", seconds: 15)
                try await pane.waitFor("The draft is what editor.sh saved")
                #expect(pane.file("during") == pane.file("before"))
                let screen = pane.screen
                #expect(!screen.contains("LEFTOVER"), "leftovers of the editor:\n\(screen)")
                #expect(screen.contains("first line of the draft"))
                #expect(pane.format("#{alternate_on} #{mouse_any_flag}") == "1 1")
                // Laid out for the size it has now.
                let border = try #require(pane.rows.first { $0.contains("Alt+Enter newline") })
                #expect(border.hasSuffix("F1 help ─"), "\(border)")
                let tmp = pane.directory.appendingPathComponent(".local/state/palaver/tmp").path
                #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)

                // One undo step takes the editor's text back out.
                pane.press("C-z")
                try await pane.waitUntil("Ctrl+Z did not undo the editor's text") {
                    !$0.contains("added by the editor") && $0.contains("first line of the draft")
                }
                try await quit(pane)

                // Again with an editor that fails (Alt+E this time): the draft stays, a notice says why.
                pane.type("clear; export EDITOR=\(failing)")
                pane.press("Enter")
                try await launch(pane)
                try await pane.waitFor("first line of the draft")
                pane.press("M-e")
                try await pane.waitFor("fail.sh exited with status 1. The draft is unchanged.")
                #expect(pane.screen.contains("first line of the draft"))
                #expect(!pane.screen.contains("junk"))
                try await quit(pane)
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func aSIGTERMWhileTheEditorRunsQuitsAfterItWithTheDraftSaved() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(text: "ok")) { fake in
                let pane = try pane(fake)
                try await pane.waitFor("$")
                // The "editor" sends palaver (its shell's parent) a SIGTERM, then saves a line.
                pane.type("export EDITOR='kill -TERM $PPID; sleep 1; printf \"from the editor\\n\" >>'")
                pane.press("Enter")
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                pane.type("the draft before")
                pane.press("C-x", "C-e")
                try await pane.waitFor("exit=143", seconds: 15)
                try await pane.expectTerminalRestored()
                pane.type("clear")
                pane.press("Enter")
                try await launch(pane, "")
                try await pane.waitFor("from the editor")
                #expect(pane.screen.contains("the draft before"))
                try await quit(pane)
            }
        }
    }
#endif
