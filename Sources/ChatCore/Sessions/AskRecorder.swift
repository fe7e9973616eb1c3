import AnthropicAPI
import Foundation
import SessionStore

/// Writes one `ask` exchange to the session store as it happens: the user's message before the
/// request is sent, the reply as it streams (checkpointed), and the outcome at the end.
/// Store failures never cost the reply: they are reported once and recording stops.
final class AskRecorder: @unchecked Sendable {
    let store: SessionStore
    let conversation: Conversation
    private let warn: @Sendable (String) -> Void
    private(set) var userMessage: MessageID?
    private var reply: MessageID?
    private var checkpointer: Checkpointer?
    private var requestID: String?
    private var broken = false

    init(store: SessionStore, conversation: Conversation, warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.conversation = conversation
        self.warn = warn
    }

    /// Stores the prompt (status pending) before anything is sent.
    func recordPrompt(_ text: String) {
        attempt { userMessage = try store.appendUserMessage(to: conversation.id, text: text).id }
    }

    /// Sends a stored prompt again (`--retry`): its row is reused, not duplicated.
    func reuse(prompt: MessageID) {
        userMessage = prompt
    }

    /// The server accepted the request: the reply row exists from now on (once, across retries).
    func replyStarted(model: String, requestID: String?) {
        self.requestID = requestID ?? self.requestID
        guard reply == nil else { return }
        attempt {
            let row = try store.beginAssistantMessage(in: conversation.id, model: model)
            reply = row.id
            checkpointer = try store.checkpointer(for: row.id)
        }
    }

    func text(_ delta: String) {
        checkpointer?.appendText(delta)
    }

    func completed(_ message: Message) {
        attempt {
            if reply == nil { replyStarted(model: message.model, requestID: nil) }
            try checkpointer?.finish(content: message.content, usage: message.usage, stopReason: message.stopReason,
                                     requestID: requestID, status: .complete)
            if let userMessage { try store.setStatus(of: userMessage, to: .complete) }
        }
    }

    /// The request failed: an interrupted reply keeps what arrived; a failure before any reply
    /// leaves the prompt marked failed so it can be sent again.
    func failed(_ error: APIError) {
        attempt {
            let summary = error.description
            if let checkpointer {
                let partial = error.partial
                try checkpointer.finish(content: partial?.content, usage: partial?.usage, requestID: error.requestID ?? requestID,
                                        status: partial == nil ? .failed : .interrupted, errorSummary: summary)
            }
            if let userMessage {
                try store.setStatus(of: userMessage, to: error.partial == nil ? .failed : .complete,
                                    errorSummary: error.partial == nil ? summary : nil)
            }
        }
    }

    private func attempt(_ body: () throws -> Void) {
        guard !broken else { return }
        do {
            try body()
        } catch {
            broken = true
            warn("could not save this exchange to \(store.path): \(error)")
        }
    }
}

/// The conversation so far as API context: complete exchanges only, so roles alternate.
/// Unanswered prompts and failed or interrupted replies are left out.
enum ConversationHistory {
    /// Calls `body` with every message of the conversation in order, a window of 500 at a time.
    static func forEachMessage(_ store: SessionStore, in conversation: ConversationID,
                               _ body: (StoredMessage) throws -> Void) throws {
        var after = -1
        while true {
            let page = try store.messages(in: conversation, after: after, limit: 500)
            try page.forEach(body)
            guard let last = page.last, page.count == 500 else { return }
            after = last.position
        }
    }

    /// The exchanges before `position` (all of them by default).
    static func load(_ store: SessionStore, conversation: ConversationID, before position: Int = .max) throws -> [InputMessage] {
        var history = Exchanges()
        try forEachMessage(store, in: conversation) { message in
            guard message.position < position else { return }
            switch message.role {
            case .user: history.prompt(message.content)
            case .assistant: history.reply(message.content, complete: message.status == .complete)
            }
        }
        return history.turns
    }

    /// Collects complete exchanges from messages given in order: a prompt and the complete,
    /// non-empty reply that answered it. A prompt sent again has an interrupted reply before
    /// its complete one; unanswered prompts and broken replies are left out, so roles alternate.
    struct Exchanges {
        private(set) var turns: [InputMessage] = []
        private var waiting: [ContentBlock]?

        mutating func prompt(_ content: [ContentBlock]) {
            waiting = content
        }

        mutating func reply(_ content: [ContentBlock], complete: Bool) {
            guard let prompt = waiting, complete, !content.isEmpty else { return }
            turns.append(InputMessage(role: "user", content: prompt))
            turns.append(InputMessage(role: "assistant", content: content))
            waiting = nil
        }
    }

    /// The prompt to send again: the last message if it is an unanswered or failed prompt, or
    /// the prompt a failed or interrupted last reply answered. `nil` when the last exchange is complete.
    static func promptToRetry(_ store: SessionStore, conversation: ConversationID) throws -> StoredMessage? {
        guard let last = try store.lastMessages(in: conversation, limit: 1).first else { return nil }
        switch (last.role, last.status) {
        case (.user, .failed), (.user, .pending):
            return last
        case (.assistant, .interrupted), (.assistant, .failed):
            return try store.userMessage(answeredBy: last.id)
        default:
            return nil
        }
    }
}
