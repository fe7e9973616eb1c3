import AnthropicAPI
import SessionStore

/// The mapping between the API's content and the store's plain values: the store keeps
/// content as JSON text in the API's block shape and token counts as numbers; ChatCore turns
/// them into ``ContentBlock``s and ``Usage`` and back. Nothing else converts between them.
extension StoredContent {
    /// What a reader sees in place of stored content that no longer decodes.
    public static let unreadablePlaceholder = "[palaver could not read this message's stored content]"

    /// API content blocks as stored content.
    public init(_ blocks: [ContentBlock]) {
        self.init(json: JSONValue.array(blocks.map(\.json)).serialized())
    }

    /// The stored blocks as API content blocks. Content that does not decode (a damaged row)
    /// gives one text block saying so, never a crash.
    public var contentBlocks: [ContentBlock] {
        guard isValid, let items = (try? JSONValue.parse(json))?.arrayValue else {
            return [.text(Self.unreadablePlaceholder)]
        }
        return items.map(ContentBlock.init(json:))
    }
}

extension StoredMessage {
    /// The message's content as API content blocks (see ``StoredContent/contentBlocks``).
    public var blocks: [ContentBlock] { content.contentBlocks }

    /// The token counts as the API's usage.
    public var apiUsage: Usage? { usage.map(Usage.init) }
}

extension TokenCounts {
    /// The counts of an API usage.
    public init(_ usage: Usage) {
        self.init(
            input: usage.inputTokens, output: usage.outputTokens, cacheWrite: usage.cacheCreationInputTokens,
            cacheRead: usage.cacheReadInputTokens)
    }
}

extension Usage {
    /// The API usage for stored counts.
    public init(_ counts: TokenCounts) {
        self.init(
            inputTokens: counts.input, outputTokens: counts.output, cacheCreationInputTokens: counts.cacheWrite,
            cacheReadInputTokens: counts.cacheRead)
    }
}
