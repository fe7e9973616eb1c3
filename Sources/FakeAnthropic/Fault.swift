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
        public static let jsonNames = [
            "status", "stream_error", "drop", "stall", "headers", "redirect", "gzip",
            "pings", "trickle", "huge_line", "huge_body", "wrong_shape",
        ]

        public init(from decoder: any Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            switch raw {
            case "stream_error", "streamError": self = .streamError
            case "hugeLine": self = .hugeLine
            case "hugeBody": self = .hugeBody
            case "wrongShape": self = .wrongShape
            default:
                guard let kind = Kind(rawValue: raw) else {
                    throw DecodingError.dataCorrupted(
                        .init(
                            codingPath: decoder.codingPath,
                            debugDescription:
                                "unknown fault kind '\(raw)' (expected \(Kind.jsonNames.joined(separator: ", ")))"
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
        Fault(
            kind: .status, status: status, errorType: errorType, message: message,
            headers: headers, path: path, times: times)
    }

    /// An HTTP status with a raw body (e.g. an HTML page from a proxy, or "" for an empty body).
    public static func rawBody(
        status: Int, body: String, contentType: String? = nil,
        headers: [String: String] = [:], path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
        Fault(
            kind: .status, status: status, body: body, contentType: contentType,
            headers: headers, path: path, times: times)
    }

    /// An `event: error` inside a 200 stream after `afterEvents` deltas.
    public static func streamError(
        afterEvents: Int = 0, errorType: String = "overloaded_error", message: String? = nil,
        path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
        Fault(
            kind: .streamError, errorType: errorType, message: message,
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
    public static func redirect(
        _ status: Int = 302, location: String = "https://elsewhere.example/v1/messages",
        path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
        Fault(kind: .redirect, status: status, path: path, times: times, location: location)
    }

    /// The normal answer gzip-compressed, labelled `content-encoding: encoding`, unasked.
    public static func gzip(
        encoding: String = "gzip", status: Int? = nil, path: String = "/v1/messages", times: Int = 1
    ) -> Fault {
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
