import AnthropicAPI
import ChatCore
import Foundation
import SessionStore
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

/// Issue 14 on the chat screen: the queued message, the sidebar's filter and rows, F5 opening
/// the chosen hit, the theme picker's preview and keeping the theme.
@Suite struct ChatShapingTests {
    // MARK: Queue

    func streamingApp() throws -> (ChatApp, Int) {
        var app = makeApp(width: 100, height: 24)
        app.type("one")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.turn(request.turn, .started(requestID: "req_1")))
        _ = app.apply(.turn(request.turn, .text("Hel")))
        return (app, request.turn)
    }

    @Test func enterWhileStreamingQueuesShowsItAndTheHintSaysSo() throws {
        var (app, turn) = try streamingApp()
        #expect(app.screen().text.contains("Esc stops · Enter queues"))
        app.type("two")
        #expect(app.press(KeyEvent(.enter)).isEmpty)
        #expect(app.ui.composer.text.isEmpty)
        let screen = app.screen().text
        #expect(screen.contains("… queued: sent when the reply ends · Esc takes it back"))
        #expect(screen.contains("Esc takes back the queued message · Enter queues"))
        let queued = try #require(app.chat.queuedTurn)
        // Sent once, when the reply completes.
        let message = Message(model: "claude-test-1", content: [.text("Hello")], stopReason: "end_turn")
        let effects = app.apply(.turn(turn, .completed(message)))
        #expect(effects.compactMap { if case .send(let r) = $0 { r.prompt } else { nil } } == ["two"])
        #expect(sentRequest(effects)?.turn == queued)
        #expect(!app.screen().text.contains("queued:"))
    }

    @Test func escTakesTheQueuedMessageBackThenStopsTheReply() throws {
        var (app, _) = try streamingApp()
        app.type("two")
        app.press(KeyEvent(.enter))
        #expect(app.press(KeyEvent(.escape)).isEmpty) // takes it back; the reply goes on
        #expect(app.ui.composer.text == "two")
        #expect(app.chat.queuedTurn == nil && app.chat.isStreaming)
        #expect(app.takeDraftSave() == .saveDraft(DraftSave(conversation: nil, text: "two")))
        guard case .cancelTurn? = app.press(KeyEvent(.escape)).first else {
            Issue.record("the second Esc did not stop the reply")
            return
        }
    }

    @Test func quittingWithAMessageQueuedKeepsItInTheSavedDraft() throws {
        var (app, _) = try streamingApp()
        app.type("two")
        app.press(KeyEvent(.enter))
        app.type("draft")
        _ = app.takeDraftSave()
        let tookBack = app.takeBackQueued() // what the loop does on the way out
        #expect(tookBack)
        #expect(app.takeDraftSave() == .saveDraft(DraftSave(conversation: nil, text: "two\n\ndraft")))
        let again = app.takeBackQueued()
        #expect(!again)
    }

    // MARK: Sidebar

    func sidebarApp(width: Int = 120) -> ChatApp {
        var app = makeApp(width: width, height: 14)
        let day: TimeInterval = 86_400
        var list = [
            conversation(1, "Rust lifetimes question", model: "claude-sonnet-4-5-20250929"),
            conversation(2, "Plan for the week", model: "claude-opus-4-1"),
            conversation(3, "Rust macros", model: "claude-haiku-4-5"),
            conversation(4, "Dinner ideas"),
        ]
        list[1].updatedAt = t0.addingTimeInterval(-3 * day) // 2026-09-18
        list[2].updatedAt = t0.addingTimeInterval(-300 * day) // 2025-11-25
        list[3].updatedAt = t0.addingTimeInterval(-day)
        _ = app.apply(.conversationsLoaded(list, total: 4))
        app.press(KeyEvent(.tab))
        return app
    }

    @Test func rowsShowTheDateAndModelWhenThereIsRoom() {
        var app = sidebarApp(width: 140) // the widest sidebar: the model beside a short title
        assertSnapshot(app.screen().text, named: "sidebar-rows-140")
        var narrow = sidebarApp(width: 90)
        assertSnapshot(narrow.screen().text, named: "sidebar-rows-90")
    }

    @Test func dateAndModelWords() {
        let utc = TimeZone(identifier: "UTC")!
        #expect(SidebarView.dateText(t0.addingTimeInterval(-60), now: t0, timeZone: utc) == "14:12")
        #expect(SidebarView.dateText(t0.addingTimeInterval(-86_400), now: t0, timeZone: utc) == "Sep 20")
        #expect(SidebarView.dateText(t0.addingTimeInterval(-400 * 86_400), now: t0, timeZone: utc) == "2025-08-17")
        #expect(SidebarView.shortModel("claude-sonnet-4-5-20250929") == "sonnet-4-5")
        #expect(SidebarView.shortModel("claude-3-7-sonnet-latest") == "3-7-sonnet")
        #expect(SidebarView.shortModel("my-model") == "my-model")
    }

    @Test func typingInTheSidebarFiltersAndNeverRunsACommand() throws {
        var app = sidebarApp()
        // n and d used to make and delete conversations silently: now they type.
        #expect(app.press(.char("d")).isEmpty)
        #expect(app.top(SidebarFilterLayer.self)?.text == "d")
        #expect(app.sidebarConversations.map(\.title) == ["Dinner ideas"])
        #expect(app.press(.char("i")).isEmpty)
        #expect(app.press(.char("n")).isEmpty)
        #expect(app.sidebarConversations.map(\.title) == ["Dinner ideas"])
        #expect(app.chat.conversations.count == 4)
        assertSnapshot(app.screen().text, named: "sidebar-filter")
        // Backspace edits, Esc clears.
        app.press(KeyEvent(.backspace))
        app.press(KeyEvent(.backspace))
        #expect(app.sidebarFilter == "d")
        app.press(KeyEvent(.escape))
        #expect(app.sidebarFilter == nil && app.sidebarConversations.count == 4)
        #expect(app.ui.focus == .sidebar)

        // Two words: both must appear; ↓ and Enter work on what is listed.
        app.type("Ru")
        app.type(" mac")
        #expect(app.sidebarConversations.map(\.title) == ["Rust macros"])
        guard case .openConversation(ConversationID(3), _)? = app.press(KeyEvent(.enter)).first else {
            Issue.record("Enter did not open the match")
            return
        }
        #expect(app.ui.focus == .composer && app.sidebarFilter == nil) // leaving the sidebar ends the filter
    }

    @Test func rStillRenamesAndDelDeletesTheListedOne() throws {
        var app = sidebarApp()
        app.press(.char("r"))
        #expect(app.top(RenameLayer.self) != nil)
        app.press(KeyEvent(.escape))
        app.type("plan")
        app.press(KeyEvent(.delete))
        let confirm = try #require(app.top(ConfirmDeleteLayer.self))
        #expect(confirm.id == ConversationID(2))
        app.press(KeyEvent(.escape))
        // With a filter on, r is typed.
        app.press(.char("r"))
        #expect(app.sidebarFilter == "planr")
        #expect(app.screen().text.contains("No title matches."))
    }

    // MARK: F5

    @Test func f5OpensTheChosenHitInTheOpenConversation() throws {
        var app = makeApp(width: 80, height: 20)
        let c = conversation(7, "Fruit")
        let texts = ["kiwi one", "the first kiwi", "kiwi two", "the second kiwi", "kiwi three", "the third kiwi"]
        let stored = texts.enumerated().map { i, text in
            StoredMessage(
                id: MessageID(Int64(i + 1)), conversationID: c.id, position: i + 1,
                role: i % 2 == 0 ? .user : .assistant, content: StoredContent(text: text), status: .complete,
                createdAt: t0, updatedAt: t0)
        }
        _ = app.apply(.conversationOpened(c, messages: stored, earlier: 0, draft: nil))
        app.press(KeyEvent(.function(5)))
        app.type("kiwi")
        app.press(KeyEvent(.enter))
        let hits = [MessageID(6), MessageID(2)].map {
            SearchHit(
                conversationID: c.id, conversationTitle: "Fruit", messageID: $0, position: Int($0.rawValue),
                role: .assistant, snippet: "kiwi")
        }
        _ = app.apply(.searchResults(query: "kiwi", hits: hits))
        app.press(KeyEvent(.down)) // the second hit: "the first kiwi"
        #expect(app.press(KeyEvent(.enter)).isEmpty) // already open
        let search = try #require(app.ui.search)
        let current = try #require(search.current)
        #expect(search.matches[current].entry == 1, "opened the newest match instead of the chosen one")
    }

    // MARK: Theme

    @Test func theThemePickerPreviewsEscRestoresAndEnterKeepsItInConfig() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-theme-keep")
        let config = dir.path("config.toml")
        try "# mine\nmodel = \"claude-x\"\ntheme = \"default\"\n\n[other]\nx = 1\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        var app = makeApp()
        app.themes = ThemeScreenTests.catalog
        app.configFile = config
        app.press(KeyEvent(.function(6)))
        let names = try #require(app.top(ThemePickerLayer.self)?.names)
        let start = try #require(names.firstIndex(of: "default"))
        // Moving shows each theme at once.
        app.press(KeyEvent(start + 1 < names.count ? .down : .up))
        let previewed = app.themeName
        #expect(previewed != "default" && app.theme.name == previewed)
        // Esc goes back.
        app.press(KeyEvent(.escape))
        #expect(app.themeName == "default" && app.theme.name == "default")
        #expect(try String(contentsOfFile: config, encoding: .utf8).contains("theme = \"default\""))

        // Enter keeps it: written to config.toml, other settings untouched, 0600, and said.
        app.press(KeyEvent(.function(6)))
        app.press(KeyEvent(start + 1 < names.count ? .down : .up))
        app.press(KeyEvent(.enter))
        #expect(app.themeName == previewed)
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text == "# mine\nmodel = \"claude-x\"\ntheme = \"\(previewed)\"\n\n[other]\nx = 1\n")
        let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(app.chat.notice?.text == "Theme: \(previewed), kept in \(config).")
    }
}
