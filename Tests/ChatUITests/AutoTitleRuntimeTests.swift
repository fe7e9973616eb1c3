import AnthropicAPI
import ChatCore
import FakeAnthropic
import Foundation
import SessionStore
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

/// `auto_title` against fake-anthropic: after the first reply, one small non-streaming request
/// asks for a title; the store and the sidebar take it, a title the user set is kept.
extension ChatRuntimeTests {
    func titledChat(_ rig: Rig, fake: FakeServerHarness, titleModel: String? = "claude-3-5-haiku-20241022") {
        rig.app = makeApp(
            chat: ChatState(
                settings: .init(
                    baseURL: fake.baseURL, fallbackModel: "claude-sonnet-4-5-20250929", modelIsExplicit: true,
                    autoTitle: true, titleModel: titleModel),
                key: validKey, now: Date()))
    }

    @Test func autoTitleAsksOnceWithoutStreamingAndTheStoreKeepsIt() async throws {
        try await FakeServerHarness.with(reply: ReplyConfig(text: "\"Monads Explained.\"")) { fake in
            let rig = try Rig(fake: fake)
            titledChat(rig, fake: fake)
            rig.send("What is a monad?\nPlease explain.")
            try await rig.pump { $0.chat.conversation?.title == "Monads Explained" }
            rig.runtime.flush()
            let stored = try #require(try rig.store.latestConversation())
            #expect(stored.title == "Monads Explained")
            #expect(rig.app.chat.conversations.first?.title == "Monads Explained")

            let posts = fake.state.requests().filter { $0.path == "/v1/messages" }
            #expect(posts.count == 2)
            let title = try #require(posts.last?.jsonBody as? [String: Any])
            #expect(title["stream"] as? Bool != true)
            #expect(title["max_tokens"] as? Int == 24)
            #expect(title["model"] as? String == "claude-3-5-haiku-20241022")
            #expect((posts.last?.body ?? "").contains("What is a monad?"))

            // The second reply asks nothing more.
            rig.send("And a functor?")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 4 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(fake.state.requests().filter { $0.path == "/v1/messages" }.count == 3)
        }
    }

    @Test func aTitleTheUserSetMeanwhileIsKept() async throws {
        try await FakeServerHarness.with(reply: ReplyConfig(text: "Model Title")) { fake in
            let rig = try Rig(fake: fake)
            titledChat(rig, fake: fake, titleModel: nil)
            rig.send("hello there")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            // The user renames before the title's answer is applied.
            let id = try #require(rig.app.chat.conversation?.id)
            rig.runtime.perform(rig.app.apply(.rename(id, "Mine")))
            var suggestion: ChatAction?
            let deadline = ContinuousClock.now + .seconds(10)
            while suggestion == nil {
                let action = try await rig.next(before: deadline)
                if case .titleSuggested = action {
                    suggestion = action
                } else {
                    rig.runtime.perform(rig.app.apply(action))
                }
            }
            guard let suggestion, case .titleSuggested(id, "Model Title", replacing: "hello there") = suggestion else {
                Issue.record("expected the suggestion, got \(String(describing: suggestion))")
                return
            }
            #expect(rig.app.apply(suggestion).isEmpty)
            #expect(rig.app.chat.conversation?.title == "Mine")
            let title = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
            #expect(title["model"] as? String == "claude-sonnet-4-5-20250929") // the conversation's own
        }
    }
}
