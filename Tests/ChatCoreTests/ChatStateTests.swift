import AnthropicAPI
import Credentials
import Foundation
import SessionStore
import Testing

@testable import ChatCore

/// The chat's update function: every path a turn can take, without I/O.
@Suite struct ChatStateTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func makeState(
        health: KeyHealth = .valid(verifiedAt: t0), explicit: Bool = true, keyCheckInterval: TimeInterval = 600
    ) -> ChatState {
        ChatState(
            settings: .init(
                baseURL: "http://127.0.0.1:1", fallbackModel: "claude-test-1", modelIsExplicit: explicit,
                keyCheckInterval: keyCheckInterval),
            key: KeyStatus(health: health, masked: "sk-ant-…wxyz", source: .environment("ANTHROPIC_API_KEY")),
            now: Self.t0)
    }

    func request(_ effects: [ChatEffect]) -> TurnRequest? {
        effects.lazy.compactMap { if case .send(let r) = $0 { return r } else { return nil } }.first
    }

    func complete(_ state: inout ChatState, turn: Int, text: String) {
        _ = state.update(.turn(turn, .started(requestID: "req_1")))
        _ = state.update(.turn(turn, .text(text)))
        _ = state.update(
            .turn(
                turn,
                .completed(
                    Message(
                        model: "claude-test-1", content: [.text(text)], usage: Usage(inputTokens: 3, outputTokens: 5))))
        )
    }

    @Test func sendingStoresThePromptFirstAndStreamsTheReplyIntoPlace() throws {
        var state = makeState()
        _ = state.update(.draftEdited("Hello"))
        let r = try #require(request(state.update(.send("Hello"))))
        #expect(r.prompt == "Hello" && r.model == "claude-test-1" && r.conversation == nil && r.history.isEmpty)
        #expect(r.newTitle == "Hello")
        #expect(state.draft.isEmpty)
        #expect(state.transcript.map(\.state) == [.pending(nil)])
        #expect(state.isStreaming)

        _ = state.update(.turn(r.turn, .started(requestID: "req_1")))
        _ = state.update(.turn(r.turn, .text("Hi ")))
        _ = state.update(.turn(r.turn, .text("there")))
        #expect(state.transcript.map(\.text) == ["Hello", "Hi there"])
        #expect(state.transcript[1].state == .streaming)
        _ = state.update(
            .turn(
                r.turn,
                .completed(
                    Message(
                        model: "claude-test-1", content: [.text("Hi there")],
                        usage: Usage(inputTokens: 3, outputTokens: 2)))))
        #expect(state.transcript.map(\.state) == [.complete, .complete])
        #expect(state.lastUsage?.outputTokens == 2)
        #expect(!state.isStreaming)
        #expect(state.key.health == .valid(verifiedAt: Self.t0))
    }

    @Test func theSecondPromptCarriesTheFirstExchangeAsHistory() throws {
        var state = makeState()
        let first = try #require(request(state.update(.send("one"))))
        complete(&state, turn: first.turn, text: "uno")
        let second = try #require(request(state.update(.send("two"))))
        #expect(second.history.map(\.role) == ["user", "assistant"])
        #expect(second.history.map { $0.content } == [[.text("one")], [.text("uno")]])
    }

    @Test func whitespaceOnlyIsNotSent() {
        var state = makeState()
        #expect(state.update(.send("  \n ")).isEmpty)
        #expect(state.transcript.isEmpty)
    }

    @Test func aSecondMessageWhileOneIsQueuedIsRefusedAndTheTextStays() throws {
        var state = makeState()
        _ = try #require(request(state.update(.send("one"))))
        #expect(state.update(.send("queued")).isEmpty) // queued while the reply streams (issue 14)
        _ = state.update(.draftEdited("two"))
        #expect(state.update(.send("two")).isEmpty)
        #expect(state.draft == "two")
        #expect(state.notice?.isError == true)
        #expect(state.transcript.count == 2)
    }

    @Test func aFailureBeforeAnyReplyKeepsThePromptMarkedFailedWithTheDiagnosis() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        let error = APIError(
            kind: .apiError, httpStatus: 500, errorType: "api_error", message: "boom", requestID: "req_9")
        #expect(state.update(.turn(r.turn, .failed(error))).isEmpty)
        guard case .failed(let report) = state.transcript[0].state else {
            Issue.record("not failed")
            return
        }
        #expect(report.contains("500") && report.contains("req_9") && report.contains("sk-ant-…wxyz"))
        #expect(state.transcript[0].text == "hi")
        #expect(!state.isStreaming)
    }

    @Test func a401KeepsThePromptWaitingAndLooksForAnotherKey() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        let error = APIError(
            kind: .authentication, httpStatus: 401, errorType: "authentication_error", message: "invalid x-api-key",
            requestID: "req_9")
        #expect(state.update(.turn(r.turn, .failed(error))) == [.reloadKey])
        #expect(state.transcript[0].state == .pending("waiting for a valid key"))
        #expect(state.key.health.word == "rejected")
        #expect(state.awaitingKeyTurn == r.turn)
    }

    @Test func aFailureMidStreamKeepsThePartialReplyMarkedInterrupted() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        _ = state.update(.turn(r.turn, .started(requestID: nil)))
        _ = state.update(.turn(r.turn, .text("partial an")))
        var error = APIError(kind: .network, message: "connection reset")
        error.partial = Message(content: [.text("partial answer")])
        _ = state.update(.turn(r.turn, .failed(error)))
        #expect(state.transcript[1].text == "partial answer")
        guard case .interrupted = state.transcript[1].state else {
            Issue.record("not interrupted")
            return
        }
        #expect(state.transcript[0].state == .complete)
    }

    @Test func escStopsTheReplyAndTheTextSoFarStays() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        _ = state.update(.turn(r.turn, .started(requestID: nil)))
        _ = state.update(.turn(r.turn, .text("so far")))
        #expect(state.update(.cancel) == [.cancelTurn(r.turn)])
        #expect(state.update(.cancel).isEmpty) // once
        _ = state.update(.turn(r.turn, .failed(APIError(kind: .cancelled, message: "cancelled"))))
        #expect(state.transcript[1].text == "so far")
        #expect(state.transcript[1].state == .interrupted("stopped by you (Esc): Ctrl+R asks again"))
        #expect(state.key.health == .valid(verifiedAt: Self.t0)) // a stop says nothing about the key
    }

    @Test func retryResendsAFailedPromptInPlace() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        _ = state.update(.promptStored(turn: r.turn, MessageID(7)))
        _ = state.update(.turn(r.turn, .failed(APIError(kind: .overloaded, httpStatus: 529, message: "overloaded"))))
        let again = try #require(request(state.update(.retryLast)))
        #expect(again.turn == r.turn)
        #expect(again.resendStored == MessageID(7))
        #expect(state.transcript.count == 1)
        #expect(state.transcript[0].state == .pending(nil))
        complete(&state, turn: again.turn, text: "hello")
        #expect(state.transcript.map(\.text) == ["hi", "hello"])
    }

    @Test func retryAfterAnInterruptedReplyKeepsItMarkedAndAddsTheNewReply() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        _ = state.update(.turn(r.turn, .started(requestID: nil)))
        _ = state.update(.turn(r.turn, .failed(APIError(kind: .cancelled, message: "stopped"))))
        let again = try #require(request(state.update(.retryLast)))
        #expect(again.turn == r.turn && again.prompt == "hi")
        complete(&state, turn: again.turn, text: "full")
        #expect(state.transcript.map(\.role) == [.user, .assistant, .assistant])
        #expect(state.transcript.last?.text == "full")
    }

    /// Issue 14, item 2: Ctrl+R after a complete exchange does not send a duplicate; it says how to
    /// regenerate instead.
    @Test func retryAfterACompleteExchangeSendsNothingAndPointsToRegenerate() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        complete(&state, turn: r.turn, text: "hello")
        #expect(state.update(.retryLast).isEmpty)
        #expect(state.transcript.count == 2)
        #expect(state.notice?.text.contains("regenerates it") == true)
    }

    @Test func retryingWaitsAreShownAndEndWhenTheReplyStarts() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        let notice = RetryNotice(
            attempt: 2, maxAttempts: 3, delay: .seconds(4),
            reason: APIError(kind: .overloaded, httpStatus: 529, message: "busy"))
        _ = state.update(.turn(r.turn, .retrying(notice)))
        #expect(state.turn?.retry?.at == Self.t0.addingTimeInterval(4))
        _ = state.update(.turn(r.turn, .started(requestID: nil)))
        #expect(state.turn?.retry == nil)
    }

    @Test func newConversationSavesTheDraftAndEmptiesTheScreen() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        _ = state.update(
            .conversationCreated(
                Conversation(id: ConversationID(3), title: "hi", model: "m", createdAt: Self.t0, updatedAt: Self.t0)))
        complete(&state, turn: r.turn, text: "hello")
        _ = state.update(.draftEdited("unsent words"))
        #expect(
            state.update(.newConversation) == [
                .saveDraft(DraftSave(conversation: ConversationID(3), text: "unsent words"))
            ])
        #expect(state.transcript.isEmpty && state.conversation == nil && state.draft.isEmpty)
        #expect(state.conversations.map(\.id) == [ConversationID(3)])
    }

    @Test func openingAConversationSavesTheDraftAndLoadsItsOwn() {
        var state = makeState()
        _ = state.update(.draftEdited("for the new one"))
        #expect(
            state.update(.open(ConversationID(5)))
                == [
                    .openConversation(
                        ConversationID(5), saveDraftOf: DraftSave(conversation: nil, text: "for the new one"))
                ])
        let before = state.draftRevision
        let c = Conversation(
            id: ConversationID(5), title: "five", model: "claude-other", createdAt: Self.t0, updatedAt: Self.t0)
        _ = state.update(.conversationOpened(c, messages: [], earlier: 0, draft: "its draft"))
        #expect(state.draft == "its draft" && state.draftRevision != before)
        #expect(state.model == "claude-other")
        #expect(state.title == "five")
    }

    @Test func switchingWhileAReplyStreamsIsRefused() throws {
        var state = makeState()
        _ = try #require(request(state.update(.send("hi"))))
        #expect(state.update(.open(ConversationID(5))).isEmpty)
        #expect(state.update(.newConversation).isEmpty)
        #expect(state.notice?.isError == true)
    }

    @Test func deletingTheOpenConversationEmptiesTheScreen() {
        var state = makeState()
        let c = Conversation(id: ConversationID(5), title: "five", model: "m", createdAt: Self.t0, updatedAt: Self.t0)
        _ = state.update(.conversationsLoaded([c], total: 1))
        _ = state.update(.conversationOpened(c, messages: [], earlier: 0, draft: nil))
        #expect(state.update(.delete(c.id)) == [.delete(c.id)])
        #expect(state.conversation == nil && state.conversations.isEmpty && state.conversationTotal == 0)
    }

    @Test func renameAndModelAndSystemPromptGoToTheStore() {
        var state = makeState()
        let c = Conversation(id: ConversationID(5), title: "five", model: "m", createdAt: Self.t0, updatedAt: Self.t0)
        _ = state.update(.conversationsLoaded([c], total: 1))
        _ = state.update(.conversationOpened(c, messages: [], earlier: 0, draft: nil))
        #expect(state.update(.rename(c.id, "  Renamed ")) == [.rename(c.id, "Renamed")])
        #expect(state.title == "Renamed" && state.conversations[0].title == "Renamed")
        #expect(state.update(.rename(c.id, "   ")).isEmpty)
        #expect(state.update(.setModel("claude-b")) == [.setModel(c.id, "claude-b")])
        #expect(state.model == "claude-b")
        #expect(state.update(.setSystemPrompt("Be brief.")) == [.setSystemPrompt(c.id, "Be brief.")])
        #expect(state.systemPrompt == "Be brief.")
        #expect(state.update(.setSystemPrompt("  ")) == [.setSystemPrompt(c.id, nil)])
    }

    @Test func theNewestListedModelIsUsedUnlessOneWasChosen() {
        var state = makeState(explicit: false)
        let models = [
            ModelInfo(id: "claude-new", displayName: "New", createdAt: "2026-10-01"),
            ModelInfo(id: "claude-old", displayName: "Old", createdAt: "2025-01-01"),
        ]
        _ = state.update(.modelsLoaded(models))
        #expect(state.model == "claude-new")
        var chosen = makeState(explicit: true)
        _ = chosen.update(.modelsLoaded(models))
        #expect(chosen.model == "claude-test-1")
    }

    @Test func aRejectedModelListTurnsTheKeyRejected() {
        var state = makeState()
        _ = state.update(.modelsFailed(APIError(kind: .authentication, httpStatus: 401, message: "invalid x-api-key")))
        #expect(state.key.health.word == "rejected")
        #expect(state.modelListProblem != nil)
    }

    @Test func startChecksTheKeyOnlyWhenThereIsOne() {
        var state = makeState(health: .unverified)
        let effects = state.start(resume: ConversationID(2))
        #expect(
            effects == [
                .loadConversations, .openConversation(ConversationID(2), saveDraftOf: nil), .loadModels, .verifyKey,
            ])
        #expect(state.key.health == .checking)
        var none = makeState(health: .missing)
        #expect(none.start(resume: nil) == [.loadConversations])
    }

    @Test func ticksExpireNoticesAndMoveTheClock() {
        var state = makeState()
        _ = state.update(.notify("hello", error: false, seconds: 5))
        _ = state.update(.tick(Self.t0.addingTimeInterval(4)))
        #expect(state.notice != nil)
        _ = state.update(.tick(Self.t0.addingTimeInterval(6)))
        #expect(state.notice == nil && state.now == Self.t0.addingTimeInterval(6))
    }

    @Test func storedMessagesKeepTheirMarks() {
        var state = makeState()
        func stored(_ id: Int64, _ role: MessageRole, _ status: MessageStatus, _ text: String, error: String? = nil)
            -> StoredMessage
        {
            StoredMessage(
                id: MessageID(id), conversationID: ConversationID(1), position: Int(id), role: role,
                content: StoredContent(text: text),
                status: status, errorSummary: error, createdAt: Self.t0, updatedAt: Self.t0)
        }
        let c = Conversation(id: ConversationID(1), title: "t", model: "m", createdAt: Self.t0, updatedAt: Self.t0)
        _ = state.update(
            .conversationOpened(
                c,
                messages: [
                    stored(1, .user, .complete, "q"), stored(2, .assistant, .interrupted, "half", error: "network"),
                    stored(3, .user, .failed, "q2", error: "HTTP 500"),
                ], earlier: 0, draft: nil))
        #expect(state.transcript.map(\.state) == [.complete, .interrupted("network"), .failed("HTTP 500")])
        #expect(state.transcript.map(\.position) == [1, 2, 3])
    }

    @Test func tokensPerSecondIsEstimatedFromTheText() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("hi"))))
        _ = state.update(.turn(r.turn, .started(requestID: nil)))
        _ = state.update(.turn(r.turn, .text(String(repeating: "a", count: 400))))
        #expect(state.tokensPerSecond == nil)
        _ = state.update(.tick(Self.t0.addingTimeInterval(2)))
        #expect(state.tokensPerSecond == 50)
    }

    // MARK: Dialogs only on the user's own action (issue 11, 6)

    static let unauthorized = APIError(
        kind: .authentication, httpStatus: 401, message: "invalid x-api-key", requestID: "req_401")

    @Test func aBackground401OpensNoDialogAndEnterOpensItThenSendsTheDraftInPlace() throws {
        var state = makeState()
        _ = state.start(resume: nil)
        _ = state.update(.draftEdited("typed while the check ran"))
        #expect(
            state.update(.keyChecked(KeyVerifier.Outcome(error: Self.unauthorized, requestID: "req_401", at: Self.t0)))
                == [.reloadKey])
        #expect(state.update(.keyReloadFailed).isEmpty)
        #expect(state.keyPrompt == nil)
        #expect(state.key.isRejected)
        #expect(state.notice?.text.contains("\(ChatState.keyDialogKeys) enters a new one") == true)

        // Enter: no request with a rejected key; the dialog, with the draft waiting.
        #expect(request(state.update(.send(state.draft))) == nil)
        guard case .rejected(_, let id)? = state.keyPrompt?.reason else {
            Issue.record("no dialog")
            return
        }
        #expect(id == "req_401" && state.keyPrompt?.messageWaits == true && state.draftWaitsForKey)
        #expect(state.draft == "typed while the check ran" && state.transcript.isEmpty)
        let typed = "sk-ant-api03-" + String(repeating: "b", count: 80)
        #expect(state.update(.submitKey(typed)) == [.verifyCandidate(typed)])
        _ = state.update(.candidateChecked(KeyVerifier.Outcome(error: nil, requestID: nil, at: Self.t0)))
        #expect(state.update(.keepKey(save: false)) == [.useKey(typed, save: false)])
        let sent = try #require(
            request(state.update(.keyApplied(masked: "sk-ant-…bbbb", source: .session, at: Self.t0, reloaded: false))))
        #expect(sent.prompt == "typed while the check ran")
        #expect(state.draft.isEmpty && !state.draftWaitsForKey)
        #expect(state.transcript.map(\.text) == ["typed while the check ran"])
    }

    @Test func aMessageSentBeforeAnyKeyIsSentOnceOneIsInUse() throws {
        var state = makeState(health: .missing)
        _ = state.start(resume: nil)
        _ = state.update(.closeKeyPrompt) // the start-up dialog
        _ = state.update(.draftEdited("hello before a key"))
        #expect(state.update(.send(state.draft)).isEmpty)
        #expect(state.keyPrompt?.reason == .firstRun && state.keyPrompt?.messageWaits == true)
        let sent = try #require(
            request(
                state.update(
                    .keyApplied(masked: "sk-ant-…bbbb", source: .credentialsFile("/c"), at: Self.t0, reloaded: false))))
        #expect(sent.prompt == "hello before a key" && sent.resendStored == nil)
        #expect(state.keyPrompt == nil)
    }

    @Test func aRejectedSendWaitsWithoutADialogAndEnterOnAnEmptyComposerAsks() throws {
        var state = makeState()
        let r = try #require(request(state.update(.send("first"))))
        #expect(state.update(.turn(r.turn, .failed(Self.unauthorized))) == [.reloadKey])
        _ = state.update(.keyReloadFailed)
        #expect(state.keyPrompt == nil && state.awaitingKeyTurn == r.turn)
        #expect(state.update(.send("")).isEmpty)
        #expect(state.keyPrompt?.messageWaits == true && !state.draftWaitsForKey)
        let again = try #require(
            request(state.update(.keyApplied(masked: "sk-ant-…bbbb", source: .session, at: Self.t0, reloaded: false))))
        #expect(again.turn == r.turn && again.prompt == "first")
    }

    @Test func aRejectedKeyStaysRejectedForSendingWhileTheMonitorChecksAgain() throws {
        var state = makeState(explicit: true, keyCheckInterval: 1)
        _ = state.update(.keyChecked(KeyVerifier.Outcome(error: Self.unauthorized, requestID: "req_401", at: Self.t0)))
        _ = state.update(.keyReloadFailed)
        #expect(state.update(.tick(Self.t0.addingTimeInterval(2))) == [.verifyKey])
        #expect(state.key.health == .checking)
        _ = state.update(.draftEdited("during the check"))
        #expect(request(state.update(.send(state.draft))) == nil)
        guard case .rejected(let message, _)? = state.keyPrompt?.reason else {
            Issue.record("no dialog")
            return
        }
        #expect(message == "invalid x-api-key")
        // A check that passes (the key works again) lifts it.
        _ = state.update(.closeKeyPrompt)
        _ = state.update(.keyChecked(KeyVerifier.Outcome(error: nil, requestID: nil, at: Self.t0)))
        #expect(!state.needsKey)
        #expect(request(state.update(.send(state.draft))) != nil)
    }
}
