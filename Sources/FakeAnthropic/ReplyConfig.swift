/// How the fake answers a valid POST /v1/messages.
///
/// JSON (control API): `text`, `chunk_chars`, `delay_ms`, `ping_every`, `thinking`,
/// `thinking_signature`, `tool_use` (`{"name":…,"input":{…},"id":…}`), `stop_reason`.
/// Absent fields take their default values (a POST replaces the whole config).
public struct ReplyConfig: Sendable, Equatable, Codable {
    /// Reply text; nil = `"Hello from fake-anthropic. You said: <last user text>"`.
    /// With `toolUse` set and `text` nil (or ""), no text block is sent.
    public var text: String?
    /// Characters (grapheme clusters) per text/thinking/input_json delta. Default 8, minimum 1.
    public var chunkChars: Int
    /// Delay between consecutive content_block_delta events, in milliseconds. Default 0.
    public var delayMs: Int
    /// Send a ping after every N deltas (0 = only the ping after message_start). Default 0.
    public var pingEvery: Int
    /// If set, a thinking block (thinking_delta…, signature_delta) comes before the text.
    public var thinking: String?
    /// Signature sent in the signature_delta; default a fixed base64-looking string.
    public var thinkingSignature: String?
    /// If set, a tool_use block comes last and stop_reason defaults to "tool_use".
    public var toolUse: ToolUse?
    /// stop_reason; default "end_turn" ("tool_use" when `toolUse` is set).
    public var stopReason: String?

    public init(
        text: String? = nil,
        chunkChars: Int = 8,
        delayMs: Int = 0,
        pingEvery: Int = 0,
        thinking: String? = nil,
        thinkingSignature: String? = nil,
        toolUse: ToolUse? = nil,
        stopReason: String? = nil
    ) {
        self.text = text
        self.chunkChars = max(1, chunkChars)
        self.delayMs = max(0, delayMs)
        self.pingEvery = max(0, pingEvery)
        self.thinking = thinking
        self.thinkingSignature = thinkingSignature
        self.toolUse = toolUse
        self.stopReason = stopReason
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, thinking
        case chunkChars = "chunk_chars"
        case delayMs = "delay_ms"
        case pingEvery = "ping_every"
        case thinkingSignature = "thinking_signature"
        case toolUse = "tool_use"
        case stopReason = "stop_reason"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            text: try c.decodeIfPresent(String.self, forKey: .text),
            chunkChars: try c.decodeIfPresent(Int.self, forKey: .chunkChars) ?? 8,
            delayMs: try c.decodeIfPresent(Int.self, forKey: .delayMs) ?? 0,
            pingEvery: try c.decodeIfPresent(Int.self, forKey: .pingEvery) ?? 0,
            thinking: try c.decodeIfPresent(String.self, forKey: .thinking),
            thinkingSignature: try c.decodeIfPresent(String.self, forKey: .thinkingSignature),
            toolUse: try c.decodeIfPresent(ToolUse.self, forKey: .toolUse),
            stopReason: try c.decodeIfPresent(String.self, forKey: .stopReason)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(text, forKey: .text)
        try c.encode(chunkChars, forKey: .chunkChars)
        try c.encode(delayMs, forKey: .delayMs)
        try c.encode(pingEvery, forKey: .pingEvery)
        try c.encodeIfPresent(thinking, forKey: .thinking)
        try c.encodeIfPresent(thinkingSignature, forKey: .thinkingSignature)
        try c.encodeIfPresent(toolUse, forKey: .toolUse)
        try c.encodeIfPresent(stopReason, forKey: .stopReason)
    }
}
