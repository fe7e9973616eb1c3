import Testing

@testable import AnthropicAPI

/// The client's retry and interruption rules, with scripted replies and an injected clock.
@Suite struct ClientRetryTests {
    let key = "sk-ant-api03-" + String(repeating: "k", count: 93) + "AA"

    private func client(_ transport: ScriptedTransport, sleeper: RecordingSleeper, maxRetries: Int = 2)
        -> AnthropicClient
    {
        let config = ClientConfiguration(
            baseURL: "http://127.0.0.1:9", credential: Credential(secret: key),
            retryPolicy: RetryPolicy(maxRetries: maxRetries, jitter: { 1 }))
        return AnthropicClient(configuration: config, transport: transport, sleeper: sleeper)
    }

    private let request = MessageRequest(model: "m", maxTokens: 10, messages: [.user("hi")])

    private func collect(_ stream: AsyncThrowingStream<MessageStreamEvent, any Error>) async -> (
        [MessageStreamEvent], (any Error)?
    ) {
        var events: [MessageStreamEvent] = []
        do {
            for try await e in stream { events.append(e) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    @Test func retriesWithServerDelaysThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .json(
                429, #"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#,
                headers: [("retry-after", "2")]),
            .json(529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#),
            .sse(SSE.complete(["Hel", "lo"])),
        ])
        let sleeper = RecordingSleeper()
        let (events, error) = await collect(client(transport, sleeper: sleeper).send(request))
        #expect(error == nil)
        #expect(sleeper.sleeps == [.seconds(2), .seconds(1)])
        let notices = events.compactMap { if case .retrying(let n) = $0 { return n } else { return nil } }
        #expect(notices.map(\.attempt) == [2, 3])
        #expect(notices.map(\.reason.kind) == [.rateLimited, .overloaded])
        guard case .completed(let message) = events.last else {
            Issue.record("no completion")
            return
        }
        #expect(message.text == "Hello")
        #expect(transport.requestCount == 3)
    }

    @Test func givesUpAfterMaxRetries() async {
        let overloaded = ScriptedTransport.Reply.json(
            529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)
        let transport = ScriptedTransport([overloaded, overloaded, overloaded, overloaded])
        let sleeper = RecordingSleeper()
        let (_, error) = await collect(client(transport, sleeper: sleeper).send(request))
        let e = error as? APIError
        #expect(e?.kind == .overloaded)
        #expect(e?.attempts == 3)
        #expect(transport.requestCount == 3)
        #expect(sleeper.sleeps == [.milliseconds(500), .seconds(1)])
    }

    @Test(arguments: [400, 401, 402, 403, 404, 413])
    func neverRetriesClientErrors(_ status: Int) async {
        let transport = ScriptedTransport([.json(status, ""), .sse(SSE.complete(["x"]))])
        let sleeper = RecordingSleeper()
        let (_, error) = await collect(client(transport, sleeper: sleeper).send(request))
        #expect((error as? APIError)?.httpStatus == status)
        #expect(transport.requestCount == 1)
        #expect(sleeper.sleeps.isEmpty)
    }

    @Test func streamFailingBeforeContentIsRetried() async {
        let transport = ScriptedTransport([
            .sse([SSE.start, SSE.overloaded]),
            .sse([SSE.start], failure: APIError(kind: .network, message: "connection reset")),
            .sse(SSE.complete(["ok"])),
        ])
        let sleeper = RecordingSleeper()
        let (events, error) = await collect(client(transport, sleeper: sleeper).send(request))
        #expect(error == nil)
        #expect(transport.requestCount == 3)
        if case .completed(let m) = events.last { #expect(m.text == "ok") } else { Issue.record("not completed") }
    }

    @Test func streamFailingAfterContentIsInterruptedWithThePartialText() async {
        let transport = ScriptedTransport([
            .sse([SSE.start, SSE.blockStart, SSE.text("Partial "), SSE.text("answer"), SSE.overloaded]),
            .sse(SSE.complete(["never sent"])),
        ])
        let (events, error) = await collect(client(transport, sleeper: RecordingSleeper()).send(request))
        let e = error as? APIError
        #expect(e?.kind == .overloaded)
        #expect(e?.isInterrupted == true)
        #expect(e?.partial?.text == "Partial answer")
        #expect(e?.requestID == "req_err")
        #expect(transport.requestCount == 1)
        let texts = events.compactMap {
            if case .event(.contentBlockDelta(_, .text(let t))) = $0 { return t } else { return nil }
        }
        #expect(texts == ["Partial ", "answer"])
    }

    @Test func streamEndingWithoutMessageStopIsTruncated() async {
        let transport = ScriptedTransport([.sse([SSE.start, SSE.blockStart, SSE.text("cut")])])
        let (_, error) = await collect(client(transport, sleeper: RecordingSleeper()).send(request))
        let e = error as? APIError
        #expect(e?.kind == .truncated)
        #expect(e?.partial?.text == "cut")
    }

    @Test func xShouldRetryFalseStopsRetries() async {
        let transport = ScriptedTransport([
            .json(529, "", headers: [("x-should-retry", "false")]), .sse(SSE.complete(["x"])),
        ])
        let (_, error) = await collect(client(transport, sleeper: RecordingSleeper()).send(request))
        #expect((error as? APIError)?.kind == .overloaded)
        #expect(transport.requestCount == 1)
    }

    @Test func nonStreamingCreateRetriesAndDecodes() async throws {
        let transport = ScriptedTransport([
            .json(500, "<html>oops</html>"),
            .json(
                200,
                #"{"id":"msg_2","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"whole"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}"#
            ),
        ])
        let sleeper = RecordingSleeper()
        let message = try await client(transport, sleeper: sleeper).createMessage(request)
        #expect(message.text == "whole")
        #expect(sleeper.sleeps.count == 1)
        let body = String(decoding: transport.requests[0].body ?? [], as: UTF8.self)
        #expect(!body.contains("\"stream\""))
    }

    @Test func requestsCarryTheRightHeadersAndBody() async throws {
        let transport = ScriptedTransport([.sse(SSE.complete(["x"]))])
        _ = await collect(client(transport, sleeper: RecordingSleeper()).send(request))
        let sent = transport.requests[0]
        #expect(sent.url == "http://127.0.0.1:9/v1/messages")
        let headers = Dictionary(sent.headers, uniquingKeysWith: { a, _ in a })
        #expect(headers["x-api-key"] == key)
        #expect(headers["anthropic-version"] == "2023-06-01")
        #expect(headers["content-type"] == "application/json")
        let body = try JSONValue.parse(sent.body ?? [])
        #expect(body["stream"] == .bool(true))
        #expect(body["max_tokens"] == .int(10))
        #expect(body["messages"] == .array([.object(["role": .string("user"), "content": .string("hi")])]))
    }

    @Test func bearerTokensGoInAuthorization() async {
        let transport = ScriptedTransport([.sse(SSE.complete(["x"]))])
        let config = ClientConfiguration(
            baseURL: "http://127.0.0.1:9/anthropic/", credential: Credential(secret: "tok-123", scheme: .bearer))
        _ = await collect(
            AnthropicClient(configuration: config, transport: transport, sleeper: RecordingSleeper()).send(request))
        let headers = Dictionary(transport.requests[0].headers, uniquingKeysWith: { a, _ in a })
        #expect(headers["authorization"] == "Bearer tok-123")
        #expect(headers["x-api-key"] == nil)
        #expect(transport.requests[0].url == "http://127.0.0.1:9/anthropic/v1/messages")
    }

    @Test func plainHTTPToARemoteHostIsRefusedBeforeSending() async {
        let transport = ScriptedTransport([.sse(SSE.complete(["x"]))])
        let config = ClientConfiguration(
            baseURL: "http://gateway.example.com/anthropic", credential: Credential(secret: key))
        let (_, error) = await collect(
            AnthropicClient(configuration: config, transport: transport, sleeper: RecordingSleeper()).send(request))
        #expect((error as? APIError)?.kind == .insecureTransport)
        #expect(transport.requestCount == 0)
        #expect(!String(describing: error!).contains(key))

        var allowed = config
        allowed.allowInsecureHTTP = true
        let (_, none) = await collect(
            AnthropicClient(configuration: allowed, transport: transport, sleeper: RecordingSleeper()).send(request))
        #expect(none == nil)
    }

    @Test(arguments: [
        "http://localhost:8080", "http://127.0.0.1", "http://127.1.2.3:9/x", "http://[::1]:8000",
        "https://api.anthropic.com",
    ])
    func loopbackAndHTTPSAreAllowed(_ base: String) throws {
        try ClientConfiguration(baseURL: base, credential: Credential(secret: key)).checkTransportSecurity()
    }

    @Test(arguments: ["ftp://x", "api.anthropic.com", "", "http://", "https://h/?q=1"])
    func unusableBaseURLsAreRejected(_ base: String) {
        #expect(throws: APIError.self) {
            try ClientConfiguration(baseURL: base, credential: nil).url(for: "/v1/messages")
        }
    }

    @Test func cancellingDuringARetryWaitStopsAtOnce() async {
        let transport = ScriptedTransport([.json(529, ""), .sse(SSE.complete(["x"]))])
        let config = ClientConfiguration(
            baseURL: "http://127.0.0.1:9", credential: Credential(secret: key),
            retryPolicy: RetryPolicy(maxRetries: 2, initialDelay: .seconds(30), jitter: { 1 }))
        let client = AnthropicClient(configuration: config, transport: transport)
        let task = Task { () -> (any Error)? in
            do {
                for try await event in client.send(request) {
                    if case .retrying = event { withUnsafeCurrentTask { $0?.cancel() } }
                }
                return nil
            } catch {
                return error
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let error = await task.value
        #expect(clock.now - started < .seconds(15)) // far below the 30 s retry wait
        #expect((error as? APIError)?.kind == .cancelled || error == nil)
        #expect(transport.requestCount == 1)
    }
}
