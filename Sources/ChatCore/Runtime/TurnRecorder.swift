import AnthropicAPI
import Foundation
import SessionStore
import Synchronization

/// Writes one exchange (a chat turn or a `palaver ask`) to the session store as it happens: the user's message before the
/// request is sent, the reply as it streams (checkpointed, and linked to the prompt it answers),
/// and the outcome at the end. Store failures never cost the reply: they are reported once, in a
/// sentence that says what was not saved, and recording stops (``failure`` keeps the error, so a
/// caller that must not go on without a stored prompt can stop before sending).
public final class TurnRecorder: Sendable {
    public let store: SessionStore
    public let conversation: Conversation
    private let warn: @Sendable (String) -> Void

    private struct State {
        var userMessage: MessageID?
        var reply: MessageID?
        var checkpointer: Checkpointer?
        var requestID: String?
        var failure: SessionStoreError?
        /// Where the reply goes: after the active leaf, or beside the prompt's replies (regenerate).
        var replyParent: MessageParent = .activeLeaf
    }
    private let state = Mutex(State())

    private let warnsBeforePrompt: Bool

    /// `warnsBeforePrompt: false` leaves a failure to store the prompt to the caller (which then
    /// says itself that nothing was sent); later failures are always reported through `warn`.
    public init(
        store: SessionStore, conversation: Conversation, warnsBeforePrompt: Bool = true,
        warn: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.conversation = conversation
        self.warnsBeforePrompt = warnsBeforePrompt
        self.warn = warn
    }

    /// The stored prompt, once recorded (or reused).
    public var userMessage: MessageID? { state.withLock { $0.userMessage } }

    /// The stored reply, once the server accepted the request.
    public var replyMessage: MessageID? { state.withLock { $0.reply } }

    /// The store error that stopped recording, if any.
    public var failure: SessionStoreError? { state.withLock { $0.failure } }

    /// Stores the prompt (status pending) before anything is sent: after the active path's last
    /// message by default, or elsewhere in the conversation's tree (`.siblingOf(prompt)` for an
    /// edited prompt, whose reply then follows it on a new branch). It becomes the active leaf.
    public func recordPrompt(_ text: String, under parent: MessageParent = .activeLeaf) {
        attempt { state in
            state.userMessage = try store.appendUserMessage(to: conversation.id, text: text, under: parent).id
        }
    }

    /// Sends a stored prompt again (`--retry`): its row is reused, not duplicated, and marked
    /// pending again (which also proves the store can be written before anything is sent). The
    /// new reply follows the active leaf (the broken reply, in place) or, with `regenerate`, is
    /// the prompt's child beside the replies it already has (a new version, "‹ 2/2 ›"); either
    /// way it becomes the active leaf.
    public func reuse(prompt: MessageID, regenerate: Bool = false) {
        attempt { state in
            try store.setStatus(of: prompt, to: .pending)
            state.userMessage = prompt
            state.replyParent = regenerate ? .message(prompt) : .activeLeaf
        }
    }

    /// The server accepted the request: the reply row exists from now on (once, across retries).
    public func replyStarted(model: String, requestID: String?) {
        attempt { state in
            try Self.start(&state, store: store, conversation: conversation, model: model, requestID: requestID)
        }
    }

    private static func start(
        _ state: inout State, store: SessionStore, conversation: Conversation, model: String,
        requestID: String?
    ) throws {
        state.requestID = requestID ?? state.requestID
        guard state.reply == nil else { return }
        let row = try store.beginAssistantMessage(
            in: conversation.id, model: model, answering: state.userMessage, under: state.replyParent)
        state.reply = row.id
        state.checkpointer = try store.checkpointer(for: row.id)
    }

    public func text(_ delta: String) {
        state.withLock { $0.checkpointer }?.appendText(delta)
    }

    public func completed(_ message: Message) {
        attempt { state in
            if state.reply == nil {
                try Self.start(&state, store: store, conversation: conversation, model: message.model, requestID: nil)
            }
            try state.checkpointer?.finish(
                content: message.content, usage: message.usage, stopReason: message.stopReason,
                requestID: state.requestID, status: .complete)
            if let userMessage = state.userMessage { try store.setStatus(of: userMessage, to: .complete) }
        }
    }

    /// The request failed or was stopped. A reply that had begun is kept as *interrupted* with
    /// everything that arrived (the error's partial message, else what was checkpointed and
    /// queued), and its prompt counts as answered; a failure before any reply leaves the prompt
    /// marked failed, so it can be sent again. A stop (`.cancelled`, e.g. Ctrl-C) is never a
    /// failed reply.
    public func failed(_ error: APIError) {
        attempt { state in
            let summary = error.description
            let replyBegan = state.checkpointer != nil
            if let checkpointer = state.checkpointer {
                let partial = error.partial
                let interrupted = partial != nil || error.kind == .cancelled
                try checkpointer.finish(
                    content: partial?.content, usage: partial?.usage,
                    requestID: error.requestID ?? state.requestID,
                    status: interrupted ? .interrupted : .failed, errorSummary: summary)
            }
            if let userMessage = state.userMessage {
                let answered = replyBegan && (error.partial != nil || error.kind == .cancelled)
                try store.setStatus(
                    of: userMessage, to: answered ? .complete : .failed, errorSummary: answered ? nil : summary)
            }
        }
    }

    private func attempt(_ body: (inout State) throws -> Void) {
        let message: String? = state.withLock { state in
            guard state.failure == nil else { return nil }
            do {
                try body(&state)
                return nil
            } catch {
                let wrapped =
                    (error as? SessionStoreError) ?? SessionStoreError(.database, path: store.path, reason: "\(error)")
                state.failure = wrapped
                guard let prompt = state.userMessage else {
                    return warnsBeforePrompt ? "this exchange was not saved: \(wrapped)" : nil
                }
                return
                    "the rest of this exchange was not saved (the prompt is message \(prompt) of conversation \(conversation.id)): \(wrapped)"
            }
        }
        if let message { warn(message) }
    }
}
