/// A message as the API returns it (non-streaming) or as a stream assembles it.
public struct Message: Sendable, Equatable {
    public var id: String
    public var role: String
    public var model: String
    public var content: [ContentBlock]
    public var stopReason: String?
    public var stopSequence: String?
    public var usage: Usage

    public init(
        id: String = "", role: String = "assistant", model: String = "", content: [ContentBlock] = [],
        stopReason: String? = nil, stopSequence: String? = nil, usage: Usage = Usage()
    ) {
        self.id = id
        self.role = role
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }

    /// The concatenated text of every text block.
    public var text: String {
        content.reduce(into: "") { result, block in
            if case .text(let t) = block { result += t }
        }
    }
}

/// Token counts. Fields the API adds later are ignored; absent ones are `nil`.
public struct Usage: Sendable, Equatable {
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var cacheCreationInputTokens: Int?
    public var cacheReadInputTokens: Int?

    public init(
        inputTokens: Int? = nil, outputTokens: Int? = nil,
        cacheCreationInputTokens: Int? = nil, cacheReadInputTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
    }

    /// Overwrites the counts present in `update` (stream `message_delta` usage is cumulative).
    public mutating func merge(_ update: Usage) {
        if let v = update.inputTokens { inputTokens = v }
        if let v = update.outputTokens { outputTokens = v }
        if let v = update.cacheCreationInputTokens { cacheCreationInputTokens = v }
        if let v = update.cacheReadInputTokens { cacheReadInputTokens = v }
    }
}

/// One block of a message's content.
public enum ContentBlock: Sendable, Equatable {
    case text(String)
    /// A tool call; `input` is the parsed arguments, `rawInput` the JSON text as streamed.
    case toolUse(id: String, name: String, input: JSONValue)
    case thinking(String, signature: String)
    case redactedThinking(data: String)
    /// A block type palaver does not know yet, kept whole.
    case other(type: String, json: JSONValue)
}

// MARK: Decoding from JSON

extension Usage {
    /// Reads the counts the API sends; a count that is not a whole number from 0 to 2⁵³ is
    /// treated as absent (a server's nonsense never becomes a negative or trapping number).
    init(json: JSONValue?) {
        func count(_ key: String) -> Int? {
            guard let n = json?[key]?.intValue, n >= 0, n <= 1 << 53 else { return nil }
            return n
        }
        self.init(
            inputTokens: count("input_tokens"),
            outputTokens: count("output_tokens"),
            cacheCreationInputTokens: count("cache_creation_input_tokens"),
            cacheReadInputTokens: count("cache_read_input_tokens"))
    }

    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        if let v = inputTokens { o["input_tokens"] = .int(v) }
        if let v = outputTokens { o["output_tokens"] = .int(v) }
        if let v = cacheCreationInputTokens { o["cache_creation_input_tokens"] = .int(v) }
        if let v = cacheReadInputTokens { o["cache_read_input_tokens"] = .int(v) }
        return .object(o)
    }
}

extension ContentBlock {
    /// Builds a block from its API JSON; unknown block types are kept whole as `.other`.
    public init(json: JSONValue) {
        let type = json["type"]?.stringValue ?? ""
        switch type {
        case "text":
            self = .text(json["text"]?.stringValue ?? "")
        case "tool_use":
            self = .toolUse(
                id: json["id"]?.stringValue ?? "", name: json["name"]?.stringValue ?? "",
                input: json["input"] ?? .object([:]))
        case "thinking":
            self = .thinking(json["thinking"]?.stringValue ?? "", signature: json["signature"]?.stringValue ?? "")
        case "redacted_thinking":
            self = .redactedThinking(data: json["data"]?.stringValue ?? "")
        default:
            self = .other(type: type, json: json)
        }
    }

    public var json: JSONValue {
        switch self {
        case .text(let t): return .object(["type": .string("text"), "text": .string(t)])
        case .toolUse(let id, let name, let input):
            return .object(["type": .string("tool_use"), "id": .string(id), "name": .string(name), "input": input])
        case .thinking(let t, let sig):
            return .object(["type": .string("thinking"), "thinking": .string(t), "signature": .string(sig)])
        case .redactedThinking(let data):
            return .object(["type": .string("redacted_thinking"), "data": .string(data)])
        case .other(_, let json): return json
        }
    }
}

extension Message {
    /// Builds a message from its JSON; fails only when the value is not a message object.
    public init(json: JSONValue) throws(APIError) {
        guard case .object = json, json["type"]?.stringValue == "message" || json["content"] != nil else {
            throw APIError(
                kind: .malformedResponse,
                message:
                    "the reply is JSON but not a message: expected an object with \"type\": \"message\" and a \"content\" array, got \(json.shapeDescription)"
            )
        }
        self.init(
            id: json["id"]?.stringValue ?? "",
            role: json["role"]?.stringValue ?? "assistant",
            model: json["model"]?.stringValue ?? "",
            content: (json["content"]?.arrayValue ?? []).map(ContentBlock.init(json:)),
            stopReason: json["stop_reason"]?.stringValue,
            stopSequence: json["stop_sequence"]?.stringValue,
            usage: Usage(json: json["usage"]))
    }

    /// The message in the API's own JSON shape (what `palaver ask --json` prints).
    public var json: JSONValue {
        .object([
            "id": .string(id),
            "type": .string("message"),
            "role": .string(role),
            "model": .string(model),
            "content": .array(content.map(\.json)),
            "stop_reason": stopReason.map(JSONValue.string) ?? .null,
            "stop_sequence": stopSequence.map(JSONValue.string) ?? .null,
            "usage": usage.json,
        ])
    }
}
