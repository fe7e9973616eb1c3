/// What a message request reports while it runs.
public enum MessageStreamEvent: Sendable {
    /// An attempt failed and the client is waiting `notice.delay` before the next one.
    case retrying(RetryNotice)
    /// The server accepted the request (HTTP 2xx); content follows.
    case responseStarted(requestID: String?)
    /// The account's rate-limit headroom as the response's headers reported it (only when they
    /// said something readable; for errors too, before the failure is thrown).
    case rateLimits(RateLimits)
    /// One decoded stream event, after it was applied to the message.
    case event(StreamEvent)
    /// The complete message (always the last event of a successful request).
    case completed(Message)
}

/// The Messages API client: messages (streaming or not), models and token counts, with retries.
public final class AnthropicClient: Sendable {
    public let configuration: ClientConfiguration
    private let transport: any HTTPTransport
    private let sleeper: any Sleeper

    public init(
        configuration: ClientConfiguration, transport: any HTTPTransport = CurlTransport(),
        sleeper: any Sleeper = ContinuousSleeper()
    ) {
        self.configuration = configuration
        self.transport = transport
        self.sleeper = sleeper
    }

    // MARK: Messages

    /// Sends a message request and reports its progress. With `stream` the reply arrives as
    /// events; without it, only `.retrying` and `.completed` are reported.
    ///
    /// A failure before any content is retried under the retry policy; a failure after content
    /// throws an `APIError` whose `partial` holds what arrived. Ending iteration cancels.
    public func send(_ request: MessageRequest, stream: Bool = true) -> AsyncThrowingStream<
        MessageStreamEvent, any Error
    > {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let message = try await self.withRetries(onRetry: { continuation.yield(.retrying($0)) }) {
                        () async throws(AttemptFailure) in
                        try await self.attemptMessage(request, stream: stream) { continuation.yield($0) }
                    }
                    continuation.yield(.completed(message))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Sends a non-streaming message request and returns the message.
    public func createMessage(
        _ request: MessageRequest,
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) async throws(APIError) -> Message {
        try await withRetries(onRetry: onRetry) { () async throws(AttemptFailure) in
            try await self.attemptMessage(request, stream: false) { _ in }
        }
    }

    // MARK: Models and token counts

    /// One page of `GET /v1/models`, newest first.
    public func listModels(
        limit: Int = 100, afterID: String? = nil,
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) async throws(APIError) -> ModelPage {
        var query = [("limit", String(limit))]
        if let afterID { query.append(("after_id", afterID)) }
        let url = try configuration.url(for: "/v1/models", query: query)
        return try await withRetries(onRetry: onRetry) { () async throws(AttemptFailure) in
            let (json, head) = try await self.attemptJSONWithHead(
                HTTPRequest(method: "GET", url: url, headers: self.configuration.headers(json: false)),
                limit: self.configuration.limits.maxModelsBodyBytes)
            do throws(APIError) {
                var page = try ModelPage(json: json)
                page.rateLimits = RateLimits(headers: head.headers)
                return page
            } catch { throw AttemptFailure(error: error) }
        }
    }

    /// The newest model the API lists (by creation date), or `nil` when it lists none.
    public func newestModel() async throws(APIError) -> ModelInfo? {
        let page = try await listModels(limit: 100)
        return page.models.newestFirst.first
    }

    /// `POST /v1/messages/count_tokens`: the input tokens the request would use.
    public func countTokens(_ request: MessageRequest) async throws(APIError) -> Int {
        let url = try configuration.url(for: "/v1/messages/count_tokens")
        let body = Array(request.countTokensBody.serialized().utf8)
        return try await withRetries { () async throws(AttemptFailure) in
            let json = try await self.attemptJSON(
                HTTPRequest(method: "POST", url: url, headers: self.configuration.headers(json: true), body: body),
                limit: self.configuration.limits.maxBodyBytes)
            guard let n = json["input_tokens"]?.intValue, n >= 0 else {
                throw AttemptFailure(
                    error: APIError(
                        kind: .malformedResponse,
                        message:
                            "the token count is JSON but has no whole-number input_tokens: expected {\"input_tokens\": 12}, got \(json.shapeDescription)"
                    ))
            }
            return n
        }
    }

    // MARK: Attempts and retries

    /// A failed attempt, and whether it had already delivered content (then it is never retried).
    struct AttemptFailure: Error {
        var error: APIError
        var partial: Message?
    }

    private func withRetries<T>(
        onRetry: @Sendable (RetryNotice) -> Void = { _ in },
        _ attempt: () async throws(AttemptFailure) -> T
    ) async throws(APIError) -> T {
        try configuration.checkTransportSecurity()
        let policy = configuration.retryPolicy
        var retry = 0
        while true {
            if Task.isCancelled { throw APIError(kind: .cancelled, message: "the request was cancelled") }
            do {
                return try await attempt()
            } catch {
                var failure = error.error
                failure.attempts = retry + 1
                if let partial = error.partial {
                    failure.partial = partial
                    throw failure
                }
                if failure.kind == .cancelled || Task.isCancelled {
                    throw APIError(kind: .cancelled, message: "the request was cancelled")
                }
                guard let delay = policy.delay(beforeRetry: retry, after: failure) else { throw failure }
                onRetry(
                    RetryNotice(attempt: retry + 2, maxAttempts: policy.maxRetries + 1, delay: delay, reason: failure))
                do {
                    try await sleeper.sleep(for: delay)
                } catch {
                    throw APIError(kind: .cancelled, message: "the request was cancelled while waiting to retry")
                }
                retry += 1
            }
        }
    }

    /// Sends `request` and reads a JSON reply of at most `limit` bytes.
    private func attemptJSON(_ request: HTTPRequest, limit: Int) async throws(AttemptFailure) -> JSONValue {
        try await attemptJSONWithHead(request, limit: limit).json
    }

    /// `attemptJSON`, with the response head (for the status and request id of a later shape error).
    private func attemptJSONWithHead(_ request: HTTPRequest, limit: Int) async throws(AttemptFailure) -> (
        json: JSONValue, head: HTTPResponseHead
    ) {
        let options = TransportOptions(
            connectTimeout: configuration.connectTimeout, idleTimeout: nil,
            totalTimeout: configuration.replyTimeout)
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        do {
            reading: for try await event in transport.send(request, options: options) {
                switch event {
                case .head(let h):
                    head = h
                    if Self.isAnsweredByHead(h) { break reading }
                case .body(let bytes):
                    guard try keep(bytes, in: &body, head: head, limit: limit) else { break reading }
                }
            }
        } catch {
            throw AttemptFailure(error: Self.apiError(error))
        }
        if Task.isCancelled {
            throw AttemptFailure(error: APIError(kind: .cancelled, message: "the request was cancelled"))
        }
        guard let head else {
            throw AttemptFailure(error: APIError(kind: .network, message: "the connection closed without a response"))
        }
        if let failure = Self.failure(for: head, body: body) { throw AttemptFailure(error: failure) }
        do {
            return (try JSONValue.parse(body), head)
        } catch {
            throw AttemptFailure(
                error: APIError(
                    kind: .malformedResponse, httpStatus: head.status,
                    message:
                        "the reply is not valid JSON (\(error)): \(APIError.describeNonJSONBody(body, contentType: head.headers["content-type"]))",
                    requestID: head.headers["request-id"]))
        }
    }

    /// The error a response stands for before its body is read as the API's: an error status, a
    /// redirect, or a body encoded in a way palaver did not ask for. `nil` for a plain success.
    static func failure(for head: HTTPResponseHead, body: [UInt8]) -> APIError? {
        if head.status >= 400 {
            return APIError(status: head.status, headers: head.headers, body: body)
        }
        if (300..<400).contains(head.status) {
            return APIError(redirectStatus: head.status, headers: head.headers)
        }
        if let encoding = APIError.unrequestedEncoding(head.headers) {
            return APIError(
                kind: .malformedResponse, httpStatus: head.status,
                message: APIError.describeNonJSONBody(
                    body, contentType: head.headers["content-type"], contentEncoding: encoding),
                requestID: head.headers["request-id"])
        }
        return nil
    }

    /// A redirect or an encoded success body is reported from the head alone: nothing more is read.
    private static func isAnsweredByHead(_ head: HTTPResponseHead) -> Bool {
        (300..<400).contains(head.status) || (head.status < 400 && APIError.unrequestedEncoding(head.headers) != nil)
    }

    /// Appends `bytes` to a whole (non-stream) reply `body` of at most `limit` bytes. An error
    /// reply keeps only what fits in `maxErrorBodyBytes` and returns false: stop reading.
    private func keep(_ bytes: [UInt8], in body: inout [UInt8], head: HTTPResponseHead?, limit: Int) throws(APIError)
        -> Bool
    {
        let isError = (head?.status ?? 0) >= 400
        let cap = isError ? configuration.limits.maxErrorBodyBytes : limit
        if body.count + bytes.count > cap {
            if isError {
                body += bytes.prefix(cap - body.count) // enough to say what went wrong
                return false
            }
            throw APIError(
                kind: .responseTooLarge, httpStatus: head?.status,
                message: "the reply was larger than \(ByteCount(limit)); palaver stopped reading it",
                requestID: head?.headers["request-id"])
        }
        body += bytes
        return true
    }

    /// One attempt at a message request: streamed as events, or read as one JSON reply.
    private func attemptMessage(
        _ request: MessageRequest, stream: Bool,
        report: (MessageStreamEvent) -> Void
    ) async throws(AttemptFailure) -> Message {
        let http = try messageHTTPRequest(request, stream: stream)
        guard stream else {
            let (json, head) = try await attemptJSONWithHead(http, limit: configuration.limits.maxBodyBytes)
            let limits = RateLimits(headers: head.headers)
            if !limits.isEmpty { report(.rateLimits(limits)) }
            return try Self.message(from: json, head: head)
        }
        var reply = StreamedReply(decoder: MessageStreamDecoder(maxLineBytes: configuration.limits.maxStreamLineBytes))
        do {
            try await readStream(http, into: &reply, report: report)
        } catch {
            var failure = Self.apiError(error)
            if failure.requestID == nil { failure.requestID = reply.head?.headers["request-id"] }
            if failure.httpStatus == nil { failure.httpStatus = reply.head?.status }
            throw AttemptFailure(error: failure, partial: reply.partial)
        }
        if Task.isCancelled {
            throw AttemptFailure(
                error: APIError(kind: .cancelled, message: "the request was cancelled"), partial: reply.partial)
        }
        return try Self.message(from: reply)
    }

    /// `POST /v1/messages` for `request`, asking for an event stream when `stream` is set.
    private func messageHTTPRequest(_ request: MessageRequest, stream: Bool) throws(AttemptFailure) -> HTTPRequest {
        let url: String
        do throws(APIError) { url = try configuration.url(for: "/v1/messages") } catch {
            throw AttemptFailure(error: error)
        }
        var headers = configuration.headers(json: true)
        if stream { headers.append(("accept", "text/event-stream")) }
        return HTTPRequest(
            method: "POST", url: url, headers: headers, body: Array(request.body(stream: stream).serialized().utf8))
    }

    /// What a streamed attempt has read: the head, then either events (through the decoder,
    /// which assembles the message) or, when the reply is not an event stream, its body.
    private struct StreamedReply {
        var head: HTTPResponseHead?
        var isEventStream = false
        var rawBody: [UInt8] = []
        var decoder: MessageStreamDecoder
        /// Body bytes received, counted before any bound is applied.
        var received = 0

        /// The message so far, when some content arrived.
        var partial: Message? { decoder.accumulator.hasContent ? decoder.accumulator.message : nil }
    }

    /// Reads the streamed reply to `http` into `reply`, reporting the start of a success and each event.
    private func readStream(
        _ http: HTTPRequest, into reply: inout StreamedReply,
        report: (MessageStreamEvent) -> Void
    ) async throws {
        let limits = configuration.limits
        let options = TransportOptions(
            connectTimeout: configuration.connectTimeout, idleTimeout: configuration.idleTimeout,
            totalTimeout: configuration.replyTimeout)
        reading: for try await event in transport.send(http, options: options) {
            switch event {
            case .head(let h):
                reply.head = h
                if Self.isAnsweredByHead(h) { break reading }
                reply.isEventStream =
                    h.status < 400 && (h.headers["content-type"]?.lowercased().contains("text/event-stream") ?? false)
                if h.status < 400 { report(.responseStarted(requestID: h.headers["request-id"])) }
                let limits = RateLimits(headers: h.headers)
                if !limits.isEmpty { report(.rateLimits(limits)) }
            case .body(let bytes):
                reply.received += bytes.count
                guard reply.isEventStream else {
                    guard try keep(bytes, in: &reply.rawBody, head: reply.head, limit: limits.maxBodyBytes) else {
                        break reading
                    }
                    continue
                }
                if reply.received > limits.maxStreamBytes {
                    throw APIError(
                        kind: .responseTooLarge, httpStatus: reply.head?.status,
                        message:
                            "the event stream went on past \(ByteCount(limits.maxStreamBytes)); palaver stopped reading it",
                        requestID: reply.head?.headers["request-id"])
                }
                try bytes.withUnsafeBytes { buffer in
                    try reply.decoder.feed(buffer) { report(.event($0)) }
                }
            }
        }
    }

    /// The message a streamed reply that was read to its end carries: the assembled events, or a
    /// whole JSON message; the error for an error reply, a redirect or a stream cut short.
    private static func message(from reply: StreamedReply) throws(AttemptFailure) -> Message {
        guard let head = reply.head else {
            throw AttemptFailure(error: APIError(kind: .network, message: "the connection closed without a response"))
        }
        if let failure = failure(for: head, body: reply.rawBody) { throw AttemptFailure(error: failure) }
        if !reply.isEventStream {
            // A gateway that ignores "stream": true may answer with the whole message as JSON.
            let json: JSONValue
            do {
                json = try JSONValue.parse(reply.rawBody)
            } catch {
                throw AttemptFailure(
                    error: APIError(
                        kind: .malformedResponse, httpStatus: head.status,
                        message:
                            "expected an event stream but got \(head.headers["content-type"].map { String($0.prefix(100)) } ?? "no content type"): \(APIError.describeNonJSONBody(reply.rawBody, contentType: head.headers["content-type"]))",
                        requestID: head.headers["request-id"]))
            }
            return try message(from: json, head: head)
        }
        guard reply.decoder.accumulator.isComplete else {
            throw AttemptFailure(
                error: APIError(
                    kind: .truncated, httpStatus: head.status,
                    message:
                        "the stream ended without message_stop after \(reply.received) bytes\(reply.decoder.hasPendingInput ? ", in the middle of an event" : "")",
                    requestID: head.headers["request-id"]),
                partial: reply.partial)
        }
        return reply.decoder.accumulator.message
    }

    /// The message in a JSON reply; a shape error carries the reply's status and request id.
    private static func message(from json: JSONValue, head: HTTPResponseHead) throws(AttemptFailure) -> Message {
        do throws(APIError) {
            return try Message(json: json)
        } catch {
            var e = error
            e.httpStatus = head.status
            e.requestID = head.headers["request-id"]
            throw AttemptFailure(error: e)
        }
    }

    private static func apiError(_ error: any Error) -> APIError {
        if let e = error as? APIError { return e }
        if error is CancellationError { return APIError(kind: .cancelled, message: "the request was cancelled") }
        return APIError(kind: .network, message: String(describing: error))
    }
}
