import AnthropicAPI
import Credentials
import Foundation
import SessionStore
import Testing

@testable import ChatCore

/// The actions the UI sends instead of writing the state: the draft, notices, the key field, start.
@Suite struct ChatStateUIActionsTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func makeState(health: KeyHealth = .valid(verifiedAt: t0)) -> ChatState {
        ChatState(
            settings: .init(baseURL: "http://127.0.0.1:1", fallbackModel: "claude-test-1", modelIsExplicit: true),
            key: KeyStatus(health: health, masked: "sk-ant-…wxyz", source: .environment("ANTHROPIC_API_KEY")),
            now: Self.t0)
    }

    @Test func anEditedDraftIsKeptWithoutReloadingTheComposer() {
        var state = makeState()
        let revision = state.draftRevision
        #expect(state.update(.draftEdited("half a thought")).isEmpty)
        #expect(state.draft == "half a thought")
        #expect(state.draftRevision == revision)
    }

    @Test func theEditedDraftIsWhatANewConversationSaves() {
        var state = makeState()
        _ = state.update(.send("one"))
        _ = state.update(.draftEdited("unsent"))
        _ = state.update(.turn(1, .failed(APIError(kind: .cancelled, message: "stopped"))))
        #expect(state.update(.newConversation) == [.saveDraft(DraftSave(conversation: nil, text: "unsent"))])
    }

    @Test func aNoticeShowsForItsSeconds() {
        var state = makeState()
        _ = state.update(.notify("Copied", error: false, seconds: 3))
        #expect(state.notice == ChatState.Notice(text: "Copied", isError: false, until: Self.t0.addingTimeInterval(3)))
        _ = state.update(.tick(Self.t0.addingTimeInterval(2.9)))
        #expect(state.notice?.text == "Copied")
        _ = state.update(.tick(Self.t0.addingTimeInterval(3)))
        #expect(state.notice == nil)
    }

    @Test func editingAFailedKeyGoesBackToEditingOnlyFromFailed() {
        var state = makeState()
        _ = state.update(.openKeyPrompt)
        _ = state.update(.submitKey("not a key"))
        #expect(state.keyPrompt?.phase == .refusedLocally, "not refused")
        _ = state.update(.editKeyAgain)
        #expect(state.keyPrompt?.phase == .editing)
        _ = state.update(.submitKey("sk-ant-api03-" + String(repeating: "a", count: 40)))
        #expect(state.keyPrompt?.phase == .verifying)
        _ = state.update(.editKeyAgain)
        #expect(state.keyPrompt?.phase == .verifying)
    }

    @Test func startIsAnAction() {
        var viaMethod = makeState()
        var viaAction = makeState()
        #expect(viaMethod.start(resume: ConversationID(2)) == viaAction.update(.start(resume: ConversationID(2))))
        #expect(viaAction.key.health.word == "checking")
    }

    @Test func aRestoredDraftAndAStoreProblemComeFromInit() {
        let state = ChatState(
            settings: .init(baseURL: "http://127.0.0.1:1", fallbackModel: "m"),
            key: KeyStatus(health: .missing, masked: nil, source: nil), now: Self.t0,
            draft: "saved text", storeProblem: "not saved")
        #expect(state.draft == "saved text")
        #expect(state.storeProblem == "not saved")
    }
}
