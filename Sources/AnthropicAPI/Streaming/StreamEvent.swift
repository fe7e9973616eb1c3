/// One typed event of a streamed message.
public enum StreamEvent: Sendable, Equatable {
    // The rare, large payloads are indirect so the frequent delta events stay small to move.
    indirect case messageStart(Message)
    indirect case contentBlockStart(index: Int, block: ContentBlock)
    case contentBlockDelta(index: Int, delta: ContentDelta)
    case contentBlockStop(index: Int)
    indirect case messageDelta(stopReason: String?, stopSequence: String?, usage: Usage)
    case messageStop
    case ping
    /// An `error` event inside a stream that began with HTTP 200.
    indirect case error(type: String, message: String, requestID: String?)
    /// An event type palaver does not know yet; skipped by the accumulator.
    case unknown(type: String)
}

/// The change carried by a `content_block_delta`.
public enum ContentDelta: Sendable, Equatable {
    case text(String)
    case inputJSON(String)
    case thinking(String)
    case signature(String)
    indirect case citation(JSONValue)
    /// A delta type palaver does not know yet; skipped.
    case other(type: String)
}

extension StreamEvent {
    /// Decodes the event carried by one server-sent event.
    public static func decode(_ sse: ServerSentEvent) throws(APIError) -> StreamEvent {
        let isError = sse.event == "error"
        let decode = { (buffer: UnsafeRawBufferPointer) in
            Result { () throws(APIError) in try StreamEvent.decode(isErrorEvent: isError, data: buffer) }
        }
        if let result = sse.data.utf8.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0)) }) {
            return try result.get()
        }
        return try Array(sse.data.utf8).withUnsafeBytes(decode).get()
    }

    /// Decodes the event in a raw SSE frame (the streaming hot path).
    static func decode(_ frame: SSEDecoder.Frame) throws(APIError) -> StreamEvent {
        let isError = frame.event.map { JSONKey(raw: $0, decoded: nil).equals("error") } ?? false
        return try decode(isErrorEvent: isError, data: frame.data)
    }

    /// Decodes an event from its `data:` bytes, pulling only the members each event type needs.
    static func decode(isErrorEvent: Bool, data: UnsafeRawBufferPointer) throws(APIError) -> StreamEvent {
        do {
            return try pull(isErrorEvent: isErrorEvent, data: data)
        } catch {
            // Valid JSON of the wrong shape is not "invalid JSON": say what was expected instead.
            if let value = try? JSONParser.parseDocument(data) {
                let reason = (error as? JSONParseError).map { "\($0.reason) at byte \($0.offset)" } ?? "\(error)"
                throw APIError(
                    kind: .malformedResponse,
                    message:
                        "a stream event is JSON but not an event the API sends (\(reason); got \(value.shapeDescription), expected an object such as {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {…}})"
                )
            }
            throw APIError(kind: .malformedResponse, message: "a stream event is not valid JSON: \(error)")
        }
    }

    private static func pull(isErrorEvent: Bool, data: UnsafeRawBufferPointer) throws(JSONParseError) -> StreamEvent {
        var p = JSONParser(data)
        var type: EventType?
        var index: Int?
        var deltaType: DeltaType?
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
                type = EventType(try p.readStringToken())
            } else if key.equals("index") {
                index = try p.parseInt()
            } else if key.equals("delta") {
                try p.beginObject()
                while let k = try p.nextKey() {
                    if k.equals("type") {
                        deltaType = DeltaType(try p.readStringToken())
                    } else if k.equals("text") || k.equals("partial_json") || k.equals("thinking")
                        || k.equals("signature")
                    {
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

        if isErrorEvent || type == .error {
            return .error(
                type: error?["type"]?.stringValue ?? "api_error",
                message: error?["message"]?.stringValue ?? "the stream reported an error",
                requestID: requestID)
        }
        switch type {
        case .contentBlockDelta:
            let delta: ContentDelta
            switch deltaType {
            case .text: delta = .text(deltaText ?? "")
            case .inputJSON: delta = .inputJSON(deltaText ?? "")
            case .thinking: delta = .thinking(deltaText ?? "")
            case .signature: delta = .signature(deltaText ?? "")
            case .citations: delta = .citation(citation ?? .null)
            case .other(let name): delta = .other(type: name)
            case nil: delta = .other(type: "")
            }
            return .contentBlockDelta(index: index ?? 0, delta: delta)
        case .messageStart:
            guard let message else { throw p.error("message_start without a message") }
            do {
                return .messageStart(try Message(json: message))
            } catch {
                throw p.error("message_start carries no message object")
            }
        case .contentBlockStart:
            return .contentBlockStart(index: index ?? 0, block: ContentBlock(json: block ?? .object([:])))
        case .contentBlockStop:
            return .contentBlockStop(index: index ?? 0)
        case .messageDelta:
            return .messageDelta(stopReason: stopReason, stopSequence: stopSequence, usage: Usage(json: usage))
        case .messageStop:
            return .messageStop
        case .ping:
            return .ping
        case .other(let name):
            return .unknown(type: name)
        case .error, nil:
            return .unknown(type: "")
        }
    }
}

/// The `type` of a stream event, matched on raw bytes so the hot path builds no string.
private enum EventType: Equatable {
    case messageStart, contentBlockStart, contentBlockDelta, contentBlockStop, messageDelta, messageStop, ping, error
    case other(String)

    init(_ token: JSONKey) {
        if token.equals("content_block_delta") {
            self = .contentBlockDelta
        } else if token.equals("ping") {
            self = .ping
        } else if token.equals("message_start") {
            self = .messageStart
        } else if token.equals("content_block_start") {
            self = .contentBlockStart
        } else if token.equals("content_block_stop") {
            self = .contentBlockStop
        } else if token.equals("message_delta") {
            self = .messageDelta
        } else if token.equals("message_stop") {
            self = .messageStop
        } else if token.equals("error") {
            self = .error
        } else {
            self = .other(token.string)
        }
    }
}

/// The `type` of a content delta.
private enum DeltaType: Equatable {
    case text, inputJSON, thinking, signature, citations
    case other(String)

    init(_ token: JSONKey) {
        if token.equals("text_delta") {
            self = .text
        } else if token.equals("input_json_delta") {
            self = .inputJSON
        } else if token.equals("thinking_delta") {
            self = .thinking
        } else if token.equals("signature_delta") {
            self = .signature
        } else if token.equals("citations_delta") {
            self = .citations
        } else {
            self = .other(token.string)
        }
    }
}

/// Decodes a byte stream of server-sent events into typed events and the assembled message.
///
/// This is what the client runs on every chunk; it is public so benchmarks and tools can run
/// the exact same path over recorded streams.
public struct MessageStreamDecoder: Sendable {
    private var sse: SSEDecoder
    public private(set) var accumulator = MessageAccumulator()

    /// `maxLineBytes` bounds one line and one event of the stream (default 16 MiB).
    public init(maxLineBytes: Int = SSEDecoder.defaultMaxLineBytes) {
        sse = SSEDecoder(maxLineBytes: maxLineBytes)
    }

    /// Decodes `chunk`, applying each event to the accumulator before passing it to `emit`.
    /// An `error` event throws its `APIError`; a line or event over the size bound throws
    /// `APIError.Kind.responseTooLarge`.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (StreamEvent) throws -> Void) throws {
        try sse.feedFrames(chunk) { frame in
            let event = try StreamEvent.decode(frame)
            try accumulator.apply(event)
            try emit(event)
        }
        if sse.limitExceeded {
            throw APIError(
                kind: .responseTooLarge,
                message:
                    "the event stream sent a line or event longer than \(ByteCount(sse.maxLineBytes)); palaver stopped reading it"
            )
        }
    }

    /// A partial event is buffered: the stream stopped in the middle of one.
    public var hasPendingInput: Bool { sse.hasPendingInput }
}
