/// The token counts stored with a reply, as the schema keeps them (any may be unknown).
public struct TokenCounts: Sendable, Equatable {
    /// Input tokens billed (`input_tokens`).
    public var input: Int?
    /// Output tokens (`output_tokens`).
    public var output: Int?
    /// Input tokens written to the prompt cache (`cache_creation_input_tokens`).
    public var cacheWrite: Int?
    /// Input tokens read from the prompt cache (`cache_read_input_tokens`).
    public var cacheRead: Int?

    public init(input: Int? = nil, output: Int? = nil, cacheWrite: Int? = nil, cacheRead: Int? = nil) {
        self.input = input
        self.output = output
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
    }

    /// True when no count is known.
    public var isEmpty: Bool { self == TokenCounts() }
}
