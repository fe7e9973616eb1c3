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
        try TmuxPane(width: width, height: height, environment: ["ANTHROPIC_API_KEY": FakeServerHarness.defaultKey,
                                                                 "ANTHROPIC_BASE_URL": fake.baseURL])
    }

    /// Starts palaver in the pane, recording the terminal settings before and after.
    func launch(_ pane: TmuxPane, _ arguments: String = "") async throws {
        let dir = pane.directory.path
        try await pane.waitFor("$")
        pane.type("stty -g > \(dir)/before; \(Self.palaver) \(arguments); echo exit=$?; stty -g > \(dir)/after")
        pane.press("Enter")
    }

    /// Quits with Ctrl+Q and checks the shell got a sane terminal back.
    func quit(_ pane: TmuxPane) async throws {
        pane.press("C-q")
        try await pane.waitFor("exit=0")
        #expect(pane.format("#{alternate_on} #{mouse_any_flag} #{cursor_flag}") == "0 0 1")
        try await pane.waitForPrompt()
        #expect(pane.file("before") == pane.file("after"))
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
            fake.state.setReply(ReplyConfig(text: (1...80).map { "line \($0) of a long reply" }.joined(separator: "\n"), chunkChars: 6, delayMs: 10))
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
            try await pane.waitUntil("help did not close") { !$0.contains("this help") }
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
        try await FakeServerHarness.with(reply: ReplyConfig(text: String(repeating: "slowly ", count: 300), chunkChars: 4, delayMs: 30)) { fake in
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
}
#endif
