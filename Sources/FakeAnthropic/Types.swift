import Foundation

// MARK: - Keys

/// What the fake answers for a request authenticated with a key.
///
/// JSON spelling (control API): `valid`, `revoked`, `forbidden`, `billing`, `no_credit`
/// (`noCredit` is accepted as well).
public enum KeyStatus: String, Sendable, Codable, CaseIterable, Equatable {
    /// 200 on every endpoint.
    case valid
    /// 401 authentication_error "invalid x-api-key" (same as an unknown key).
    case revoked
    /// 403 permission_error on every endpoint (models listing included).
    case forbidden
    /// 402 billing_error on /v1/messages and count_tokens; GET /v1/models still succeeds.
    case billing
    /// 400 invalid_request_error "Your credit balance is too low…" on /v1/messages and
    /// count_tokens; GET /v1/models still succeeds.
    case noCredit = "no_credit"

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let status = KeyStatus(jsonName: raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown key status '\(raw)' (expected valid, revoked, forbidden, billing or no_credit)"
            ))
        }
        self = status
    }

    /// Parses the JSON spelling; also accepts `noCredit`.
    public init?(jsonName: String) {
        if jsonName == "noCredit" { self = .noCredit; return }
        self.init(rawValue: jsonName)
    }
}

// MARK: - Faults

/// A failure injected into the next matching API request(s). Faults are queued FIFO; a request
/// takes the first queued fault whose `path` matches it. Faults are only consulted after the
/// request passed the size check, authentication and the `anthropic-version` check.
///
/// JSON (control API) uses snake_case keys: `kind`, `status`, `error_type`, `message`, `body`,
/// `content_type`, `headers`, `after_events`, `stall_seconds`, `path`, `times`, `location`,
/// `content_encoding`, `interval_ms`, `size_mb`. README's fake-anthropic section lists every
/// kind with a curl line to trigger it.
public struct Fault: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, Equatable {
        /// Answer with HTTP `status` and a JSON error body (or the raw `body`).
        case status
        /// HTTP 200 stream, then after `afterEvents` content deltas an `event: error` and the
        /// stream ends cleanly. A non-streaming request gets the error as an HTTP status instead.
        case streamError = "stream_error"
        /// Close the connection without finishing the response.
        case drop
        /// Send nothing (no pings either) for `stallSeconds`, then continue normally.
        case stall
        /// The normal answer, with the extra `headers` (e.g. `retry-after: inf` on a 200).
        case headers
        /// HTTP `status` (default 302, must be 3xx) with `location` and an empty body.
        case redirect
        /// The normal answer (or, with `status` ≥ 400, a JSON error) gzip-compressed with
        /// `content-encoding: <contentEncoding>` (default gzip) although the client did not ask.
        case gzip
        /// After `afterEvents` deltas, a ping every `intervalMs` until the client goes away (a
        /// non-streaming request gets a 200 head and a space every `intervalMs`, forever).
        case pings
        /// After `afterEvents` deltas, the rest of the answer one byte every `intervalMs`
        /// (non-streaming: the whole body, one byte at a time).
        case trickle
        /// After `afterEvents` deltas, one `data:` line of `sizeMB` MiB, then the normal rest
        /// (non-streaming: same as `huge_body`).
        case hugeLine = "huge_line"
        /// A JSON body of `sizeMB` MiB with HTTP `status` (default 200): a message whose text is
        /// huge, or with a status ≥ 400 an error whose message is huge. Sent as application/json
        /// also to streaming requests.
        case hugeBody = "huge_body"
        /// HTTP 200 with valid JSON of the wrong shape: `body` if given, else a default for the
        /// endpoint (messages: `[1,2,3]`; models: `{"data":{"id":"x"}}`; count_tokens:
        /// `{"input_tokens":"many"}`). A streaming request gets an event stream whose first
        /// event is `{"type": 42}` (or `body` as the data of one event).
        case wrongShape = "wrong_shape"

        /// Every kind's JSON spelling, for help and error messages.
        public static let jsonNames = ["status", "stream_error", "drop", "stall", "headers", "redirect", "gzip",
                                       "pings", "trickle", "huge_line", "huge_body", "wrong_shape"]

        public init(from decoder: any Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            switch raw {
            case "stream_error", "streamError": self = .streamError
            case "hugeLine": self = .hugeLine
            case "hugeBody": self = .hugeBody
            case "wrongShape": self = .wrongShape
            default:
                guard let kind = Kind(rawValue: raw) else {
                    throw DecodingError.dataCorrupted(.init(
                        codingPath: decoder.codingPath,
                        debugDescription: "unknown fault kind '\(raw)' (expected \(Kind.jsonNames.joined(separator: ", ")))"
                    ))
                }
                self = kind
            }
        }
    }

    public var kind: Kind
    /// `.status`: the HTTP status (default 500). `.streamError`: the HTTP status used when the
    /// request is not streaming (default derived from `errorType`, e.g. overloaded_error → 529).
    /// Ignored by `.drop` and `.stall`.
    public var status: Int?
    /// error.type in the JSON error; default from the status (429 → rate_limit_error, …), or
    /// `overloaded_error` for `.streamError`.
    public var errorType: String?
    /// error.message; default a realistic message for the type.
    public var message: String?
    /// A raw body sent instead of the JSON error (`.status` only). `""` sends an empty body.
    public var body: String?
    /// Content type for `body`; default `text/html; charset=utf-8` (omitted when the body is empty).
    public var contentType: String?
    /// Extra response headers (e.g. `retry-after`, `retry-after-ms`, `x-should-retry`).
    /// Applied to the error response, or to the 200 response of a stream fault.
    public var headers: [String: String]
    /// Stream faults: how many content_block_delta events are sent before the fault fires.
    /// 0 = right after the response headers (before message_start); -1 = before the response
    /// headers are sent (drop: connection closed with no response at all; stall: nothing at all
    /// is sent during the stall). A value above the number of deltas fires after the last delta.
    public var afterEvents: Int
    /// `.stall`: how long to send nothing (default 5).
    public var stallSeconds: Double
    /// Which endpoint the fault applies to (path without any prefix, e.g. "/v1/messages",
    /// "/v1/models", "/v1/messages/count_tokens"); "*" = any /v1 endpoint. Default "/v1/messages".
    public var path: String
    /// How many matching requests the fault applies to (default 1, minimum 1).
    public var times: Int
    /// `.redirect`: the `Location` header (default `https://elsewhere.example/v1/messages`).
    public var location: String?
    /// `.gzip`: the `content-encoding` header (default "gzip"; the body is gzip whatever it says).
    public var contentEncoding: String?
    /// `.pings`, `.trickle`: milliseconds between pings or bytes (default 1000).
    public var intervalMs: Int
    /// `.hugeLine`, `.hugeBody`: size in MiB (default 17, fractions allowed, at most 4096).
    public var sizeMB: Double

    /// `sizeMB` in bytes, clamped to 0…4 GiB.
    var sizeBytes: Int { Int(min(max(sizeMB.isNaN ? 0 : sizeMB, 0), 4096) * 1_048_576) }

    public init(
        kind: Kind,
        status: Int? = nil,
        errorType: String? = nil,
        message: String? = nil,
        body: String? = nil,
        contentType: String? = nil,
        headers: [String: String] = [:],
        afterEvents: Int = 0,
        stallSeconds: Double = 5,
        path: String = "/v1/messages",
        times: Int = 1,
        location: String? = nil,
        contentEncoding: String? = nil,
        intervalMs: Int = 1000,
        sizeMB: Double = 17
    ) {
        self.location = location
        self.contentEncoding = contentEncoding
        self.intervalMs = max(1, intervalMs)
        self.sizeMB = sizeMB
        self.kind = kind
        self.status = status
        self.errorType = errorType
        self.message = message
        self.body = body
        self.contentType = contentType
        self.headers = headers
        self.afterEvents = afterEvents
        self.stallSeconds = stallSeconds
        self.path = path
        self.times = max(1, times)
    }

    /// An HTTP error status with the standard JSON error body.
    public static func status(
        _ status: Int, errorType: String? = nil, message: String? = nil,
        headers: [String: String] = [:], path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
        Fault(kind: .status, status: status, errorType: errorType, message: message,
              headers: headers, path: path, times: times)
    }

    /// An HTTP status with a raw body (e.g. an HTML page from a proxy, or "" for an empty body).
    public static func rawBody(
        status: Int, body: String, contentType: String? = nil,
        headers: [String: String] = [:], path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
        Fault(kind: .status, status: status, body: body, contentType: contentType,
              headers: headers, path: path, times: times)
    }

    /// An `event: error` inside a 200 stream after `afterEvents` deltas.
    public static func streamError(
        afterEvents: Int = 0, errorType: String = "overloaded_error", message: String? = nil,
        path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
        Fault(kind: .streamError, errorType: errorType, message: message,
              afterEvents: afterEvents, path: path, times: times)
    }

    /// Close the connection abruptly after `afterEvents` deltas.
    public static func drop(afterEvents: Int = 0, path: String = "/v1/messages", times: Int = 1) -> Fault {
        Fault(kind: .drop, afterEvents: afterEvents, path: path, times: times)
    }

    /// Send nothing for `seconds` after `afterEvents` deltas, then continue.
    public static func stall(
        seconds: Double, afterEvents: Int = 0, path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
        Fault(kind: .stall, afterEvents: afterEvents, stallSeconds: seconds, path: path, times: times)
    }

    /// A 3xx redirect to `location`.
    public static func redirect(_ status: Int = 302, location: String = "https://elsewhere.example/v1/messages",
                                path: String = "/v1/messages", times: Int = 1) -> Fault {
        Fault(kind: .redirect, status: status, path: path, times: times, location: location)
    }

    /// The normal answer gzip-compressed, labelled `content-encoding: encoding`, unasked.
    public static func gzip(encoding: String = "gzip", status: Int? = nil, path: String = "/v1/messages", times: Int = 1) -> Fault {
        Fault(kind: .gzip, status: status, path: path, times: times, contentEncoding: encoding)
    }

    /// Pings (or spaces) every `intervalMs` after `afterEvents` deltas, until the client leaves.
    public static func pings(intervalMs: Int = 1000, afterEvents: Int = 0, path: String = "/v1/messages") -> Fault {
        Fault(kind: .pings, afterEvents: afterEvents, path: path, intervalMs: intervalMs)
    }

    /// The rest of the answer one byte every `intervalMs`, after `afterEvents` deltas.
    public static func trickle(intervalMs: Int = 1000, afterEvents: Int = 0, path: String = "/v1/messages") -> Fault {
        Fault(kind: .trickle, afterEvents: afterEvents, path: path, intervalMs: intervalMs)
    }

    /// One SSE `data:` line of `megabytes` MiB after `afterEvents` deltas.
    public static func hugeLine(megabytes: Double, afterEvents: Int = 0, path: String = "/v1/messages") -> Fault {
        Fault(kind: .hugeLine, afterEvents: afterEvents, path: path, sizeMB: megabytes)
    }

    /// A JSON body of `megabytes` MiB with `status`.
    public static func hugeBody(megabytes: Double, status: Int = 200, path: String = "/v1/messages") -> Fault {
        Fault(kind: .hugeBody, status: status, path: path, sizeMB: megabytes)
    }

    /// Valid JSON of the wrong shape (`body`, or the endpoint's default).
    public static func wrongShape(body: String? = nil, path: String = "/v1/messages") -> Fault {
        Fault(kind: .wrongShape, body: body, path: path)
    }

    /// The normal answer with extra headers.
    public static func headers(_ headers: [String: String], path: String = "/v1/messages", times: Int = 1) -> Fault {
        Fault(kind: .headers, headers: headers, path: path, times: times)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, status, message, body, headers, path, times, location
        case errorType = "error_type"
        case contentType = "content_type"
        case afterEvents = "after_events"
        case stallSeconds = "stall_seconds"
        case contentEncoding = "content_encoding"
        case intervalMs = "interval_ms"
        case sizeMB = "size_mb"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .status,
            status: try c.decodeIfPresent(Int.self, forKey: .status),
            errorType: try c.decodeIfPresent(String.self, forKey: .errorType),
            message: try c.decodeIfPresent(String.self, forKey: .message),
            body: try c.decodeIfPresent(String.self, forKey: .body),
            contentType: try c.decodeIfPresent(String.self, forKey: .contentType),
            headers: try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
            afterEvents: try c.decodeIfPresent(Int.self, forKey: .afterEvents) ?? 0,
            stallSeconds: try c.decodeIfPresent(Double.self, forKey: .stallSeconds) ?? 5,
            path: try c.decodeIfPresent(String.self, forKey: .path) ?? "/v1/messages",
            times: try c.decodeIfPresent(Int.self, forKey: .times) ?? 1,
            location: try c.decodeIfPresent(String.self, forKey: .location),
            contentEncoding: try c.decodeIfPresent(String.self, forKey: .contentEncoding),
            intervalMs: try c.decodeIfPresent(Int.self, forKey: .intervalMs) ?? 1000,
            sizeMB: try c.decodeIfPresent(Double.self, forKey: .sizeMB) ?? 17
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(errorType, forKey: .errorType)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(body, forKey: .body)
        try c.encodeIfPresent(contentType, forKey: .contentType)
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
        try c.encode(afterEvents, forKey: .afterEvents)
        try c.encode(stallSeconds, forKey: .stallSeconds)
        try c.encode(path, forKey: .path)
        try c.encode(times, forKey: .times)
        try c.encodeIfPresent(location, forKey: .location)
        try c.encodeIfPresent(contentEncoding, forKey: .contentEncoding)
        try c.encode(intervalMs, forKey: .intervalMs)
        try c.encode(sizeMB, forKey: .sizeMB)
    }
}

// MARK: - Reply

/// A tool call the fake replies with.
public struct ToolUse: Sendable, Equatable, Codable {
    /// Tool name.
    public var name: String
    /// The tool input as a serialized JSON object (e.g. `{"city":"Paris"}`).
    public var inputJSON: String
    /// tool_use block id; default a generated `toolu_01…`.
    public var id: String?

    public init(name: String, inputJSON: String = "{}", id: String? = nil) {
        self.name = name
        self.inputJSON = inputJSON
        self.id = id
    }

    enum CodingKeys: String, CodingKey { case name, input, id }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try c.decode(String.self, forKey: .name)
        self.id = try c.decodeIfPresent(String.self, forKey: .id)
        if let input = try c.decodeIfPresent(JSONValue.self, forKey: .input) {
            guard case .object = input else {
                throw DecodingError.dataCorruptedError(forKey: .input, in: c, debugDescription: "tool_use.input must be a JSON object")
            }
            self.inputJSON = input.serialized
        } else {
            self.inputJSON = "{}"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode((try? JSONParser.parse(inputJSON)) ?? .object([]), forKey: .input)
    }

    var inputValue: JSONValue { (try? JSONParser.parse(inputJSON)) ?? .object([]) }
}

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

// MARK: - Models

/// One entry of GET /v1/models. JSON: `{"id":…,"display_name":…,"created_at":"2025-…Z"}`.
public struct ModelInfo: Sendable, Equatable, Codable {
    public var id: String
    public var displayName: String
    /// RFC 3339 timestamp, e.g. "2025-09-29T00:00:00Z". Listing is sorted by it, newest first.
    public var createdAt: String

    public init(id: String, displayName: String, createdAt: String) {
        self.id = id
        self.displayName = displayName
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case displayName = "display_name"
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try c.decode(String.self, forKey: .id)
        self.displayName = try c.decodeIfPresent(String.self, forKey: .displayName) ?? id
        self.createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt) ?? "2025-01-01T00:00:00Z"
    }

    /// The three default models (newest first).
    public static let defaults: [ModelInfo] = [
        ModelInfo(id: "claude-sonnet-4-5-20250929", displayName: "Claude Sonnet 4.5", createdAt: "2025-09-29T00:00:00Z"),
        ModelInfo(id: "claude-opus-4-1-20250805", displayName: "Claude Opus 4.1", createdAt: "2025-08-05T00:00:00Z"),
        ModelInfo(id: "claude-3-5-haiku-20241022", displayName: "Claude Haiku 3.5", createdAt: "2024-10-22T00:00:00Z"),
    ]
}

// MARK: - Configuration

/// Log level of the server's own logger (Hummingbird's). Default `.warning`.
public enum FakeLogLevel: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

public struct FakeConfiguration: Sendable {
    /// Host to bind; default "127.0.0.1".
    public var host: String
    /// Port to bind; 0 = an ephemeral port (read it from `start()` or `port`).
    public var port: Int
    /// Keys known at start (and after reset), with their status.
    public var keys: [String: KeyStatus]
    /// Reply config at start (and after reset).
    public var reply: ReplyConfig
    /// Models at start (and after reset).
    public var models: [ModelInfo]
    /// Optional path prefix, e.g. "/anthropic": then only "/anthropic/v1/…" answers the API
    /// (control endpoints stay at "/_control/…"). Normalised to a leading "/" and no trailing "/".
    public var pathPrefix: String
    /// Request bodies larger than this get 413 request_too_large. Default 32 MB (32 * 1024 * 1024).
    public var maxBodyBytes: Int
    /// Server log level; default `.warning`.
    public var logLevel: FakeLogLevel

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        keys: [String: KeyStatus] = [:],
        reply: ReplyConfig = ReplyConfig(),
        models: [ModelInfo] = ModelInfo.defaults,
        pathPrefix: String = "",
        maxBodyBytes: Int = 32 * 1024 * 1024,
        logLevel: FakeLogLevel = .warning
    ) {
        self.host = host
        self.port = port
        self.keys = keys
        self.reply = reply
        self.models = models
        self.pathPrefix = pathPrefix
        self.maxBodyBytes = maxBodyBytes
        self.logLevel = logLevel
    }

    var normalizedPrefix: String {
        var p = pathPrefix.trimmingCharacters(in: .whitespaces)
        while p.hasSuffix("/") { p.removeLast() }
        if p.isEmpty { return "" }
        if !p.hasPrefix("/") { p = "/" + p }
        return p
    }
}

// MARK: - Request log

/// One logged /v1 request (every request whose path is under the API prefix + "/v1", whatever
/// the answer). Keys are masked: `sk-ant-…abcd` (or `…abcd` for keys not starting with sk-ant-).
public struct LoggedRequest: Sendable {
    /// The `request-id` the fake answered with.
    public var requestID: String
    public var method: String
    /// Path as received (including any prefix), without the query.
    public var path: String
    /// Raw query string (without "?"), or nil.
    public var query: String?
    /// Header names lowercased; `x-api-key` and `authorization` values masked.
    public var headers: [String: String]
    /// The presented key (from x-api-key, else a Bearer token), masked; nil if none.
    public var key: String?
    /// The body as UTF-8 text (any known key occurring in it is masked); nil if empty.
    /// Bodies over 1 MiB are replaced by a placeholder.
    public var body: String?
    /// The HTTP status answered (200 for streams, even ones that fail later); nil while in progress.
    public var status: Int?
    /// The fault kind applied to this request, if any.
    public var fault: Fault.Kind?

    /// The body parsed with JSONSerialization, or nil if it is not JSON.
    public var jsonBody: Any? {
        guard let body, let data = body.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
}
