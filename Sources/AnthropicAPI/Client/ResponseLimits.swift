/// How much of a server's reply palaver reads before it gives up with a clear error, so that no
/// reply, however hostile, grows memory without limit. Generous: real replies stay far below.
public struct ResponseLimits: Sendable, Equatable {
    /// One line, and the data of one event, of an event stream (default 16 MiB).
    public var maxStreamLineBytes: Int
    /// A whole event stream (default 256 MiB; a real reply is a few MiB at most).
    public var maxStreamBytes: Int
    /// A whole non-streaming reply: a message or a token count (default 64 MiB).
    public var maxBodyBytes: Int
    /// A page of `GET /v1/models` (default 8 MiB).
    public var maxModelsBodyBytes: Int
    /// An error body (status 400 or more): this much is kept and read, the rest is not (default 1 MiB).
    public var maxErrorBodyBytes: Int

    public init(
        maxStreamLineBytes: Int = 16 << 20, maxStreamBytes: Int = 256 << 20, maxBodyBytes: Int = 64 << 20,
        maxModelsBodyBytes: Int = 8 << 20, maxErrorBodyBytes: Int = 1 << 20
    ) {
        self.maxStreamLineBytes = max(1, maxStreamLineBytes)
        self.maxStreamBytes = max(1, maxStreamBytes)
        self.maxBodyBytes = max(1, maxBodyBytes)
        self.maxModelsBodyBytes = max(1, maxModelsBodyBytes)
        self.maxErrorBodyBytes = max(1, maxErrorBodyBytes)
    }
}
