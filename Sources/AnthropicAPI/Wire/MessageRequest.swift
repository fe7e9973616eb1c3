/// The body of `POST /v1/messages` (and, without `maxTokens`/`stream`, of `count_tokens`).
public struct MessageRequest: Sendable, Equatable {
    public var model: String
    public var maxTokens: Int
    public var messages: [InputMessage]
    public var system: String?
    public var temperature: Double?
    public var stopSequences: [String]?
    public var metadataUserID: String?
    /// Extra top-level members passed through as they are (tools, thinking, service_tier…).
    public var extra: [String: JSONValue]

    public init(
        model: String, maxTokens: Int, messages: [InputMessage], system: String? = nil,
        temperature: Double? = nil, stopSequences: [String]? = nil, metadataUserID: String? = nil,
        extra: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.maxTokens = maxTokens
        self.messages = messages
        self.system = system
        self.temperature = temperature
        self.stopSequences = stopSequences
        self.metadataUserID = metadataUserID
        self.extra = extra
    }

    /// The JSON body; `stream` selects server-sent events.
    public func body(stream: Bool) -> JSONValue {
        var o = extra
        o["model"] = .string(model)
        o["max_tokens"] = .int(maxTokens)
        o["messages"] = .array(messages.map(\.json))
        if let system, !system.isEmpty { o["system"] = .string(system) }
        if let temperature { o["temperature"] = .double(temperature) }
        if let stopSequences { o["stop_sequences"] = .array(stopSequences.map(JSONValue.string)) }
        if let metadataUserID { o["metadata"] = .object(["user_id": .string(metadataUserID)]) }
        if stream { o["stream"] = .bool(true) }
        return .object(o)
    }

    /// The body for `count_tokens`: the same request without `max_tokens` and `stream`.
    public var countTokensBody: JSONValue {
        guard case .object(var o) = body(stream: false) else { return body(stream: false) }
        o["max_tokens"] = nil
        return .object(o)
    }
}

/// One turn of the conversation sent as context.
public struct InputMessage: Sendable, Equatable {
    public var role: String
    public var content: [ContentBlock]

    public init(role: String, content: [ContentBlock]) {
        self.role = role
        self.content = content
    }

    public static func user(_ text: String) -> InputMessage { InputMessage(role: "user", content: [.text(text)]) }
    public static func assistant(_ text: String) -> InputMessage {
        InputMessage(role: "assistant", content: [.text(text)])
    }

    var json: JSONValue {
        if content.count == 1, case .text(let t) = content[0] {
            return .object(["role": .string(role), "content": .string(t)])
        }
        return .object(["role": .string(role), "content": .array(content.map(\.json))])
    }
}
