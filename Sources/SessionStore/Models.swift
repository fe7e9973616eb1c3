import Foundation

/// The identifier of a stored row (its SQLite row id; never reused after a delete). The tag
/// keeps conversation and message ids apart in the type system.
public struct RowID<Tag>: Hashable, Sendable, Comparable, LosslessStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    /// Parses the decimal form the CLI prints (`palaver sessions show 42`).
    public init?(_ description: String) {
        guard let value = Int64(description.trimmingCharacters(in: .whitespaces)), value > 0 else { return nil }
        rawValue = value
    }
    public var description: String { String(rawValue) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

public enum ConversationRow {}
public enum MessageRow {}

/// The identifier of a stored conversation.
public typealias ConversationID = RowID<ConversationRow>
/// The identifier of a stored message.
public typealias MessageID = RowID<MessageRow>

/// A conversation's header: what the sidebar and `sessions list` show.
public struct Conversation: Sendable, Equatable, Identifiable {
    public var id: ConversationID
    public var title: String
    /// The model new replies in this conversation use.
    public var model: String
    public var systemPrompt: String?
    public var createdAt: Date
    /// Bumped by every message appended or finished, and by renames and setting changes.
    public var updatedAt: Date

    public init(
        id: ConversationID, title: String, model: String, systemPrompt: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.title = title
        self.model = model
        self.systemPrompt = systemPrompt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Who wrote a message.
public enum MessageRole: String, Sendable, CaseIterable {
    case user, assistant
}

/// Where a message is in its life.
///
/// User messages go `pending` (stored, request not yet accepted) → `complete` or `failed`.
/// Assistant messages go `streaming` → `complete`, `interrupted` (the stream or the process
/// stopped early; what arrived is kept) or `failed` (the request failed; see `errorSummary`).
public enum MessageStatus: String, Sendable, CaseIterable {
    case pending, streaming, complete, interrupted, failed

    /// True for a reply that ended early, which a retry can re-send.
    public var isRetryable: Bool { self == .interrupted || self == .failed }
}

/// The process writing a `streaming` row, and when it last said it was alive.
public struct StreamOwner: Sendable, Equatable {
    public var pid: Int32
    /// Distinguishes a reused pid: boot id and process start time on Linux, `nil` elsewhere.
    public var startToken: String?
    public var heartbeatAt: Date?
}

/// A message as stored.
public struct StoredMessage: Sendable, Equatable, Identifiable {
    public var id: MessageID
    public var conversationID: ConversationID
    /// 1, 2, 3… in the order the messages were appended; unique and increasing per conversation.
    public var position: Int
    public var role: MessageRole
    /// The content blocks as stored JSON (the store reads only their text).
    public var content: StoredContent
    public var status: MessageStatus
    /// The model that wrote an assistant message; `nil` for user messages.
    public var model: String?
    /// The API's `request-id` of the request that produced this reply.
    public var requestID: String?
    public var usage: TokenCounts?
    public var stopReason: String?
    /// Why the request or stream failed, with any key masked.
    public var errorSummary: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The writer of a `streaming` row (kept on rows recovered as `interrupted`); `nil` otherwise.
    public var owner: StreamOwner?
    /// For a reply: the user message it answers, when recorded (`nil` in rows stored before
    /// palaver recorded it; such a reply answers the nearest user message before it).
    public var replyTo: MessageID?

    public init(
        id: MessageID, conversationID: ConversationID, position: Int, role: MessageRole, content: StoredContent,
        status: MessageStatus, model: String? = nil, requestID: String? = nil, usage: TokenCounts? = nil,
        stopReason: String? = nil, errorSummary: String? = nil, createdAt: Date, updatedAt: Date,
        owner: StreamOwner? = nil,
        replyTo: MessageID? = nil
    ) {
        self.id = id
        self.conversationID = conversationID
        self.position = position
        self.role = role
        self.content = content
        self.status = status
        self.model = model
        self.requestID = requestID
        self.usage = usage
        self.stopReason = stopReason
        self.errorSummary = errorSummary
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.owner = owner
        self.replyTo = replyTo
    }

    /// The text of every text block, blocks separated by a blank line.
    public var text: String { content.text }
}

/// One search hit: where it is and a snippet of the matching text.
public struct SearchHit: Sendable, Equatable {
    public var conversationID: ConversationID
    public var conversationTitle: String
    public var messageID: MessageID
    public var position: Int
    public var role: MessageRole
    /// Text around the match, matched terms wrapped in the caller's markers, cut with `…`.
    public var snippet: String

    public init(
        conversationID: ConversationID, conversationTitle: String, messageID: MessageID, position: Int,
        role: MessageRole,
        snippet: String
    ) {
        self.conversationID = conversationID
        self.conversationTitle = conversationTitle
        self.messageID = messageID
        self.position = position
        self.role = role
        self.snippet = snippet
    }
}

/// The formats a conversation can be exported in.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// A readable document: title, model, system prompt, one section per turn.
    case markdown
    /// Everything stored about the conversation; `importConversation` reads it back exactly.
    case json
}
