import AnthropicAPI
import ChatCore
import Credentials
import Foundation
import SessionStore
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

/// Whole screens drawn into a MemoryBackend, compared with the files in `__Snapshots__`.
@Suite struct ScreenSnapshotTests {
    /// A short conversation, streamed through the update function.
    func conversationApp(
        width: Int = 100, height: Int = 30, deltas: [String] = ["Hello! ", "How can I help ", "you today?"],
        prompt: String = "Hi Claude", finish: Bool = true
    ) throws -> ChatApp {
        var app = makeApp(width: width, height: height)
        _ = app.apply(
            .conversationsLoaded(
                [
                    conversation(1, "Hi Claude"), conversation(2, "Rust lifetimes question"),
                    conversation(3, "Plan for the week"),
                ], total: 3))
        app.type(prompt)
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.conversationCreated(conversation(1, "Hi Claude")))
        if finish {
            app.stream(turn: request.turn, deltas)
        } else {
            _ = app.apply(.turn(request.turn, .started(requestID: "req_1")))
            for d in deltas { _ = app.apply(.turn(request.turn, .text(d))) }
        }
        return app
    }

    @Test func emptyState() {
        var app = makeApp()
        assertSnapshot(app.screen().textWithCursor, named: "empty-100x30")
    }

    @Test func emptyStateWithoutAKey() {
        var app = makeApp(chat: makeChat(key: KeyStatus(health: .missing, masked: nil, source: nil)))
        assertSnapshot(app.screen().text, named: "empty-no-key")
    }

    @Test func aStreamedConversation() throws {
        var app = try conversationApp(width: 120)
        assertSnapshot(app.screen().textWithCursor, named: "conversation-120x30")
    }

    @Test func aReplyWhileItStreams() throws {
        var app = try conversationApp(deltas: ["Streaming ", "words arrive"], finish: false)
        _ = app.apply(.tick(t0.addingTimeInterval(2)))
        assertSnapshot(app.screen().text, named: "streaming")
    }

    @Test func wideCharactersWrapByDisplayWidth() throws {
        var app = try conversationApp(
            width: 50, height: 16,
            deltas: [
                "日本語のテキストは二列を使います。", "絵文字も🎉👍🏽同じです。",
                " Combining: e\u{301}e\u{301}e\u{301} café.",
            ],
            prompt: "中文和emoji 😀 测试")
        let screen = app.screen()
        assertSnapshot(screen.text, named: "wide-50x16")
        for line in screen.lines() { #expect(line.displayWidth <= 50) }
    }

    @Test func narrowLayoutHidesTheSidebar() throws {
        var app = try conversationApp(width: 40, height: 12)
        assertSnapshot(app.screen().textWithCursor, named: "narrow-40x12")
    }

    @Test func tooSmallShowsANotice() {
        var app = makeApp(width: 30, height: 8)
        assertSnapshot(app.screen().text, named: "too-small-30x8")
    }

    @Test func failedAndInterruptedTurnsAreMarked() throws {
        var app = makeApp(width: 80, height: 24)
        app.type("first")
        let first = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.turn(first.turn, .started(requestID: nil)))
        _ = app.apply(.turn(first.turn, .text("half an ans")))
        _ = app.apply(.turn(first.turn, .failed(APIError(kind: .cancelled, message: "stopped"))))
        app.type("second")
        let second = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(
            .turn(
                second.turn,
                .failed(
                    APIError(
                        kind: .apiError, httpStatus: 500, errorType: "api_error",
                        message: "Internal server error", requestID: "req_500"))))
        assertSnapshot(app.screen().text, named: "failed-and-interrupted")
    }

    @Test func retryCountdownInTheStatusBar() throws {
        var app = makeApp(width: 100, height: 12)
        app.type("hi")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(
            .turn(
                request.turn,
                .retrying(
                    RetryNotice(
                        attempt: 2, maxAttempts: 3, delay: .seconds(8),
                        reason: APIError(kind: .overloaded, httpStatus: 529, message: "Overloaded")))))
        _ = app.apply(.tick(t0.addingTimeInterval(3)))
        let status = app.screen().lines().last ?? ""
        #expect(status.contains("retry 2/3 in 5s"), "\(status)")
    }

    @Test func everyKeyHealthStateInTheStatusBar() {
        let states: [KeyHealth] = [
            .missing, .malformed("quotes"), .unverified, .checking, .valid(verifiedAt: t0.addingTimeInterval(-300)),
            .rejected(message: "invalid x-api-key", requestID: "req_1"), .forbidden(message: "no access"),
            .noCredit(message: "credit balance too low"), .rateLimited(until: t0.addingTimeInterval(42)),
            .offline("no route"),
        ]
        let theme = Theme(
            styles: Dictionary(
                uniqueKeysWithValues: states.map {
                    (StatusBar.styleKey(for: $0), Style(foreground: .ansi(ANSIColor.allCases[$0.word.count % 8])))
                }))
        var rows: [String] = []
        for health in states {
            let masked: String? = health == .missing ? nil : "sk-ant-…wxyz"
            var app = makeApp(
                width: 80, height: 12,
                chat: makeChat(
                    key: KeyStatus(health: health, masked: masked, source: masked == nil ? nil : .credentialsFile("/x"))
                ),
                theme: theme)
            let screen = app.screen()
            rows.append(screen.lines().last ?? "")
            let styled = screen.styledText().split(separator: "\n").last.map(String.init) ?? ""
            #expect(styled.contains("● \(StatusBar.healthText(health, now: t0))"), "\(styled)")
            #expect(styled.contains("{fg="), "the health word is coloured by the theme: \(styled)")
        }
        assertSnapshot(rows.joined(separator: "\n"), named: "key-health-80")
    }

    @Test func statusBarKeepsKeyHealthOnNarrowScreens() throws {
        var app = try conversationApp(width: 40, height: 12)
        _ = app.apply(.modelsLoaded([]))
        let status = app.screen().lines().last ?? ""
        #expect(status.contains("● valid"))
        #expect(status.contains("sk-ant-…wxyz"))
    }

    @Test func demoModeSaysSoPlainly() {
        var app = makeApp(chat: makeChat(demo: true))
        let screen = app.screen().text
        #expect(screen.split(separator: "\n").last?.contains("DEMO") == true)
        #expect(screen.contains("Demo mode"))
    }

    @Test func helpScreenListsEveryBinding() {
        var app = makeApp()
        app.press(KeyEvent(.function(1)))
        assertSnapshot(app.screen().text, named: "help-100x30")
    }

    @Test func dialogs() throws {
        var app = try conversationApp(width: 80, height: 20)
        app.press(KeyEvent(.function(2)))
        assertSnapshot(app.screen().textWithCursor, named: "dialog-rename")
        app.press(KeyEvent(.escape))
        app.press(KeyEvent(.function(8)))
        assertSnapshot(app.screen().text, named: "dialog-delete")
    }

    @Test func resizingMidStreamLeavesNothingBehind() throws {
        var app = try conversationApp(deltas: [String(repeating: "word ", count: 200)], finish: false)
        let backend = MemoryBackend(width: 100, height: 30)
        let terminal = Terminal(backend: backend)
        terminal.draw { app.render(into: &$0) }
        for (w, h) in [(50, 20), (130, 40), (40, 12), (30, 8), (90, 25)] {
            backend.resize(width: w, height: h)
            _ = app.handle(.resize(Size(width: w, height: h)))
            terminal.draw { app.render(into: &$0) }
            _ = app.apply(.turn(app.chat.turn!.id, .text("more ")))
            terminal.draw { app.render(into: &$0) }
            // What is on the (diffed) screen equals a fresh drawing at this size.
            var fresh = app
            #expect(backend.text == fresh.screen().text, "leftovers after resizing to \(w)×\(h)")
        }
    }

    @Test func controlSequencesFromTheNetworkNeverReachTheScreen() throws {
        var app = try conversationApp(deltas: ["safe \u{1B}[2J\u{1B}]52;c;aGk=\u{07} text\u{9B}31m"])
        let text = app.screen().text
        #expect(!text.contains("\u{1B}") && !text.contains("\u{07}") && !text.contains("\u{9B}"))
        #expect(text.contains("safe"))
    }
}

/// The same conversation in every shipped theme, with styles.
@Suite struct ThemeScreenTests {
    static let catalog = ThemeCatalog(
        directories: ThemeCatalog.shippedDirectories(executablePath: "/nonexistent/palaver"))

    @Test(arguments: ["default", "light", "high-contrast", "monochrome"])
    func conversationInTheme(_ name: String) throws {
        let loaded = Self.catalog.load(name: name)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.name == name)
        var app = makeApp(width: 100, height: 14, theme: loaded.theme)
        _ = app.apply(.conversationsLoaded([conversation(1, "Hi Claude")], total: 1))
        app.type("Hi Claude")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.conversationCreated(conversation(1, "Hi Claude")))
        app.stream(turn: request.turn, ["Hello! ", "How can I help?"])
        let styled = app.screen().styledText()
        assertSnapshot(styled, named: "theme-\(name)")
        if name == "monochrome" {
            let colours = styled.replacingOccurrences(of: "fg=default", with: "").replacingOccurrences(
                of: "bg=default", with: "")
            #expect(!colours.contains("fg=") && !colours.contains("bg="))
        }
    }

    @Test func f6SwitchesTheThemeAndABrokenOneFallsBackWithTheReason() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-themes")
        try "name = \"broken\"\n[styles]\ndefault = { fg = \"nocolour\" }\n".write(
            toFile: dir.path("broken.toml"), atomically: true, encoding: .utf8)
        var app = makeApp()
        app.themes = ThemeCatalog(directories: [dir.path] + Self.catalog.directories)
        app.press(KeyEvent(.function(6)))
        guard let names = app.top(ThemePickerLayer.self)?.names else {
            Issue.record("no picker")
            return
        }
        #expect(names.contains("light") && names.contains("broken"))
        let light = try #require(names.firstIndex(of: "light"))
        let start = try #require(names.firstIndex(of: "default"))
        for _ in 0..<abs(light - start) { app.press(KeyEvent(light > start ? .down : .up)) }
        app.press(KeyEvent(.enter))
        #expect(app.themeName == "light")
        #expect(app.theme.name == "light")
        UIEffectRunner().run([.loadTheme("broken")], on: &app)
        #expect(app.themeName == "default")
        #expect(app.chat.notice?.text.contains("broken.toml") == true)
        #expect(app.chat.notice?.text.contains("broken.toml:3:") == true, "\(app.chat.notice?.text ?? "no notice")")
    }
}

/// Replies are Markdown: the same screen while streaming (incrementally) as once complete.
@Suite struct MarkdownTranscriptTests {
    static let reply = """
        # Plan

        Use **bold** and `code`:

        ```swift
        let x = 42 // answer
        ```

        - one
        - two 中文
        """

    @Test func aStreamedReplyLooksTheSameAsTheFinishedOne() throws {
        var app = makeApp(width: 80, height: 24)
        app.type("show me")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.turn(request.turn, .started(requestID: nil)))
        for c in Self.reply {
            _ = app.apply(.turn(request.turn, .text(String(c))))
            _ = app.screen()
        }
        let streaming = app.screen().text.replacingOccurrences(of: "▍", with: "")
        _ = app.apply(
            .turn(
                request.turn, .completed(Message(model: "claude-test-1", content: [.text(Self.reply)], usage: Usage())))
        )
        let done = app.screen()
        assertSnapshot(done.text, named: "markdown-reply")
        #expect(!done.text.contains("**") && !done.text.contains("```"))
        #expect(done.text.contains("swift"))
        let body = { (text: String) in
            text.split(separator: "\n").filter {
                !$0.contains("Claude ·") && !$0.contains("●") && !$0.contains("F1 help")
            }.joined(separator: "\n")
        }
        #expect(body(streaming) == body(done.text))
    }
}
