import AnthropicAPI
import ChatCore
import Foundation
import SessionStore
import TerminalUI
import Testing

@testable import ChatUI

/// Search, copy and export from the chat screen.
@Suite struct TranscriptToolsTests {
    func conversationApp(clipboard: Bool = true) throws -> ChatApp {
        let theme = Theme(styles: [
            "transcript.search.current": Style(attributes: [.reverse]),
            "transcript.search.match": Style(attributes: [.underline]),
        ])
        var app = makeApp(width: 80, height: 20, chat: makeChat(clipboard: clipboard), theme: theme)
        let c = conversation(1, "Tools")
        _ = app.apply(.conversationOpened(c, messages: [], earlier: 0, draft: nil))
        for (q, a) in [
            ("first question about apples", "Apples are red.\n\n```python\nprint(\"apple\")\n```"),
            (
                "second about pears",
                "Pears are green.\n\n" + (1...20).map { "filler line \($0)" }.joined(separator: "\n")
            ),
            ("third", "Apples again, and APPLES."),
        ] {
            app.type(q)
            let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
            app.stream(turn: request.turn, [a])
        }
        return app
    }

    @Test func slashFindsEveryMatchHighlightsAndSteps() throws {
        var app = try conversationApp()
        app.press(.char("/"))
        #expect(app.ui.search != nil)
        app.type("apple")
        let search = try #require(app.ui.search)
        #expect(search.matches.count == 5) // question, reply, code, and twice in the last reply (any case)
        #expect(search.current == 4)
        let styled = app.screen().styledText()
        #expect(styled.contains("[APPLE]{reverse}"), "the current match is highlighted: \(styled)")
        #expect(styled.contains("[Apple]{underline}"), "other matches too")
        #expect(app.screen().text.contains("5 of 5"))
        app.press(KeyEvent(.enter))
        app.press(KeyEvent(.enter))
        app.press(KeyEvent(.enter))
        #expect(app.ui.search?.current == 1)
        #expect(!app.ui.scroll.followsBottom)
        #expect(app.screen().text.contains("Apples are red."))
        app.press(KeyEvent(.down))
        #expect(app.ui.search?.current == 2)
        app.press(KeyEvent(.escape))
        #expect(app.ui.search == nil)
        app.press(.ctrl("f"))
        app.type("no such words")
        #expect(app.screen().text.contains("no matches"))
    }

    @Test func ctrlYCopiesTheLastReplyThroughOSC52() throws {
        var app = try conversationApp()
        let effects = app.uiEffects(.ctrl("y"))
        guard case .writeToTerminal(let sequence)? = effects.first, effects.count == 1 else {
            Issue.record("no write: \(effects)")
            return
        }
        #expect(sequence == Clipboard.osc52("Apples again, and APPLES."))
        #expect(String(decoding: sequence, as: UTF8.self).hasPrefix("\u{1B}]52;c;"))
        #expect(app.chat.notice?.text.contains("Copied the last reply") == true)
    }

    @Test func f7CopiesAChosenCodeBlockOrMessage() throws {
        var app = try conversationApp()
        app.press(KeyEvent(.function(7)))
        guard let items = app.top(CopyPickerLayer.self)?.items else {
            Issue.record("no picker")
            return
        }
        let code = try #require(items.firstIndex { $0.label.contains("Code (python)") })
        #expect(items[code].text == "print(\"apple\")")
        for _ in 0..<code { app.press(KeyEvent(.down)) }
        #expect(
            app.uiEffects(KeyEvent(.enter)) == [.writeToTerminal(try #require(Clipboard.osc52("print(\"apple\")")))])
        #expect(app.chat.notice?.text.contains("code block") == true)
    }

    @Test func copyingCanBeTurnedOff() throws {
        var app = try conversationApp(clipboard: false)
        #expect(app.uiEffects(.ctrl("y")) == [])
        #expect(app.chat.notice?.text.contains("clipboard = false") == true)
    }

    @Test func f9ExportsAsMarkdownOrJSON() throws {
        var app = try conversationApp()
        app.exportDirectory = "/tmp/x"
        app.press(KeyEvent(.function(9)))
        guard app.top(ExportChoiceLayer.self) != nil else {
            Issue.record("no choice")
            return
        }
        guard case .export(ConversationID(1), .json, "/tmp/x")? = app.press(.char("j")).first else {
            Issue.record("no export")
            return
        }
        _ = app.apply(.exported(path: "/tmp/x/palaver-1-tools.json"))
        #expect(app.screen().lines().last?.contains("Exported to /tmp/x/palaver-1-tools.json") == true)
    }

    @Test func f5SearchesEveryConversationAndOpensTheHit() throws {
        var app = try conversationApp()
        app.press(KeyEvent(.function(5)))
        app.type("kiwi")
        guard case .searchAll("kiwi")? = app.press(KeyEvent(.enter)).first else {
            Issue.record("no search")
            return
        }
        let hit = SearchHit(
            conversationID: ConversationID(7), conversationTitle: "Fruit", messageID: MessageID(70), position: 2,
            role: .assistant, snippet: "a kiwi is brown")
        _ = app.apply(.searchResults(query: "kiwi", hits: [hit]))
        #expect(app.screen().text.contains("Fruit · a kiwi is brown"))
        // The hit's branch is made active first (it may be on another version), then it is opened.
        let opening = app.press(KeyEvent(.enter))
        guard opening.first == .revealMessage(MessageID(70)),
            case .openConversation(ConversationID(7), _)? = opening.last
        else {
            Issue.record("not opened: \(opening)")
            return
        }
        let stored = [
            StoredMessage(
                id: MessageID(69), conversationID: ConversationID(7), position: 1, role: .user,
                content: StoredContent(text: "what is a kiwi"),
                status: .complete, createdAt: t0, updatedAt: t0),
            StoredMessage(
                id: MessageID(70), conversationID: ConversationID(7), position: 2, role: .assistant,
                content: StoredContent(text: "a kiwi is brown"), status: .complete, createdAt: t0, updatedAt: t0),
        ]
        _ = app.apply(.conversationOpened(conversation(7, "Fruit"), messages: stored, earlier: 0, draft: nil))
        let search = try #require(app.ui.search)
        #expect(search.editor.text == "kiwi")
        let current = try #require(search.current)
        #expect(search.matches[current].entry == 1) // the hit's message, not the question
    }
}
