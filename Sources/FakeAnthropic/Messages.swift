import Foundation

/// A validated POST /v1/messages (or count_tokens) body.
struct MessageRequest {
    var model: String
    var maxTokens: Int?
    var stream: Bool
    var inputTokens: Int
    var lastUserText: String
}

enum MessageValidation {
    /// Validates the body like the real API (field-named 400 messages). Returns the request or
    /// an error message for a 400 invalid_request_error.
    static func validate(_ body: JSONValue, requireMaxTokens: Bool) -> Result<MessageRequest, ValidationError> {
        do {
            return .success(try validated(body, requireMaxTokens: requireMaxTokens))
        } catch {
            return .failure(error)
        }
    }

    /// The fields in the order the real API checks them: model, max_tokens, messages, system, tools, stream.
    private static func validated(_ body: JSONValue, requireMaxTokens: Bool) throws(ValidationError) -> MessageRequest {
        guard case .object = body else {
            throw ValidationError("Request body must be a JSON object.")
        }
        let model = try self.model(body)
        let maxTokens = requireMaxTokens ? try self.maxTokens(body) : nil
        let messages = try self.messages(body)
        var characters = messages.characters
        characters += try systemCharacters(body)
        if let tools = body["tools"], !tools.isNull {
            characters += tools.serialized.count
        }
        let stream = try self.stream(body)
        return MessageRequest(
            model: model,
            maxTokens: maxTokens,
            stream: stream,
            inputTokens: TokenEstimate.tokens(characters: characters),
            lastUserText: messages.lastUserText
        )
    }

    /// `model`: a non-empty string.
    private static func model(_ body: JSONValue) throws(ValidationError) -> String {
        guard let modelValue = body["model"] else { throw ValidationError("model: Field required") }
        guard let model = modelValue.stringValue else {
            throw ValidationError("model: Input should be a valid string")
        }
        if model.isEmpty { throw ValidationError("model: String should have at least 1 character") }
        return model
    }

    /// `max_tokens`: a whole number ≥ 1.
    private static func maxTokens(_ body: JSONValue) throws(ValidationError) -> Int {
        guard let mt = body["max_tokens"] else { throw ValidationError("max_tokens: Field required") }
        guard let value = mt.intValue else {
            throw ValidationError("max_tokens: Input should be a valid integer")
        }
        if value < 1 { throw ValidationError("max_tokens: Input should be greater than or equal to 1") }
        return value
    }

    /// `messages`: a non-empty list of user and assistant messages. Returns the characters they
    /// count for and the text of the last user message.
    private static func messages(_ body: JSONValue) throws(ValidationError) -> (characters: Int, lastUserText: String) {
        guard let messagesValue = body["messages"] else { throw ValidationError("messages: Field required") }
        guard let messages = messagesValue.arrayValue else {
            throw ValidationError("messages: Input should be a valid list")
        }
        if messages.isEmpty { throw ValidationError("messages: at least one message is required") }

        var characters = 0
        var lastUserText = ""
        for (i, message) in messages.enumerated() {
            guard case .object = message else {
                throw ValidationError("messages.\(i): Input should be a valid dictionary")
            }
            guard let roleValue = message["role"] else { throw ValidationError("messages.\(i).role: Field required") }
            guard let role = roleValue.stringValue, role == "user" || role == "assistant" else {
                throw ValidationError("messages.\(i).role: Input should be 'user' or 'assistant'")
            }
            guard let content = message["content"] else {
                throw ValidationError("messages.\(i).content: Field required")
            }
            let (count, text) = try self.content(content, of: i)
            characters += count
            if role == "user" { lastUserText = text }
        }
        return (characters, lastUserText)
    }

    /// The content of message `i`: a string or a list of content blocks. Returns the characters it
    /// counts for and its text (the text blocks joined by newlines).
    private static func content(_ content: JSONValue, of i: Int) throws(ValidationError) -> (
        characters: Int, text: String
    ) {
        switch content {
        case .string(let s):
            return (s.count, s)
        case .array(let blocks):
            var characters = 0
            var texts: [String] = []
            for (j, block) in blocks.enumerated() {
                guard case .object = block else {
                    throw ValidationError("messages.\(i).content.\(j): Input should be a valid dictionary")
                }
                guard let type = block["type"]?.stringValue else {
                    throw ValidationError("messages.\(i).content.\(j).type: Field required")
                }
                if type == "text" {
                    guard let text = block["text"]?.stringValue else {
                        throw ValidationError("messages.\(i).content.\(j).text: Field required")
                    }
                    characters += text.count
                    texts.append(text)
                } else {
                    characters += block.serialized.count
                }
            }
            return (characters, texts.joined(separator: "\n"))
        default:
            throw ValidationError("messages.\(i).content: Input should be a valid string or a list of content blocks")
        }
    }

    /// `system` (optional): a string or a list of text blocks. Returns the characters it counts for.
    private static func systemCharacters(_ body: JSONValue) throws(ValidationError) -> Int {
        guard let system = body["system"] else { return 0 }
        switch system {
        case .string(let s): return s.count
        case .array(let blocks):
            var characters = 0
            for (j, block) in blocks.enumerated() {
                guard let text = block["text"]?.stringValue else {
                    throw ValidationError("system.\(j).text: Field required")
                }
                characters += text.count
            }
            return characters
        case .null: return 0
        default:
            throw ValidationError("system: Input should be a valid string or a list of text blocks")
        }
    }

    /// `stream` (optional): a boolean, false when absent or null.
    private static func stream(_ body: JSONValue) throws(ValidationError) -> Bool {
        guard let s = body["stream"], !s.isNull else { return false }
        guard let b = s.boolValue else { throw ValidationError("stream: Input should be a valid boolean") }
        return b
    }

    struct ValidationError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}

enum TokenEstimate {
    /// ceil(characters / 4), at least 1.
    static func tokens(characters: Int) -> Int {
        max(1, (characters + 3) / 4)
    }
}

/// What the fake will answer to one messages request.
struct ReplyPlan {
    var messageID: String
    var model: String
    var thinking: String?
    var signature: String
    var text: String?
    var toolID: String
    var toolName: String?
    var toolInputJSON: String
    var stopReason: String
    var inputTokens: Int
    var outputTokens: Int
    var chunkChars: Int

    static let defaultSignature =
        "EqQBCkYIBxgCKkBfYWtlLWFudGhyb3BpYy1zaWduYXR1cmUtbm90LXJlYWwtYnV0LWxvb2tzLWxpa2UtaXQSDGZha2VzaWduYXR1cmUaDGZha2VzaWduYXR1cmU="

    init(request: MessageRequest, reply: ReplyConfig) {
        messageID = IDs.messageID()
        model = request.model
        thinking = reply.thinking
        signature = reply.thinkingSignature ?? Self.defaultSignature
        if let tool = reply.toolUse {
            toolName = tool.name
            toolID = tool.id ?? IDs.toolUseID()
            toolInputJSON = tool.inputValue.serialized
            text = (reply.text?.isEmpty ?? true) ? nil : reply.text
        } else {
            toolName = nil
            toolID = ""
            toolInputJSON = "{}"
            text = reply.text ?? "Hello from fake-anthropic. You said: \(request.lastUserText)"
        }
        stopReason = reply.stopReason ?? (toolName != nil ? "tool_use" : "end_turn")
        inputTokens = request.inputTokens
        let outChars = (thinking?.count ?? 0) + (text?.count ?? 0) + (toolName != nil ? toolInputJSON.count : 0)
        outputTokens = TokenEstimate.tokens(characters: outChars)
        chunkChars = max(1, reply.chunkChars)
    }

    var usage: JSONValue {
        .object([
            ("input_tokens", .int(inputTokens)),
            ("cache_creation_input_tokens", .int(0)),
            ("cache_read_input_tokens", .int(0)),
            ("output_tokens", .int(outputTokens)),
        ])
    }

    /// The non-streaming message JSON.
    var messageJSON: JSONValue {
        var content: [JSONValue] = []
        if let thinking {
            content.append(
                .object([
                    ("type", .string("thinking")), ("thinking", .string(thinking)), ("signature", .string(signature)),
                ]))
        }
        if let text {
            content.append(.object([("type", .string("text")), ("text", .string(text))]))
        }
        if let toolName {
            let input = (try? JSONValue.parse(toolInputJSON)) ?? .object([])
            content.append(
                .object([
                    ("type", .string("tool_use")), ("id", .string(toolID)), ("name", .string(toolName)),
                    ("input", input),
                ]))
        }
        return .object([
            ("id", .string(messageID)),
            ("type", .string("message")),
            ("role", .string("assistant")),
            ("model", .string(model)),
            ("content", .array(content)),
            ("stop_reason", .string(stopReason)),
            ("stop_sequence", .null),
            ("usage", usage),
        ])
    }

    // MARK: SSE

    enum Step {
        case event(String)
        case delta(String)
    }

    static func sse(_ name: String, _ data: JSONValue) -> String {
        "event: \(name)\ndata: \(data.serialized)\n\n"
    }

    static let ping = "event: ping\ndata: {\"type\": \"ping\"}\n\n"

    /// Splits into pieces of `size` Characters (never inside a grapheme, so never inside UTF-8).
    static func chunks(_ s: String, size: Int) -> [String] {
        var out: [String] = []
        var current = ""
        var count = 0
        for ch in s {
            current.append(ch)
            count += 1
            if count == size {
                out.append(current)
                current = ""
                count = 0
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Every SSE event of the stream in order (the ping after message_start included).
    var streamSteps: [Step] {
        var steps: [Step] = []
        let startMessage: JSONValue = .object([
            ("id", .string(messageID)),
            ("type", .string("message")),
            ("role", .string("assistant")),
            ("model", .string(model)),
            ("content", .array([])),
            ("stop_reason", .null),
            ("stop_sequence", .null),
            (
                "usage",
                .object([
                    ("input_tokens", .int(inputTokens)),
                    ("cache_creation_input_tokens", .int(0)),
                    ("cache_read_input_tokens", .int(0)),
                    ("output_tokens", .int(1)),
                ])
            ),
        ])
        steps.append(
            .event(Self.sse("message_start", .object([("type", .string("message_start")), ("message", startMessage)]))))
        steps.append(.event(Self.ping))

        var index = 0
        func blockStart(_ block: JSONValue) {
            steps.append(
                .event(
                    Self.sse(
                        "content_block_start",
                        .object([
                            ("type", .string("content_block_start")), ("index", .int(index)), ("content_block", block),
                        ]))))
        }
        func delta(_ d: JSONValue) {
            steps.append(
                .delta(
                    Self.sse(
                        "content_block_delta",
                        .object([
                            ("type", .string("content_block_delta")), ("index", .int(index)), ("delta", d),
                        ]))))
        }
        func blockStop() {
            steps.append(
                .event(
                    Self.sse(
                        "content_block_stop",
                        .object([
                            ("type", .string("content_block_stop")), ("index", .int(index)),
                        ]))))
            index += 1
        }

        if let thinking {
            blockStart(.object([("type", .string("thinking")), ("thinking", .string("")), ("signature", .string(""))]))
            for piece in Self.chunks(thinking, size: chunkChars) {
                delta(.object([("type", .string("thinking_delta")), ("thinking", .string(piece))]))
            }
            delta(.object([("type", .string("signature_delta")), ("signature", .string(signature))]))
            blockStop()
        }
        if let text {
            blockStart(.object([("type", .string("text")), ("text", .string(""))]))
            for piece in Self.chunks(text, size: chunkChars) {
                delta(.object([("type", .string("text_delta")), ("text", .string(piece))]))
            }
            blockStop()
        }
        if let toolName {
            blockStart(
                .object([
                    ("type", .string("tool_use")), ("id", .string(toolID)), ("name", .string(toolName)),
                    ("input", .object([])),
                ]))
            var pieces = Self.chunks(toolInputJSON, size: chunkChars)
            if pieces.count == 1, toolInputJSON.count > 1 {
                // always deliver the input in several pieces
                let half = toolInputJSON.count / 2
                pieces = [String(toolInputJSON.prefix(half)), String(toolInputJSON.dropFirst(half))]
            }
            for piece in pieces {
                delta(.object([("type", .string("input_json_delta")), ("partial_json", .string(piece))]))
            }
            blockStop()
        }

        steps.append(
            .event(
                Self.sse(
                    "message_delta",
                    .object([
                        ("type", .string("message_delta")),
                        ("delta", .object([("stop_reason", .string(stopReason)), ("stop_sequence", .null)])),
                        ("usage", .object([("output_tokens", .int(outputTokens))])),
                    ]))))
        steps.append(.event(Self.sse("message_stop", .object([("type", .string("message_stop"))]))))
        return steps
    }
}
