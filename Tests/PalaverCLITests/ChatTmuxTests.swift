#if os(Linux)
    import FakeAnthropic
    import Foundation
    import TestSupport
    import Testing

    /// The real `palaver` full-screen chat in a real terminal (tmux) against fake-anthropic: the
    /// flows a user walks through.
    @Suite(.serialized) struct ChatTmuxTests {
        static let palaver = PalaverProcess.binDirectory.appendingPathComponent("palaver").path
        static var available: Bool { Tmux.path != nil && FileManager.default.isExecutableFile(atPath: palaver) }

        /// A pane whose shell has the key and the fake's address.
        func pane(_ fake: FakeServerHarness, width: Int = 100, height: Int = 30) throws -> TmuxPane {
            try TmuxPane(
                width: width, height: height,
                environment: [
                    "ANTHROPIC_API_KEY": FakeServerHarness.defaultKey,
                    "ANTHROPIC_BASE_URL": fake.baseURL,
                ])
        }

        /// Starts palaver in the pane, recording the terminal settings before and after.
        func launch(_ pane: TmuxPane, _ arguments: String = "") async throws {
            try await pane.runRecordingTerminal("\(Self.palaver) \(arguments)")
        }

        /// Files under the pane's HOME (but the credentials file) that contain `secret`: the log,
        /// the database and its WAL, drafts, state.
        func filesLeaking(_ secret: String, in pane: TmuxPane) throws -> [String] {
            try PalaverProcess.filesHolding(secret, under: pane.directory.path).holding
        }

        /// Quits with Ctrl+Q and checks the shell got a sane terminal back.
        func quit(_ pane: TmuxPane) async throws {
            pane.press("C-q")
            try await pane.waitFor("exit=0")
            try await pane.expectTerminalRestored()
            pane.type("echo still-sane")
            pane.press("Enter")
            try await pane.waitFor("still-sane\n$")
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func chatStreamScrollResizeAndQuit() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(chunkChars: 3, delayMs: 15)) { fake in
                let pane = try pane(fake)
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                try await pane.waitFor("● valid")
                #expect(pane.screen.contains("sk-ant-…"))
                #expect(!pane.screen.contains(FakeServerHarness.defaultKey))

                // A message with CJK and emoji; the reply echoes it back, streamed.
                pane.type("Hello 中文 and emoji 😀 here")
                pane.press("Enter")
                try await pane.waitFor("You said: Hello 中文 and emoji 😀 here", seconds: 20)
                let row = try #require(pane.rows.first { $0.contains("You said:") })
                #expect(row.contains("中文 and emoji 😀 here")) // wide characters did not shift what follows

                // A long reply to scroll and to resize during.
                fake.state.setReply(
                    ReplyConfig(
                        text: (1...80).map { "line \($0) of a long reply" }.joined(separator: "\n"), chunkChars: 6,
                        delayMs: 10))
                pane.type("Give me many lines")
                pane.press("Enter")
                try await pane.waitFor("line 10 of a long reply", seconds: 20)
                pane.resize(width: 70, height: 20)
                try await pane.waitFor("line 40 of a long reply", seconds: 20)
                pane.resize(width: 120, height: 35)
                try await pane.waitFor("line 80 of a long reply", seconds: 20)
                try await pane.waitUntil("the reply did not finish") { !$0.contains("streaming") }
                #expect(pane.rows.count == 35)
                for r in pane.rows { #expect(r.count <= 120) }

                pane.press("PPage")
                try await pane.waitFor("more below")
                pane.press("C-End")
                try await pane.waitUntil("End did not return to the newest") { !$0.contains("more below") }

                pane.press("F1")
                try await pane.waitFor("Keys")
                try await pane.waitFor("new conversation")
                pane.press("Escape")
                try await pane.waitUntil("help did not close") {
                    !$0.contains("Esc closes") && !$0.contains("Esc or F1 closes")
                }
                try await quit(pane)
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func theConversationIsThereAfterARestartWithItsDraft() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(text: "Remember the word: pineapple.")) { fake in
                let pane = try pane(fake)
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                pane.type("What is the word?")
                pane.press("Enter")
                try await pane.waitFor("pineapple")
                pane.type("an unsent thought")
                try await quit(pane)
                pane.tmux("send-keys", "-t", "pane", "clear", "Enter")
                try await launch(pane)
                try await pane.waitFor("pineapple")
                try await pane.waitFor("an unsent thought")
                #expect(pane.screen.contains("What is the word?"))
                try await quit(pane)
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func escStopsAReplyAndItStaysMarked() async throws {
            try await FakeServerHarness.with(
                reply: ReplyConfig(text: String(repeating: "slowly ", count: 300), chunkChars: 4, delayMs: 30)
            ) { fake in
                let pane = try pane(fake)
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                pane.type("Talk slowly")
                pane.press("Enter")
                try await pane.waitFor("slowly slowly")
                pane.press("Escape")
                try await pane.waitFor("interrupted: stopped by you")
                try await quit(pane)
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func demoModeNeedsNoKey() async throws {
            let pane = try TmuxPane(width: 100, height: 30)
            try await launch(pane, "--demo")
            try await pane.waitFor("DEMO", seconds: 20)
            try await pane.waitFor("Demo mode")
            pane.type("Hi demo")
            pane.press("Enter")
            try await pane.waitFor("You said: Hi demo", seconds: 20)
            try await quit(pane)
        }

        // MARK: Key recovery (issue 6)

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func firstRunDialogDiagnosesThenSavesAWorkingKey() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(text: "Welcome aboard")) { fake in
                let pane = try TmuxPane(width: 100, height: 30, environment: ["ANTHROPIC_BASE_URL": fake.baseURL])
                try await launch(pane)
                try await pane.waitFor("An API key is needed")
                pane.type("sk-ant-api03-abc def")
                try await pane.waitFor("inside it (character 17)") // a space in the key, diagnosed as it is typed
                pane.press("Enter")
                try await pane.waitFor("✗")
                pane.press("C-u")
                pane.type(FakeServerHarness.defaultKey)
                pane.press("Enter")
                try await pane.waitFor("The API accepted the key")
                #expect(!pane.screen.contains(FakeServerHarness.defaultKey))
                pane.press("s")
                try await pane.waitFor("● valid")
                pane.type("Hello after setup")
                pane.press("Enter")
                try await pane.waitFor("Welcome aboard")
                let file = pane.directory.appendingPathComponent(".config/palaver/credentials.toml").path
                let attributes = try FileManager.default.attributesOfItem(atPath: file)
                #expect((attributes[.posixPermissions] as? Int) == 0o600)
                #expect(try String(contentsOfFile: file, encoding: .utf8).contains(FakeServerHarness.defaultKey))
                try await quit(pane)
                #expect(try filesLeaking(FakeServerHarness.defaultKey, in: pane) == [])
                #expect(!pane.screen.contains(FakeServerHarness.defaultKey))
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func aKeyRevokedMidSessionIsReplacedAndTheSameMessageAnsweredInPlace() async throws {
            let newKey = FakeServerHarness.randomKey()
            try await FakeServerHarness.with(reply: ReplyConfig(text: "Answered in place")) { fake in
                let pane = try pane(fake)
                try await launch(pane)
                try await pane.waitFor("● valid")
                pane.type("First question")
                pane.press("Enter")
                try await pane.waitFor("Answered in place")
                fake.state.revokeKey(FakeServerHarness.defaultKey)
                fake.state.addKey(newKey)
                pane.type("Second question, keep me")
                pane.press("Enter")
                // No dialog opens by itself: the message waits and Enter (empty composer) asks for the key.
                try await pane.waitFor("waiting for a valid key: F10 enters one")
                #expect(!pane.screen.contains("Your API key was rejected"))
                pane.press("Enter")
                try await pane.waitFor("Your API key was rejected")
                try await pane.waitFor("ANTHROPIC_API_KEY still holds it")
                #expect(pane.screen.contains("Second question, keep me"))
                pane.type(newKey)
                pane.press("Enter")
                try await pane.waitFor("The API accepted the key")
                pane.press("o")
                try await pane.waitUntil("the message was not answered in place") { screen in
                    screen.components(separatedBy: "Answered in place").count == 3
                        && !screen.contains("waiting for a valid key")
                }
                let rows = pane.rows
                let question = try #require(rows.lastIndex { $0.contains("Second question, keep me") })
                let answer = try #require(rows.lastIndex { $0.contains("Answered in place") })
                #expect(answer > question)
                #expect(rows.filter { $0.contains("Second question, keep me") }.count == 1) // not sent twice
                try await pane.waitFor("● valid")
                #expect(!pane.screen.contains(newKey))
                try await quit(pane)
                #expect(try filesLeaking(newKey, in: pane) == [])
                #expect(try filesLeaking(FakeServerHarness.defaultKey, in: pane) == [])
            }
        }

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func aKeyRevokedWhileIdleShowsRejectedAfterTheMonitorRunsAndF10AsksForANewOne() async throws {
            try await FakeServerHarness.with { fake in
                let pane = try pane(fake)
                let config = pane.directory.appendingPathComponent(".config/palaver")
                try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
                try "key_check_interval = 1\n".write(
                    to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
                try await launch(pane)
                try await pane.waitFor("● valid")
                fake.state.revokeKey(FakeServerHarness.defaultKey)
                try await pane.waitFor("● rejected", seconds: 15)
                try await pane.waitFor("F10: new key")
                #expect(!pane.screen.contains("Your API key was rejected")) // the monitor never opens it
                pane.press("F10")
                try await pane.waitFor("Your API key was rejected")
                pane.press("Escape")
                try await pane.waitUntil("the dialog did not close") { !$0.contains("Your API key was rejected") }
                try await quit(pane)
            }
        }

        // MARK: Copy (issue 7)

        @Test(.enabled(if: ChatTmuxTests.available), .timeLimit(.minutes(2)))
        func ctrlYPutsTheReplyOnTheClipboardThroughOSC52() async throws {
            try await FakeServerHarness.with(reply: ReplyConfig(text: "Copy me: 中文 and `code`")) { fake in
                let pane = try pane(fake)
                pane.tmux("set-option", "-g", "set-clipboard", "on") // tmux takes OSC 52 into its paste buffer
                try await launch(pane)
                try await pane.waitFor("Type a message below")
                pane.type("Say something to copy")
                pane.press("Enter")
                try await pane.waitFor("Copy me:")
                pane.press("C-y")
                try await pane.waitFor("Copied the last reply")
                #expect(pane.tmux("show-buffer") == "Copy me: 中文 and `code`")
                try await quit(pane)
            }
        }
    }
#endif
