#if os(Linux)
    import FakeAnthropic
    import Foundation
    import TestSupport
    import Testing

    /// The real full-screen chat in tmux when something else ends it: a termination signal right
    /// after typing (the draft must survive), a crash (the terminal must come back, at once), and
    /// a key rejected by a background check while the user types (no dialog may take the keys).
    @Suite(.serialized) struct ChatSignalTmuxTests {
        static var available: Bool { ChatTmuxTests.available }

        func pane(_ fake: FakeServerHarness) throws -> TmuxPane {
            try TmuxPane(
                width: 100, height: 30,
                environment: [
                    "ANTHROPIC_API_KEY": FakeServerHarness.defaultKey,
                    "ANTHROPIC_BASE_URL": fake.baseURL,
                ])
        }

        /// The palaver process the pane's shell is running (its only child while it runs).
        func palaverPID(_ pane: TmuxPane) throws -> pid_t {
            let shell = pane.format("#{pane_pid}")
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
            let pids = children.split(separator: " ").compactMap { pid_t($0) }
            return try #require(pids.count == 1 ? pids.first : nil, "children of the shell: \(children)")
        }

        /// Quits with Ctrl+Q and checks the terminal is back.
        func quit(_ pane: TmuxPane) async throws {
            pane.press("C-q")
            try await pane.waitFor("exit=0")
            try await pane.expectTerminalRestored()
        }

        struct Case: Sendable, CustomTestStringConvertible {
            var signal: Int32
            var name: String
            /// In a stored conversation (the draft goes to the database) or a new one (a file).
            var inConversation: Bool
            var testDescription: String { "\(name) \(inConversation ? "in a conversation" : "in a new one")" }
        }

        @Test(
            .enabled(if: ChatSignalTmuxTests.available), .timeLimit(.minutes(2)),
            arguments: [
                Case(signal: SIGHUP, name: "SIGHUP", inConversation: false),
                Case(signal: SIGTERM, name: "SIGTERM", inConversation: true),
                Case(signal: SIGQUIT, name: "SIGQUIT", inConversation: false),
                Case(signal: SIGINT, name: "SIGINT", inConversation: true),
            ])
        func aDraftTypedJustBeforeASignalIsThereAfterARestart(_ c: Case) async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(text: "Remember the word: pineapple.")) { fake in
                let pane = try pane(fake)
                try await pane.runRecordingTerminal("\(ChatTmuxTests.palaver) --new")
                try await pane.waitFor("Type a message below")
                if c.inConversation {
                    pane.type("What is the word?")
                    pane.press("Enter")
                    try await pane.waitFor("pineapple")
                }
                let pid = try palaverPID(pane)
                let draft = "typed a moment before \(c.name)"
                pane.type(draft)
                kill(pid, c.signal) // at once: the loop may not have read these keys yet
                if c.signal == SIGINT {
                    // palaver ends by SIGINT as asked; bash then abandons the rest of the command line
                    // (no exit= echo, no second stty record), as it does after Ctrl+C.
                    try await pane.waitForPrompt()
                    pane.type("echo status=$?")
                    pane.press("Enter")
                    try await pane.waitFor("status=130")
                    #expect(pane.format("#{alternate_on} #{mouse_any_flag} #{cursor_flag}") == "0 0 1")
                } else {
                    try await pane.waitFor("exit=\(128 + c.signal)")
                    try await pane.expectTerminalRestored()
                }
                #expect(!pane.screen.contains("Program crashed"))

                pane.tmux("send-keys", "-t", "pane", "clear", "Enter")
                try await pane.runRecordingTerminal(ChatTmuxTests.palaver + (c.inConversation ? "" : " --new"))
                try await pane.waitFor(draft)
                if c.inConversation { #expect(pane.screen.contains("pineapple")) }
                try await quit(pane)
            }
        }

        @Test(.enabled(if: ChatSignalTmuxTests.available), .timeLimit(.minutes(2)))
        func closingTheTerminalKeepsTheDraftTypedJustBefore() async throws {
            try await FakeServerHarness.with { fake in
                let pane = try pane(fake)
                try await pane.runRecordingTerminal("\(ChatTmuxTests.palaver) --new")
                try await pane.waitFor("Type a message below")
                let pid = try palaverPID(pane)
                pane.type("typed as the window closed")
                pane.tmux("kill-server") // the terminal goes away: SIGHUP, and its input and output with it
                let draft = pane.directory.appendingPathComponent(".local/state/palaver/new-conversation-draft.txt")
                    .path
                let deadline = Date().addingTimeInterval(10)
                while kill(pid, 0) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(kill(pid, 0) != 0, "palaver is still running")
                #expect((try? String(contentsOfFile: draft, encoding: .utf8)) == "typed as the window closed")
            }
        }

        /// SIGQUIT is not a crash: every command ends on it (the Swift runtime's handler used to
        /// print "Program crashed" and let the process go on).
        @Test(.enabled(if: ChatSignalTmuxTests.available), .timeLimit(.minutes(2)))
        func sigquitEndsAskWithoutACrashReport() async throws {
            try await FakeServerHarness.with { fake in
                fake.server.state.enqueueFault(.stall(seconds: 30, afterEvents: 1))
                let pane = try pane(fake)
                try await pane.runRecordingTerminal(
                    "\(ChatTmuxTests.palaver) ask --max-retries 0 --model claude-sonnet-4-5-20250929 hi")
                try await pane.waitFor("Hello")
                kill(try palaverPID(pane), SIGQUIT)
                try await pane.waitFor("exit=131")
                #expect(!pane.screen.contains("Program crashed"))
            }
        }

        @Test(.enabled(if: ChatSignalTmuxTests.available), .timeLimit(.minutes(2)), arguments: ["overflow", "trap"])
        func aCrashGivesTheTerminalBackAndEndsWithoutWaitingForAKey(_ kind: String) async throws {
            let pane = try TmuxPane(width: 100, height: 30)
            // No SWIFT_BACKTRACE in the environment: palaver sets it so the backtracer prints and exits
            // (interactive, it would wait 30 s for a key in front of a frozen screen).
            try await pane.runRecordingTerminal("PALAVER_TEST_CRASH=\(kind) \(ChatTmuxTests.palaver) --demo")
            try await pane.waitUntil("palaver did not end by itself", seconds: 25) { $0.contains("exit=1") }
            let screen = pane.screen
            #expect(!screen.contains("Press space to interact"))
            let status = screen.components(separatedBy: "exit=").last.map { String($0.prefix(3)) }
            #expect(status == "139" || status == "132" || status == "133", "\(status ?? "none")")
            try await pane.expectTerminalRestored()
        }

        @Test(.enabled(if: ChatSignalTmuxTests.available), .timeLimit(.minutes(2)))
        func aKeyRejectedByTheBackgroundCheckWhileTypingNeverTakesTheKeys() async throws {
            let newKey = FakeServerHarness.randomKey()
            try await FakeServerHarness.with(reply: ReplyConfig(text: "Answered with the new key")) { fake in
                let pane = try pane(fake)
                let config = pane.directory.appendingPathComponent(".config/palaver")
                try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
                try "key_check_interval = 1\n".write(
                    to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
                try await pane.runRecordingTerminal(ChatTmuxTests.palaver)
                try await pane.waitFor("● valid")
                pane.type("The first half of my sentence")
                fake.state.revokeKey(FakeServerHarness.defaultKey)
                try await pane.waitFor("● rejected", seconds: 15)
                try await pane.waitFor("F10: new key")
                pane.type(", and the second half.")
                try await pane.waitFor("The first half of my sentence, and the second half.")
                // More checks run (every second) while the user goes on; none opens the dialog.
                try await Task.sleep(for: .seconds(2.5))
                #expect(!pane.screen.contains("Your API key was rejected"))
                #expect(pane.screen.contains("The first half of my sentence, and the second half."))

                // The user's Enter opens it; the sentence is sent once the new key works.
                fake.state.addKey(newKey)
                pane.press("Enter")
                try await pane.waitFor("Your API key was rejected")
                pane.type(newKey)
                pane.press("Enter")
                try await pane.waitFor("The API accepted the key")
                pane.press("o")
                try await pane.waitFor("Answered with the new key", seconds: 15)
                let rows = pane.rows
                #expect(rows.filter { $0.contains("The first half of my sentence, and the second half.") }.count == 1)
                try await pane.waitFor("● valid")
                #expect(!pane.screen.contains(newKey))
                try await quit(pane)
                #expect(try PalaverProcess.filesHolding(newKey, under: pane.directory.path).holding == [])
            }
        }
    }
#endif
