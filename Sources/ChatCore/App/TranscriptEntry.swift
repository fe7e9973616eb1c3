import AnthropicAPI
import Foundation
import SessionStore

/// One turn of the open conversation as the transcript shows it.
public struct TranscriptEntry: Sendable, Equatable, Identifiable {
    public enum Role: Sendable, Equatable {
        case user
        case assistant
    }

    /// Where the turn stands; the transcript marks every state but `complete`.
    public enum State: Sendable, Equatable {
        case complete
        /// A prompt that is being sent, or waits to be sent again (the reason says why).
        case pending(String?)
        /// A reply that is arriving.
        case streaming
        /// A reply that stopped early; its text so far stays (the reason says why).
        case interrupted(String)
        /// A prompt whose request failed before any reply; the report explains the failure.
        case failed(String)
    }

    /// A local id, unique for the session (stored rows also have `storedID`).
    public var id: Int
    public var role: Role
    public var text: String
    public var state: State
    public var storedID: MessageID?
    /// The stored message's position in its conversation.
    public var position: Int?
    public var model: String?
    public var usage: Usage?
    public var createdAt: Date
    /// Which version of the message this is among its siblings (an edited prompt, a regenerated
    /// reply): "‹ 2/3 ›" when `count` > 1.
    public var version = Version(index: 0, count: 1)

    /// A message's place among its versions (0-based `index` of `count`).
    public struct Version: Sendable, Equatable {
        public var index: Int
        public var count: Int

        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }

        /// "2/3".
        public var label: String { "\(index + 1)/\(count)" }
    }

    public init(
        id: Int, role: Role, text: String, state: State = .complete, storedID: MessageID? = nil,
        model: String? = nil, usage: Usage? = nil, createdAt: Date
    ) {
        self.id = id
        self.role = role
        self.text = text
        self.state = state
        self.storedID = storedID
        self.model = model
        self.usage = usage
        self.createdAt = createdAt
    }

    /// The entry for a stored message (`id` is the local id to give it).
    init(stored message: StoredMessage, id: Int) {
        let state: State
        switch message.status {
        case .complete: state = .complete
        case .pending: state = .pending(message.role == .user ? "not answered yet: Ctrl+R sends it again" : nil)
        case .streaming: state = .streaming
        case .interrupted: state = .interrupted(message.errorSummary ?? "the reply stopped early")
        case .failed:
            state =
                message.role == .user
                ? .failed(message.errorSummary ?? "the request failed")
                : .interrupted(message.errorSummary ?? "the reply failed")
        }
        self.init(
            id: id, role: message.role == .user ? .user : .assistant, text: message.text, state: state,
            storedID: message.id, model: message.model, usage: message.apiUsage, createdAt: message.createdAt)
        position = message.position
        version = Version(index: message.siblingIndex, count: max(1, message.siblingCount))
    }
}
