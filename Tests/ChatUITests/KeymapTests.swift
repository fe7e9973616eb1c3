import AnthropicAPI
import ChatCore
import Foundation
import SessionStore
import TerminalUI
import Testing

@testable import ChatUI

/// Every key binding of the help screen, pressed on a `ChatApp`: what the user would notice.
@Suite struct KeymapTests {
    @Test func enterSendsAndClearsTheComposer() throws {
        var app = makeApp()
        app.type("Hello there")
        let effects = app.press(KeyEvent(.enter))
        let request = try #require(sentRequest(effects))
        #expect(request.prompt == "Hello there")
        #expect(app.ui.composer.isEmpty)
        #expect(app.chat.transcript.map(\.text) == ["Hello there"])
    }

    @Test func altEnterAndCtrlJInsertNewlines() {
        var app = makeApp()
        app.type("a")
        app.press(KeyEvent(.enter, .alt))
        app.type("b")
        app.press(.ctrl("j"))
        app.type("c")
        #expect(app.ui.composer.text == "a\nb\nc")
        #expect(app.chat.transcript.isEmpty)
    }

    @Test func editingKeysMoveByCharacterWordAndLine() {
        var app = makeApp()
        app.type("one two three")
        app.press(KeyEvent(.left, .control))
        app.type("X")
        #expect(app.ui.composer.text == "one two Xthree")
        app.press(.ctrl("a"))
        app.type("Y")
        app.press(KeyEvent(.end))
        app.press(.ctrl("w"))
        #expect(app.ui.composer.text == "Yone two ")
        #expect(app.chat.draft == "Yone two ")
        #expect(app.ui.draftDirty)
    }

    @Test func upAndDownRecallEarlierPromptsAndGiveBackTheUnsentText() throws {
        var app = makeApp()
        for prompt in ["first", "second"] {
            app.type(prompt)
            let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
            app.stream(turn: request.turn, ["ok"])
        }
        app.type("unsent")
        app.press(KeyEvent(.up))
        #expect(app.ui.composer.text == "second")
        app.press(KeyEvent(.up))
        #expect(app.ui.composer.text == "first")
        app.press(KeyEvent(.down))
        app.press(KeyEvent(.end))
        app.press(KeyEvent(.down))
        #expect(app.ui.composer.text == "unsent")
    }

    @Test func aPasteIsOneEditAndAHugeOneAsksFirst() {
        var app = makeApp()
        _ = app.handle(.paste("line 1\nline 2"))
        #expect(app.ui.composer.text == "line 1\nline 2")
        #expect(app.chat.transcript.isEmpty) // the newline did not send
        let huge = String(repeating: "x", count: 30_000)
        _ = app.handle(.paste(huge))
        guard app.top(ConfirmPasteLayer.self) != nil else {
            Issue.record("no question")
            return
        }
        app.press(.char("n"))
        #expect(app.ui.composer.text == "line 1\nline 2")
        _ = app.handle(.paste(huge))
        app.press(KeyEvent(.enter))
        #expect(app.ui.composer.text.count == 13 + 30_000)
        #expect(app.ui.layers.isEmpty)
    }

    @Test func escStopsAStreamingReply() throws {
        var app = makeApp()
        app.type("hi")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        guard case .cancelTurn(request.turn)? = app.press(KeyEvent(.escape)).first else {
            Issue.record("no cancel")
            return
        }
        #expect(app.chat.turn?.cancelling == true)
    }

    @Test func ctrlRSendsTheLastMessageAgain() throws {
        var app = makeApp()
        app.type("hi")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.turn(request.turn, .failed(APIError(kind: .apiError, httpStatus: 500, message: "boom"))))
        let again = try #require(sentRequest(app.press(.ctrl("r"))))
        #expect(again.turn == request.turn && again.prompt == "hi")
    }

    @Test func ctrlNStartsANewConversation() throws {
        var app = makeApp()
        app.type("hi")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        app.stream(turn: request.turn, ["ok"])
        app.press(.ctrl("n"))
        #expect(app.chat.transcript.isEmpty)
        #expect(app.chat.conversation == nil)
    }

    @Test func ctrlBTogglesTheSidebarAndItHidesItselfWhenNarrow() {
        var wide = makeApp(width: 120)
        #expect(wide.showsSidebar)
        wide.press(.ctrl("b"))
        #expect(!wide.showsSidebar)
        let narrow = makeApp(width: 60)
        #expect(!narrow.showsSidebar)
    }

    @Test func tabMovesToTheSidebarWhereEnterOpensAConversation() throws {
        var app = makeApp(width: 120)
        _ = app.apply(.conversationsLoaded([conversation(1, "First"), conversation(2, "Second")], total: 2))
        app.press(KeyEvent(.tab))
        #expect(app.ui.focus == .sidebar)
        app.press(KeyEvent(.down))
        let effects = app.press(KeyEvent(.enter))
        guard case .openConversation(ConversationID(2), _)? = effects.first else {
            Issue.record("not opened: \(effects)")
            return
        }
        #expect(app.ui.focus == .composer)
        app.press(KeyEvent(.tab))
        app.press(KeyEvent(.escape))
        #expect(app.ui.focus == .composer)
    }

    @Test func sidebarRenameAndDeleteAskFirst() throws {
        var app = makeApp(width: 120)
        _ = app.apply(.conversationsLoaded([conversation(1, "First")], total: 1))
        app.press(KeyEvent(.tab))
        app.press(.char("r"))
        guard app.top(RenameLayer.self) != nil else {
            Issue.record("no rename field")
            return
        }
        app.press(.ctrl("u"))
        app.type("Better")
        guard case .rename(ConversationID(1), "Better")? = app.press(KeyEvent(.enter)).first else {
            Issue.record("not renamed")
            return
        }
        #expect(app.chat.conversations[0].title == "Better")
        app.press(KeyEvent(.delete))
        guard app.top(ConfirmDeleteLayer.self) != nil else {
            Issue.record("delete did not ask")
            return
        }
        app.press(KeyEvent(.escape))
        #expect(app.chat.conversations.count == 1)
        app.press(KeyEvent(.delete))
        guard case .delete(ConversationID(1))? = app.press(.char("y")).first else {
            Issue.record("not deleted")
            return
        }
        #expect(app.chat.conversations.isEmpty)
    }

    @Test func functionKeysRenameDeleteAndSetTheSystemPrompt() throws {
        var app = makeApp()
        app.press(KeyEvent(.function(2)))
        #expect(app.ui.layers.isEmpty) // nothing to rename yet
        let c = conversation(4, "Four")
        _ = app.apply(.conversationOpened(c, messages: [], earlier: 0, draft: nil))
        app.press(KeyEvent(.function(2)))
        guard app.top(RenameLayer.self)?.id == ConversationID(4) else {
            Issue.record("no rename")
            return
        }
        app.press(KeyEvent(.escape))
        app.press(.ctrl("g"))
        app.type("Be brief.")
        guard case .setSystemPrompt(ConversationID(4), "Be brief.")? = app.press(KeyEvent(.enter)).first else {
            Issue.record("no system prompt")
            return
        }
        app.press(KeyEvent(.function(8)))
        guard app.top(ConfirmDeleteLayer.self)?.id == ConversationID(4) else {
            Issue.record("no delete question")
            return
        }
    }

    @Test func theModelPickerListsTheModelsAndFallsBackWhenOffline() throws {
        var app = makeApp()
        _ = app.apply(
            .modelsLoaded([
                ModelInfo(id: "claude-a", displayName: "A", createdAt: "2026-01-01"),
                ModelInfo(id: "claude-test-1", displayName: "T", createdAt: "2025-01-01"),
            ]))
        app.press(KeyEvent(.function(3)))
        guard let list = app.top(ModelPickerLayer.self)?.list else {
            Issue.record("no picker")
            return
        }
        #expect(list.selected == 1)
        app.press(KeyEvent(.up))
        _ = app.press(KeyEvent(.enter))
        #expect(app.chat.model == "claude-a")

        var offline = makeApp()
        _ = offline.apply(.modelsFailed(APIError(kind: .network, message: "no route")))
        offline.press(.ctrl("o"))
        #expect(ChatApp.modelChoices(offline.chat) == ["claude-test-1"])
        #expect(offline.screen().text.contains("could not be loaded"))
    }

    @Test func helpOpensWithF1AndQuestionMarkOnlyWhenTheComposerIsEmpty() {
        var app = makeApp()
        app.press(KeyEvent(.function(1)))
        guard app.top(HelpLayer.self) != nil else {
            Issue.record("no help")
            return
        }
        app.press(KeyEvent(.escape))
        app.press(.char("?"))
        guard app.top(HelpLayer.self) != nil else {
            Issue.record("no help on ?")
            return
        }
        app.press(.char("q"))
        app.type("why?")
        #expect(app.ui.layers.isEmpty && app.ui.composer.text == "why?")
    }

    @Test func ctrlQQuitsButAsksWhileAReplyStreams() throws {
        var idle = makeApp()
        #expect(idle.uiEffects(.ctrl("q")) == [.quit])

        var busy = makeApp()
        busy.type("hi")
        _ = try #require(sentRequest(busy.press(KeyEvent(.enter))))
        #expect(busy.uiEffects(.ctrl("q")) == [])
        guard busy.top(ConfirmQuitLayer.self) != nil else {
            Issue.record("no question")
            return
        }
        #expect(busy.uiEffects(.char("n")) == [] && busy.ui.layers.isEmpty)
        busy.press(.ctrl("q"))
        #expect(busy.uiEffects(.char("y")) == [.quit])
    }

    @Test func ctrlCStopsAStreamElseQuits() throws {
        var app = makeApp()
        app.type("hi")
        _ = try #require(sentRequest(app.press(KeyEvent(.enter))))
        let output = app.handle(.key(.ctrl("c")))
        guard case .cancelTurn? = output.chat.first else {
            Issue.record("no cancel")
            return
        }
        #expect(output.ui == [])
        var idle = makeApp()
        #expect(idle.uiEffects(.ctrl("c")) == [.quit])
    }

    @Test func ctrlLAsksForAFullRedraw() {
        var app = makeApp()
        #expect(app.uiEffects(.ctrl("l")) == [.redraw])
    }

    /// A conversation long enough to scroll.
    func longApp() throws -> ChatApp {
        var app = makeApp(width: 60, height: 16)
        for i in 1...6 {
            app.type("question \(i)")
            let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
            app.stream(turn: request.turn, ["answer \(i) line\n", "more\nmore\nmore"])
        }
        return app
    }

    @Test func pageKeysHomeEndAndTheWheelScroll() throws {
        var app = try longApp()
        #expect(app.ui.scroll.followsBottom)
        app.press(KeyEvent(.pageUp))
        #expect(!app.ui.scroll.followsBottom)
        #expect(app.screen().text.contains("more below"))
        app.press(KeyEvent(.end, .control))
        #expect(app.ui.scroll.followsBottom)
        app.press(KeyEvent(.home)) // empty composer: to the top
        #expect(app.ui.scroll.offset == 0 && !app.ui.scroll.followsBottom)
        #expect(app.screen().text.contains("question 1"))
        app.press(KeyEvent(.end))
        #expect(app.ui.scroll.followsBottom)
        _ = app.handle(.mouse(MouseEvent(.scrollUp, x: 10, y: 3)))
        #expect(!app.ui.scroll.followsBottom)
        _ = app.handle(.mouse(MouseEvent(.scrollDown, x: 10, y: 3)))
        app.press(KeyEvent(.pageDown))
        #expect(!app.screen().text.contains("more below"))
        app.press(KeyEvent(.up, .alt))
        #expect(!app.ui.scroll.followsBottom)
        app.press(KeyEvent(.down, .alt))
    }

    @Test func streamingFollowsTheNewestTextUnlessScrolledUp() throws {
        var app = try longApp()
        app.type("last")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.turn(request.turn, .started(requestID: nil)))
        _ = app.apply(.turn(request.turn, .text("fresh words")))
        #expect(app.screen().text.contains("fresh words"))
        app.press(KeyEvent(.pageUp))
        _ = app.apply(.turn(request.turn, .text(" and more\n\n\n\n\nend")))
        let text = app.screen().text
        #expect(!text.contains("end▍"))
        #expect(text.contains("more below"))
    }

    @Test func scrollingToTheTopLoadsEarlierMessages() throws {
        var app = makeApp(width: 60, height: 16)
        let c = conversation(1, "long")
        let messages = (11...14).map { i in
            StoredMessage(
                id: MessageID(Int64(i)), conversationID: c.id, position: i, role: i % 2 == 1 ? .user : .assistant,
                content: StoredContent(text: "message \(i)"), status: .complete, createdAt: t0, updatedAt: t0)
        }
        _ = app.apply(.conversationOpened(c, messages: messages, earlier: 10, draft: nil))
        #expect(app.screen().text.contains("10 earlier messages"))
        let effects = app.press(KeyEvent(.home, .control))
        guard case .loadEarlier(ConversationID(1), 11)? = effects.first else {
            Issue.record("not loaded: \(effects)")
            return
        }
    }

    @Test func clickingASidebarTitleOpensIt() {
        var app = makeApp(width: 120)
        _ = app.apply(.conversationsLoaded([conversation(1, "First"), conversation(2, "Second")], total: 2))
        let effects = app.handle(.mouse(MouseEvent(.press(.left), x: 3, y: SidebarView.headerHeight + 1))).chat
        guard case .openConversation(ConversationID(2), _)? = effects.first else {
            Issue.record("not opened: \(effects)")
            return
        }
    }

    @Test func everyHelpBindingIsListed() {
        let keys = Keymap.entries.map(\.keys).joined(separator: " ")
        for needed in [
            "Enter", "Alt+Enter", "Ctrl+J", "PgUp", "Esc", "Ctrl+R", "Ctrl+N", "Ctrl+B", "Tab", "F1", "F2", "F3", "F4",
            "F8",
            "Ctrl+Q", "Ctrl+C", "Ctrl+L", "Ctrl+Home/End", "mouse wheel",
        ] {
            #expect(keys.contains(needed), "help does not list \(needed)")
        }
    }
}
