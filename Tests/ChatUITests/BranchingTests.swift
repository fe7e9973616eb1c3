import AnthropicAPI
import ChatCore
import FakeAnthropic
import Foundation
import SessionStore
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

/// Shaping a conversation in the chat (issue 14, items 1 and 2): edit an earlier prompt into a new
/// version, regenerate a reply, move between versions; ↑ from an empty composer chooses the message.
@Suite struct BranchingTests {
    /// A chat with two complete exchanges whose prompts were stored as messages 1 and 3.
    func twoExchanges() throws -> ChatApp {
        var app = makeApp()
        for (i, text) in ["first question", "second question"].enumerated() {
            app.type(text)
            let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
            if i == 0 { _ = app.apply(.conversationCreated(conversation(1, "First"))) }
            _ = app.apply(.promptStored(turn: request.turn, MessageID(Int64(2 * i + 1))))
            app.stream(turn: request.turn, ["answer \(i + 1)"])
        }
        return app
    }

    @Test func upFromAnEmptyComposerChoosesAMessageAndEEditsItIntoANewVersion() throws {
        var app = try twoExchanges()
        app.type("my draft")
        app.press(.ctrl("u"))
        #expect(app.ui.composer.isEmpty)
        app.press(KeyEvent(.up))
        #expect(app.top(MessageSelectLayer.self) != nil)
        #expect(app.screen().text.contains("answer 2"))
        app.press(KeyEvent(.up)) // the second prompt
        app.press(KeyEvent(.up)) // the first reply
        app.press(KeyEvent(.up)) // the first prompt
        #expect(app.screen().text.contains("▶ You"))
        app.press(.char("e"))
        #expect(app.ui.composer.text == "first question")
        #expect(app.screen().text.contains("editing an earlier message"))
        app.press(.ctrl("u"))
        app.type("first question, rephrased")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        #expect(request.editOf == MessageID(1) && request.prompt == "first question, rephrased")
        #expect(request.history.isEmpty, "the history is the path up to the edited prompt's parent")
        #expect(app.chat.transcript.map(\.text) == ["first question, rephrased"])
        #expect(app.chat.transcript.first?.version == .init(index: 1, count: 2))
        #expect(app.ui.composer.isEmpty && app.ui.editing == nil)
    }

    /// The chooser can be opened with a draft (from the palette): editing then refuses and the
    /// draft stays, so no typed text is ever set aside where a quit could lose it.
    @Test func editingNeverSetsADraftAside() throws {
        var app = try twoExchanges()
        app.type("half a thought")
        app.push(MessageSelectLayer())
        app.press(KeyEvent(.up)) // the second prompt
        app.press(.char("e"))
        #expect(app.ui.editing == nil && app.ui.composer.text == "half a thought")
        #expect(app.chat.notice?.text.contains("Your draft stays in the composer") == true)
    }

    @Test func escCancelsAnEditAndPutsTheDraftBack() throws {
        var app = try twoExchanges()
        app.press(KeyEvent(.up))
        app.press(KeyEvent(.up))
        app.press(.char("e"))
        #expect(app.ui.composer.text == "second question")
        app.press(KeyEvent(.escape))
        #expect(app.ui.composer.isEmpty && app.ui.editing == nil)
        #expect(app.chat.transcript.count == 4)
    }

    @Test func rRegeneratesAReplyBesideTheOldOne() throws {
        var app = try twoExchanges()
        app.press(KeyEvent(.up)) // the last reply
        let effects = app.press(.char("r"))
        let request = try #require(sentRequest(effects))
        #expect(request.regenerate && request.resendStored == MessageID(3) && request.prompt == "second question")
        #expect(request.history.count == 2, "the first exchange only")
        #expect(app.chat.transcript.map(\.text) == ["first question", "answer 1", "second question"])
        _ = app.apply(.turn(request.turn, .started(requestID: nil)))
        #expect(app.chat.transcript.last?.version == .init(index: 1, count: 2))
        #expect(app.screen().text.contains("‹ 2/2 ›"))
    }

    /// A reply streamed in this session gets its stored id (replyStored), so ←/→ work on it at
    /// once; the chooser stays on the same place after the transcript is reloaded.
    @Test func aFreshReplyCanSwitchVersionsAndTheChooserKeepsItsPlace() throws {
        var app = try twoExchanges()
        app.press(KeyEvent(.up))
        let request = try #require(sentRequest(app.press(.char("r"))))
        _ = app.apply(.turn(request.turn, .started(requestID: nil)))
        _ = app.apply(.replyStored(turn: request.turn, MessageID(9)))
        app.stream(turn: request.turn, ["answer 2, again"])
        app.press(KeyEvent(.up))
        let effects = app.press(KeyEvent(.left))
        #expect(effects.contains(.selectVersion(ConversationID(1), of: MessageID(9), offset: -1)), "\(effects)")
        let chooser = try #require(app.top(MessageSelectLayer.self))
        #expect(chooser.index(in: app.chat) == 3)
    }

    @Test func aBranchedTranscriptSnapshot() throws {
        var app = try twoExchanges()
        app.press(KeyEvent(.up))
        app.press(KeyEvent(.up))
        app.press(.char("e"))
        app.press(.ctrl("u"))
        app.type("second question, sharper")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        app.stream(turn: request.turn, ["a sharper answer"])
        app.press(KeyEvent(.up))
        assertSnapshot(app.screen().textWithCursor, named: "branched-transcript")
    }

    @Test func altRRegeneratesTheLastReplyAndCtrlRNoLongerDuplicates() throws {
        var app = try twoExchanges()
        #expect(app.press(.ctrl("r")).isEmpty)
        #expect(app.chat.notice?.text.contains("Alt+R") == true)
        let request = try #require(sentRequest(app.press(.alt("r"))))
        #expect(request.regenerate)
    }

    @Test func aMessageWithOneVersionHasNothingToSwitchTo() throws {
        var app = try twoExchanges()
        app.press(KeyEvent(.up))
        #expect(app.press(KeyEvent(.left)).isEmpty, "a message with one version has nothing to switch to")
        #expect(app.chat.notice?.text.contains("no other version") == true)
    }
}

/// Through the runtime and a real store against fake-anthropic.
extension ChatRuntimeTests {
    @Test func anEditedPromptBranchesInTheStoreAndSwitchingVersionsFollowsTheBranch() async throws {
        try await FakeServerHarness.with(reply: ReplyConfig(text: "an answer")) { fake in
            let rig = try Rig(fake: fake)
            rig.send("Tell me about owls")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            rig.send("And their eyes?")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 4 }
            // Edit the first prompt.
            for _ in 0..<4 { rig.runtime.perform(rig.app.press(KeyEvent(.up))) }
            rig.runtime.perform(rig.app.press(.char("e")))
            rig.runtime.perform(rig.app.press(.ctrl("u")))
            rig.send("Tell me about cats")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            #expect(rig.app.chat.transcript.map(\.text) == ["Tell me about cats", "an answer"])
            let body = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
            let messages = try #require(body["messages"] as? [[String: Any]])
            #expect(messages.count == 1, "only the active path is sent: \(messages)")
            rig.runtime.flush()
            let conversation = try #require(rig.app.chat.conversation?.id)
            let path = try rig.store.lastMessages(in: conversation, limit: 10)
            #expect(path.map(\.text) == ["Tell me about cats", "an answer"])
            #expect(path.first?.siblingCount == 2)
            // Back to the first version: the old branch with both exchanges.
            rig.runtime.perform(rig.app.press(KeyEvent(.up)))
            rig.runtime.perform(rig.app.press(KeyEvent(.up)))
            rig.runtime.perform(rig.app.press(KeyEvent(.left)))
            try await rig.pump { $0.chat.transcript.count == 4 }
            #expect(
                rig.app.chat.transcript.map(\.text) == [
                    "Tell me about owls", "an answer", "And their eyes?", "an answer",
                ])
            #expect(rig.app.chat.transcript.first?.version == .init(index: 0, count: 2))
            // F5 (it works while choosing a message too) finds the cats prompt, now on a hidden
            // branch: opening the hit shows its branch.
            rig.runtime.perform(rig.app.press(KeyEvent(.function(5))))
            rig.app.type("cats")
            rig.runtime.perform(rig.app.press(KeyEvent(.enter)))
            try await rig.pump { $0.top(SearchAllLayer.self)?.hits.isEmpty == false }
            rig.runtime.perform(rig.app.press(KeyEvent(.enter)))
            try await rig.pump { $0.chat.transcript.first?.text == "Tell me about cats" }
            #expect(rig.app.chat.transcript.map(\.text) == ["Tell me about cats", "an answer"])
        }
    }
}
