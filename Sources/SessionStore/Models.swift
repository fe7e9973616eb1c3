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
    /// 1, 2, 3… along the message's path: 1 for a first prompt, its parent's position + 1
    /// otherwise. Along the conversation's active path positions are unique and increasing, so
    /// they page the transcript (``SessionStore/messages(in:before:limit:)``); a message of
    /// another branch shares its position with the messages at its depth on other branches.
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
    /// The message this one follows in the conversation's tree; `nil` for a first prompt.
    public var parentID: MessageID?
    /// This message among its siblings (the children of its parent, first prompts for a first
    /// prompt), 0-based, in the order they were created: an edited prompt or a regenerated
    /// reply is a later sibling. Read with the message, so a transcript can show "‹ 2/3 ›".
    public var siblingIndex: Int
    /// How many siblings the message has, itself included (1 when it has no other version).
    public var siblingCount: Int

    public init(
        id: MessageID, conversationID: ConversationID, position: Int, role: MessageRole, content: StoredContent,
        status: MessageStatus, model: String? = nil, requestID: String? = nil, usage: TokenCounts? = nil,
        stopReason: String? = nil, errorSummary: String? = nil, createdAt: Date, updatedAt: Date,
        owner: StreamOwner? = nil,
        replyTo: MessageID? = nil, parentID: MessageID? = nil, siblingIndex: Int = 0, siblingCount: Int = 1
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
        self.parentID = parentID
        self.siblingIndex = siblingIndex
        self.siblingCount = siblingCount
    }

    /// The text of every text block, blocks separated by a blank line.
    public var text: String { content.text }
}

/// Where a new user message goes in the conversation's tree
/// (``SessionStore/appendUserMessage(to:text:status:under:)``).
public enum MessageParent: Sendable, Equatable {
    /// After the last message of the active path: a new prompt in the conversation.
    case activeLeaf
    /// Under this message: a new branch from it when it already has children.
    case message(MessageID)
    /// Beside this message, under its parent: an edited prompt (a first prompt edited is a
    /// new first prompt).
    case siblingOf(MessageID)
}

/// A message among its siblings (see ``SessionStore/siblings(of:)``).
public struct Siblings: Sendable, Equatable {
    /// The children of the message's parent (first prompts, for a first prompt), in creation order.
    public var ids: [MessageID]
    /// The message's index in ``ids``.
    public var index: Int

    public init(ids: [MessageID], index: Int) {
        self.ids = ids
        self.index = index
    }

    /// "2/3": the message's 1-based place among its siblings.
    public var label: String { "\(index + 1)/\(ids.count)" }
}

/// One search hit: where it is and a snippet of the matching text.
public struct SearchHit: Sendable, Equatable {
    public var conversationID: ConversationID
    public var conversationTitle: String
    public var messageID: MessageID
    /// The message's position along its path (see ``StoredMessage/position``). The message may
    /// be on a branch other than the active path: ``SessionStore/setActive(message:)`` shows it.
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
