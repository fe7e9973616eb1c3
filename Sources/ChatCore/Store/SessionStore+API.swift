import AnthropicAPI
import SessionStore

/// The store's writes in API terms: each maps the content blocks and usage to the store's
/// values (``StoredContent``, ``TokenCounts``) and calls the store.
extension SessionStore {
    /// Stores the user's turn given as API content blocks (see
    /// ``SessionStore/appendUserMessage(to:content:status:)``).
    @discardableResult
    public func appendUserMessage(
        to conversation: ConversationID, blocks: [ContentBlock], status: MessageStatus = .pending
    )
        throws(SessionStoreError) -> StoredMessage
    {
        try appendUserMessage(to: conversation, content: StoredContent(blocks), status: status)
    }

    /// Writes a reply's final state from API values (see
    /// ``SessionStore/finishAssistantMessage(_:content:usage:stopReason:requestID:status:errorSummary:)``).
    @discardableResult
    public func finishAssistantMessage(
        _ id: MessageID, blocks: [ContentBlock]?, usage: Usage? = nil, stopReason: String? = nil,
        requestID: String? = nil, status: MessageStatus = .complete, errorSummary: String? = nil
    )
        throws(SessionStoreError) -> StoredMessage
    {
        try finishAssistantMessage(
            id, content: blocks.map(StoredContent.init), usage: usage.map(TokenCounts.init),
            stopReason: stopReason, requestID: requestID, status: status, errorSummary: errorSummary)
    }
}

extension Checkpointer {
    /// Replaces the reply's content with API content blocks (see ``Checkpointer/replaceContent(_:)``).
    public func replaceContent(_ blocks: [ContentBlock]) {
        replaceContent(StoredContent(blocks))
    }

    /// Finishes the reply from API values (see
    /// ``Checkpointer/finish(content:usage:stopReason:requestID:status:errorSummary:)``);
    /// `content: nil` keeps what was streamed.
    @discardableResult
    public func finish(
        content: [ContentBlock]?, usage: Usage?, stopReason: String? = nil, requestID: String? = nil,
        status: MessageStatus = .complete, errorSummary: String? = nil
    ) throws(SessionStoreError) -> StoredMessage {
        try finish(
            content: content.map(StoredContent.init), usage: usage.map(TokenCounts.init), stopReason: stopReason,
            requestID: requestID, status: status, errorSummary: errorSummary)
    }
}
