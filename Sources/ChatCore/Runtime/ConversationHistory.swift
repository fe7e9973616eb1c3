import AnthropicAPI
import SessionStore

/// The conversation so far as API context: its active path (the branch the user is on; other
/// versions of edited prompts and regenerated replies are never sent), complete exchanges
/// only, so roles alternate. Unanswered prompts and failed or interrupted replies are left out.
public enum ConversationHistory {
    /// Calls `body` with every message of the conversation's active path in order, a window of
    /// 500 at a time.
    public static func forEachMessage(
        _ store: SessionStore, in conversation: ConversationID,
        _ body: (StoredMessage) throws -> Void
    ) throws {
        var after = -1
        while true {
            let page = try store.messages(in: conversation, after: after, limit: 500)
            try page.forEach(body)
            guard let last = page.last, page.count == 500 else { return }
            after = last.position
        }
    }

    /// The exchanges of the active path before `position` (all of them by default; for an
    /// edited prompt or a regenerate, the position of the prompt it replaces or answers, which
    /// must be on the active path). A reply is paired with the
    /// prompt it records (``StoredMessage/replyTo``), so two `ask -c` that ran at once, whose
    /// rows interleave, still give each prompt its own answer.
    public static func load(_ store: SessionStore, conversation: ConversationID, before position: Int = .max) throws
        -> [InputMessage]
    {
        var history = Exchanges()
        try forEachMessage(store, in: conversation) { message in
            guard message.position < position else { return }
            switch message.role {
            case .user: history.prompt(message.blocks, id: message.id)
            case .assistant:
                history.reply(message.blocks, complete: message.status == .complete, answering: message.replyTo)
            }
        }
        return history.turns
    }

    /// Collects complete exchanges from messages given in order: a prompt and the complete,
    /// non-empty reply that answered it, in the order of the prompts. A reply names its prompt
    /// (`answering`), or answers the latest prompt not yet answered when it does not (rows
    /// stored before replies recorded their prompt, and the on-screen transcript). A prompt sent
    /// again has an interrupted reply before its complete one; unanswered prompts and broken
    /// replies are left out, so roles alternate.
    public struct Exchanges {
        private var prompts: [[ContentBlock]] = []
        private var answers: [Int: [ContentBlock]] = [:]
        private var index: [MessageID: Int] = [:]
        /// The latest prompt, while no reply has answered it.
        private var waiting: Int?

        public init() {}

        /// user, assistant, user, assistant… for every answered prompt.
        public var turns: [InputMessage] {
            prompts.indices.flatMap { i -> [InputMessage] in
                guard let answer = answers[i] else { return [] }
                return [
                    InputMessage(role: "user", content: prompts[i]), InputMessage(role: "assistant", content: answer),
                ]
            }
        }

        public mutating func prompt(_ content: [ContentBlock], id: MessageID? = nil) {
            prompts.append(content)
            if let id { index[id] = prompts.count - 1 }
            waiting = prompts.count - 1
        }

        public mutating func reply(_ content: [ContentBlock], complete: Bool, answering prompt: MessageID? = nil) {
            let target = prompt.map { index[$0] } ?? waiting
            guard let target, complete, !content.isEmpty else { return }
            answers[target] = content
            if target == waiting { waiting = nil }
        }
    }

    /// The prompt to send again: the last message if it is an unanswered or failed prompt, or
    /// the prompt a failed or interrupted last reply answered. `nil` when the last exchange is complete.
    public static func promptToRetry(_ store: SessionStore, conversation: ConversationID) throws -> StoredMessage? {
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
