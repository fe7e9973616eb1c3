/// One typed event of a streamed message.
public enum StreamEvent: Sendable, Equatable {
    case messageStart(Message)
    case contentBlockStart(index: Int, block: ContentBlock)
    case contentBlockDelta(index: Int, delta: ContentDelta)
    case contentBlockStop(index: Int)
    case messageDelta(stopReason: String?, stopSequence: String?, usage: Usage)
    case messageStop
    case ping
    /// An `error` event inside a stream that began with HTTP 200.
    case error(type: String, message: String, requestID: String?)
    /// An event type palaver does not know yet; skipped by the accumulator.
    case unknown(type: String)
}

/// The change carried by a `content_block_delta`.
public enum ContentDelta: Sendable, Equatable {
    case text(String)
    case inputJSON(String)
    case thinking(String)
    case signature(String)
    case citation(JSONValue)
    /// A delta type palaver does not know yet; skipped.
    case other(type: String)
}

extension StreamEvent {
    /// Decodes the event carried by one server-sent event.
    public static func decode(_ sse: ServerSentEvent) throws(APIError) -> StreamEvent {
        let decode = { (buffer: UnsafeRawBufferPointer) in
            Result { () throws(APIError) in try StreamEvent.decode(eventName: sse.event, data: buffer) }
        }
        if let result = sse.data.utf8.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0)) }) {
            return try result.get()
        }
        return try Array(sse.data.utf8).withUnsafeBytes(decode).get()
    }

    /// Decodes an event from its `data:` bytes, pulling only the members each event type needs.
    static func decode(eventName: String?, data: UnsafeRawBufferPointer) throws(APIError) -> StreamEvent {
        do {
            return try pull(eventName: eventName, data: data)
        } catch {
            throw APIError(kind: .malformedResponse,
                           message: "a stream event\(eventName.map { " (\($0))" } ?? "") is not valid JSON: \(error)")
        }
    }

    private static func pull(eventName: String?, data: UnsafeRawBufferPointer) throws(JSONParseError) -> StreamEvent {
        var p = JSONParser(data)
        var type: String?
        var index: Int?
        var deltaType: String?
        var deltaText: String?
        var stopReason: String?
        var stopSequence: String?
        var citation: JSONValue?
        var message: JSONValue?
        var block: JSONValue?
        var usage: JSONValue?
        var error: JSONValue?
        var requestID: String?

        try p.beginObject()
        while let key = try p.nextKey() {
            if key.equals("type") {
                type = try p.parseString()
            } else if key.equals("index") {
                index = try p.parseInt()
            } else if key.equals("delta") {
                try p.beginObject()
                while let k = try p.nextKey() {
                    if k.equals("type") {
                        deltaType = try p.parseString()
                    } else if k.equals("text") || k.equals("partial_json") || k.equals("thinking") || k.equals("signature") {
                        deltaText = try p.parseString()
                    } else if k.equals("stop_reason") {
                        stopReason = try p.parseValue(depth: 1).stringValue
                    } else if k.equals("stop_sequence") {
                        stopSequence = try p.parseValue(depth: 1).stringValue
                    } else if k.equals("citation") {
                        citation = try p.parseValue(depth: 1)
                    } else {
                        try p.skipValue()
                    }
                }
            } else if key.equals("message") {
                message = try p.parseValue(depth: 1)
            } else if key.equals("content_block") {
                block = try p.parseValue(depth: 1)
            } else if key.equals("usage") {
                usage = try p.parseValue(depth: 1)
            } else if key.equals("error") {
                error = try p.parseValue(depth: 1)
            } else if key.equals("request_id") {
                requestID = try p.parseValue(depth: 1).stringValue
            } else {
                try p.skipValue()
            }
        }
        p.skipWhitespace()
        guard p.atEnd else { throw p.error("unexpected data after the event") }

        if eventName == "error" || type == "error" {
            return .error(type: error?["type"]?.stringValue ?? "api_error",
                          message: error?["message"]?.stringValue ?? "the stream reported an error",
                          requestID: requestID)
        }
        switch type {
        case "content_block_delta":
            let delta: ContentDelta
            switch deltaType {
            case "text_delta": delta = .text(deltaText ?? "")
            case "input_json_delta": delta = .inputJSON(deltaText ?? "")
            case "thinking_delta": delta = .thinking(deltaText ?? "")
            case "signature_delta": delta = .signature(deltaText ?? "")
            case "citations_delta": delta = .citation(citation ?? .null)
            default: delta = .other(type: deltaType ?? "")
            }
            return .contentBlockDelta(index: index ?? 0, delta: delta)
        case "message_start":
            guard let message else { throw p.error("message_start without a message") }
            do {
                return .messageStart(try Message(json: message))
            } catch {
                throw p.error("message_start carries no message object")
            }
        case "content_block_start":
            return .contentBlockStart(index: index ?? 0, block: ContentBlock(json: block ?? .object([:])))
        case "content_block_stop":
            return .contentBlockStop(index: index ?? 0)
        case "message_delta":
            return .messageDelta(stopReason: stopReason, stopSequence: stopSequence, usage: Usage(json: usage))
        case "message_stop":
            return .messageStop
        case "ping":
            return .ping
        default:
            return .unknown(type: type ?? eventName ?? "")
        }
    }
}
