import AnthropicAPI
import Credentials
import Foundation
import SessionStore
import Testing

@testable import ChatCore

/// Issue 14: a message sent while a reply streams is queued; auto titles; the chat's fixes.
@Suite struct QueuedSendTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func makeState(autoTitle: Bool = false, titleModel: String? = nil) -> ChatState {
        ChatState(
            settings: .init(
                baseURL: "http://127.0.0.1:1", fallbackModel: "claude-test-1", modelIsExplicit: true,
                autoTitle: autoTitle, titleModel: titleModel),
            key: KeyStatus(
                health: .valid(verifiedAt: Self.t0), masked: "sk-ant-…wxyz", source: .environment("ANTHROPIC_API_KEY")),
            now: Self.t0)
    }

    func requests(_ effects: [ChatEffect]) -> [TurnRequest] {
        effects.compactMap { if case .send(let r) = $0 { return r } else { return nil } }
    }

    func titles(_ effects: [ChatEffect]) -> [TitleRequest] {
        effects.compactMap { if case .suggestTitle(let r) = $0 { return r } else { return nil } }
    }

    func completed(_ text: String) -> TurnEvent {
        .completed(
            Message(model: "claude-test-1", content: [.text(text)], usage: Usage(inputTokens: 3, outputTokens: 5)))
    }

    /// Sends `prompt`, starts its reply with `partial` text; returns the turn.
    func streaming(_ state: inout ChatState, _ prompt: String, partial: String = "Hel") throws -> Int {
        let r = try #require(requests(state.update(.send(prompt))).first)
        _ = state.update(.turn(r.turn, .started(requestID: "req_1")))
        _ = state.update(.turn(r.turn, .text(partial)))
        return r.turn
    }

    // MARK: Queue

    @Test func enterWhileAReplyStreamsQueuesTheMessageAndItIsSentOnceAfterTheReply() throws {
        var state = makeState()
        let first = try streaming(&state, "one")
        _ = state.update(.draftEdited("two"))
        #expect(state.update(.send("two")).isEmpty) // nothing is sent yet
        #expect(state.draft.isEmpty)
        let queued = try #require(state.queuedTurn)
        #expect(state.transcript.map(\.text) == ["one", "Hel", "two"])
        #expect(state.transcript[2].state == .pending(ChatState.queuedReason))

        // The reply keeps streaming into its own entry, before the queued message.
        _ = state.update(.turn(first, .text("lo")))
        #expect(state.transcript.map(\.text) == ["one", "Hello", "two"])

        let effects = state.update(.turn(first, completed("Hello")))
        let sent = requests(effects)
        #expect(sent.count == 1)
        #expect(sent.first?.prompt == "two" && sent.first?.turn == queued)
        // Its history is the exchange before it, complete.
        #expect(sent.first?.history == [.user("one"), .assistant("Hello")])
        #expect(state.queuedTurn == nil)
        #expect(state.transcript.map(\.text) == ["one", "Hello", "two"])
        #expect(state.transcript[2].state == .pending(nil))

        // Its own reply ends; nothing more is sent.
        _ = state.update(.turn(queued, .started(requestID: "req_2")))
        #expect(requests(state.update(.turn(queued, completed("Two!")))).isEmpty)
        #expect(state.transcript.map(\.text) == ["one", "Hello", "two", "Two!"])
        #expect(state.transcript.allSatisfy { $0.state == .complete })
    }

    @Test func aQueuedMessageBeforeTheReplyStartedStillComesAfterIt() throws {
        var state = makeState()
        let r = try #require(requests(state.update(.send("one"))).first)
        _ = state.update(.send("two")) // queued while "sending…"
        _ = state.update(.turn(r.turn, .started(requestID: "req_1")))
        _ = state.update(.turn(r.turn, .text("Hi")))
        #expect(state.transcript.map(\.text) == ["one", "Hi", "two"])
    }

    @Test func onlyOneMessageWaitsAndASecondKeepsItsText() throws {
        var state = makeState()
        _ = try streaming(&state, "one")
        _ = state.update(.send("two"))
        _ = state.update(.draftEdited("three"))
        #expect(state.update(.send("three")).isEmpty)
        #expect(state.draft == "three")
        #expect(state.notice?.text.hasPrefix("One message is already queued") == true)
        #expect(state.transcript.map(\.text) == ["one", "Hel", "two"])
    }

    @Test func takingItBackPutsTheTextBeforeTheComposersAndNothingIsSentLater() throws {
        var state = makeState()
        let first = try streaming(&state, "one")
        _ = state.update(.send("two"))
        _ = state.update(.draftEdited("more"))
        _ = state.update(.unqueue)
        #expect(state.queuedTurn == nil)
        #expect(state.draft == "two\n\nmore")
        #expect(state.transcript.map(\.text) == ["one", "Hel"])
        #expect(state.isStreaming) // taking it back does not stop the reply
        #expect(requests(state.update(.turn(first, completed("Hello")))).isEmpty)

        // With an empty composer the text comes back alone.
        var other = makeState()
        _ = try streaming(&other, "one")
        _ = other.update(.send("two"))
        _ = other.update(.unqueue)
        #expect(other.draft == "two")
    }

    @Test func aFailedReplyKeepsTheMessageQueuedUntilEnterOnAnEmptyComposer() throws {
        var state = makeState()
        let first = try streaming(&state, "one")
        _ = state.update(.send("two"))
        var error = APIError(kind: .overloaded, httpStatus: 529, message: "overloaded")
        error.partial = Message(model: "claude-test-1", content: [.text("Hel")])
        #expect(requests(state.update(.turn(first, .failed(error)))).isEmpty) // not sent into the same failure
        let queued = try #require(state.queuedTurn)
        #expect(state.transcript.last?.state == .pending(ChatState.queuedHeldReason))
        #expect(state.noticeLog.entries.contains { $0.text.hasPrefix("Your queued message waits") })

        // Ctrl+R retries the failed prompt, not the queued one.
        let retried = try #require(requests(state.update(.retryLast)).first)
        #expect(retried.prompt == "one")
        _ = state.update(.turn(retried.turn, .failed(APIError(kind: .cancelled, message: "stopped"))))
        #expect(state.queuedTurn == queued)

        // Text in the composer is not sent over it.
        #expect(state.update(.send("three")).isEmpty)
        #expect(state.notice?.text.hasPrefix("A message is queued") == true)
        // Enter on an empty composer sends it.
        let sent = try #require(requests(state.update(.send(""))).first)
        #expect(sent.prompt == "two" && sent.turn == queued)
        #expect(state.queuedTurn == nil)
        #expect(state.transcript.last?.text == "two")
    }

    @Test func stoppingTheReplyKeepsTheQueuedMessageWaiting() throws {
        var state = makeState()
        let first = try streaming(&state, "one")
        _ = state.update(.send("two"))
        _ = state.update(.cancel)
        var stopped = APIError(kind: .cancelled, message: "stopped")
        stopped.partial = Message(model: "claude-test-1", content: [.text("Hel")])
        #expect(requests(state.update(.turn(first, .failed(stopped)))).isEmpty)
        #expect(state.transcript.last?.state == .pending(ChatState.queuedHeldReason))
    }

    @Test func openingAnotherConversationOrANewOneTakesTheQueuedMessageIntoTheDraft() throws {
        var state = makeState()
        let c = Conversation(id: ConversationID(3), title: "one", model: "m", createdAt: Self.t0, updatedAt: Self.t0)
        _ = state.update(.conversationOpened(c, messages: [], earlier: 0, draft: nil))
        let first = try streaming(&state, "one")
        _ = state.update(.send("two"))
        var error = APIError(kind: .overloaded, httpStatus: 529, message: "overloaded")
        error.partial = Message(model: "claude-test-1", content: [.text("Hel")])
        _ = state.update(.turn(first, .failed(error)))
        let effects = state.update(.newConversation)
        #expect(effects == [.saveDraft(DraftSave(conversation: c.id, text: "two"))])
        #expect(state.queuedTurn == nil)
    }

    // MARK: Auto titles

    func firstExchange(_ state: inout ChatState, created title: String = "What is a monad?") throws -> [ChatEffect] {
        let r = try #require(requests(state.update(.send("What is a monad?\nPlease explain."))).first)
        let c = Conversation(
            id: ConversationID(9), title: title, model: "claude-test-1", createdAt: Self.t0, updatedAt: Self.t0)
        _ = state.update(.conversationCreated(c))
        _ = state.update(.turn(r.turn, .started(requestID: "req_1")))
        return state.update(.turn(r.turn, completed("A monoid in the category of endofunctors.")))
    }

    @Test func theFirstReplyOfANewConversationAsksForATitleWhenAutoTitleIsOn() throws {
        var off = makeState()
        #expect(titles(try firstExchange(&off)).isEmpty) // off by default

        var state = makeState(autoTitle: true, titleModel: "claude-cheap")
        let asked = titles(try firstExchange(&state))
        #expect(
            asked == [
                TitleRequest(
                    conversation: ConversationID(9), currentTitle: "What is a monad?", model: "claude-cheap",
                    prompt: "What is a monad?\nPlease explain.", reply: "A monoid in the category of endofunctors.")
            ])
        // The second reply asks nothing.
        let r = try #require(requests(state.update(.send("And a functor?"))).first)
        _ = state.update(.turn(r.turn, .started(requestID: "req_2")))
        #expect(titles(state.update(.turn(r.turn, completed("A map.")))).isEmpty)

        // The conversation's own model when no title model is set.
        var own = makeState(autoTitle: true)
        #expect(titles(try firstExchange(&own)).first?.model == "claude-test-1")
    }

    @Test func aSuggestedTitleIsUsedOnlyWhileTheFirstLineTitleStands() throws {
        var state = makeState(autoTitle: true)
        _ = try firstExchange(&state)
        let id = ConversationID(9)
        let effects = state.update(
            .titleSuggested(id, title: "\"Monads Explained.\"\nextra", replacing: "What is a monad?"))
        #expect(effects == [.rename(id, "Monads Explained")])
        #expect(
            state.conversation?.title == "Monads Explained" && state.conversations.first?.title == "Monads Explained")

        // The user renamed it meanwhile: the suggestion is dropped.
        var renamed = makeState(autoTitle: true)
        _ = try firstExchange(&renamed)
        _ = renamed.update(.rename(id, "Mine"))
        #expect(renamed.update(.titleSuggested(id, title: "Monads", replacing: "What is a monad?")).isEmpty)
        #expect(renamed.conversation?.title == "Mine")

        // An empty answer keeps the first line.
        var empty = makeState(autoTitle: true)
        _ = try firstExchange(&empty)
        #expect(empty.update(.titleSuggested(id, title: " \"\" ", replacing: "What is a monad?")).isEmpty)
        #expect(empty.conversation?.title == "What is a monad?")
    }

    @Test func cleanTitleKeepsOneShortLine() {
        #expect(ChatState.cleanTitle("Title: Rust Lifetimes, Briefly.") == "Rust Lifetimes, Briefly")
        #expect(ChatState.cleanTitle("**Bash loops**") == "Bash loops")
        #expect(ChatState.cleanTitle("\n\n") == nil)
        #expect(ChatState.cleanTitle(String(repeating: "a", count: 100))?.count == 60)
        #expect(ChatState.cleanTitle("a\u{1B}[31mred") == "a[31mred")
    }

    // MARK: Fixes

    @Test func deletingTheOpenConversationForgetsItsTokens() throws {
        var state = makeState()
        let c = Conversation(id: ConversationID(5), title: "five", model: "m", createdAt: Self.t0, updatedAt: Self.t0)
        _ = state.update(.conversationOpened(c, messages: [], earlier: 0, draft: nil))
        let r = try #require(requests(state.update(.send("hi"))).first)
        _ = state.update(.turn(r.turn, completed("hello")))
        #expect(state.lastUsage?.outputTokens == 5)
        _ = state.update(.delete(c.id))
        #expect(state.lastUsage == nil)
    }

    @Test func anInterruptedReplySaysInterruptedOnce() throws {
        var state = makeState()
        let first = try streaming(&state, "one")
        var error = APIError(kind: .network, message: "could not reach the API: connection reset")
        error.partial = Message(model: "claude-test-1", content: [.text("Hel")])
        _ = state.update(.turn(first, .failed(error)))
        guard case .interrupted(let reason) = state.transcript[1].state else {
            Issue.record("not marked interrupted")
            return
        }
        #expect(!reason.lowercased().contains("interrupted"))
        #expect(reason.hasPrefix("could not reach the API"))
        // Outside the chat the sentence is whole.
        let report = ErrorReport(error: error, keyDescription: nil, baseURL: "http://x")
        #expect(report.text.hasPrefix("The reply was interrupted: could not reach the API"))
    }

    @Test func forbiddenAdviceInsideTheChatPointsToTheModelPicker() throws {
        var state = makeState()
        let r = try #require(requests(state.update(.send("hi"))).first)
        let error = APIError(
            kind: .permission, httpStatus: 403, errorType: "permission_error", message: "not allowed")
        _ = state.update(.turn(r.turn, .failed(error)))
        guard case .failed(let report) = state.transcript[0].state else {
            Issue.record("not marked failed")
            return
        }
        #expect(report.contains("model picker (F3)"))
        #expect(!report.contains("--model"))
        let outside = ErrorReport(error: error, keyDescription: nil, baseURL: "http://x").text
        #expect(outside.contains("--model") && !outside.contains("F3"))
        // A 400 and a 404 for the model too.
        for kind in [APIError.Kind.invalidRequest, .notFound] {
            var report = ErrorReport(
                error: APIError(kind: kind, httpStatus: 400, message: "bad"), keyDescription: nil, baseURL: "http://x",
                model: "claude-x")
            report.inChat = true
            #expect(report.text.contains("F3") && !report.text.contains("--model"), "\(report.text)")
        }
    }
}
