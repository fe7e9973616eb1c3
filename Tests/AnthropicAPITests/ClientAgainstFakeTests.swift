import FakeAnthropic
import Foundation
import TestSupport
import Testing

@testable import AnthropicAPI

/// The client over real HTTP (libcurl) against fake-anthropic on 127.0.0.1.
@Suite struct ClientAgainstFakeTests {
    static let key = FakeServerHarness.defaultKey

    private func client(
        _ fake: FakeServerHarness, key: String = ClientAgainstFakeTests.key, maxRetries: Int = 2,
        idleTimeout: Duration = .seconds(60), sleeper: any Sleeper = RecordingSleeper(),
        base: String? = nil
    ) -> AnthropicClient {
        let config = ClientConfiguration(
            baseURL: base ?? fake.baseURL, credential: Credential(secret: key),
            retryPolicy: RetryPolicy(maxRetries: maxRetries, jitter: { 1 }),
            connectTimeout: .seconds(5), idleTimeout: idleTimeout)
        return AnthropicClient(configuration: config, sleeper: sleeper)
    }

    private let request = MessageRequest(
        model: "claude-sonnet-4-5-20250929", maxTokens: 100, messages: [.user("Hi there")])

    private func run(_ client: AnthropicClient, _ request: MessageRequest? = nil, stream: Bool = true)
        async -> (texts: [String], message: Message?, error: APIError?, retries: [RetryNotice])
    {
        var texts: [String] = []
        var retries: [RetryNotice] = []
        do {
            for try await event in client.send(request ?? self.request, stream: stream) {
                switch event {
                case .event(.contentBlockDelta(_, .text(let t))): texts.append(t)
                case .retrying(let n): retries.append(n)
                case .completed(let m): return (texts, m, nil, retries)
                default: break
                }
            }
            return (texts, nil, nil, retries)
        } catch {
            return (texts, nil, error as? APIError, retries)
        }
    }

    @Test func reportsTheRateLimitHeadersOfRepliesAndModelLists() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.setRateLimits(
                FakeRateLimits(
                    requests: .init(limit: 50, remaining: 49), tokens: .init(limit: 80_000, remaining: 3_200),
                    outputTokens: .init(remaining: 0)))
            for stream in [true, false] {
                var seen: [RateLimits] = []
                for try await event in client(fake).send(request, stream: stream) {
                    if case .rateLimits(let limits) = event { seen.append(limits) }
                }
                #expect(seen.count == 1, "stream: \(stream)")
                #expect(seen.first?[.tokens] == RateLimits.Limit(limit: 80_000, remaining: 3_200), "stream: \(stream)")
                #expect(seen.first?.lowestHeadroom?.kind == .tokens, "stream: \(stream)")
            }
            let page = try await client(fake).listModels(limit: 1)
            #expect(page.rateLimits[.requests] == RateLimits.Limit(limit: 50, remaining: 49))
        }
    }

    @Test func reportsNoRateLimitsWhenTheServerSendsNone() async throws {
        try await FakeServerHarness.with { fake in
            for try await event in client(fake).send(request) {
                if case .rateLimits = event { Issue.record("no rate-limit headers were sent") }
            }
            #expect(try await client(fake).listModels(limit: 1).rateLimits.isEmpty)
        }
    }

    @Test func streamsTheReplyInPieces() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.setReply(ReplyConfig(text: "Héllo 你好 🙂 world, streamed.", chunkChars: 3))
            let result = await run(client(fake))
            #expect(result.error == nil)
            #expect(result.texts.count > 5)
            #expect(result.texts.joined() == "Héllo 你好 🙂 world, streamed.")
            #expect(result.message?.text == "Héllo 你好 🙂 world, streamed.")
            #expect(result.message?.stopReason == "end_turn")
            #expect((result.message?.usage.outputTokens ?? 0) > 0)
            let logged = fake.server.state.requests()
            #expect(logged.count == 1)
            #expect(logged.first?.headers["anthropic-version"] == "2023-06-01")
            #expect(logged.first?.key == Secrets.mask(Self.key))
        }
    }

    @Test func nonStreamingReturnsTheWholeMessage() async throws {
        try await FakeServerHarness.with { fake in
            let message = try await client(fake).createMessage(request)
            #expect(message.text == "Hello from fake-anthropic. You said: Hi there")
            #expect(message.id.hasPrefix("msg_"))
        }
    }

    @Test func thinkingAndToolUseAssemble() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.setReply(
                ReplyConfig(
                    text: "", chunkChars: 4, thinking: "Pondering deeply.",
                    toolUse: ToolUse(name: "lookup", inputJSON: #"{"q": "swift", "n": 2}"#)))
            let result = await run(client(fake))
            #expect(result.error == nil)
            let content = result.message?.content ?? []
            #expect(
                content.first.map {
                    if case .thinking(let t, let sig) = $0 {
                        return t == "Pondering deeply." && !sig.isEmpty
                    } else {
                        return false
                    }
                } == true)
            #expect(
                content.contains {
                    if case .toolUse(_, "lookup", .object(let input)) = $0 {
                        return input["q"] == .string("swift") && input["n"] == .int(2)
                    } else {
                        return false
                    }
                })
            #expect(result.message?.stopReason == "tool_use")
        }
    }

    @Test func rejectedKeyIsAnAuthenticationErrorWithoutRetry() async throws {
        try await FakeServerHarness.with { fake in
            let wrong = "sk-ant-api03-" + String(repeating: "w", count: 93) + "AA"
            let result = await run(client(fake, key: wrong))
            let error = try #require(result.error)
            #expect(error.kind == .authentication)
            #expect(error.httpStatus == 401)
            #expect(error.errorType == "authentication_error")
            #expect(error.requestID?.hasPrefix("req_") == true)
            #expect(!error.description.contains(wrong))
            #expect(result.retries.isEmpty)
            #expect(fake.server.state.requests().count == 1)
        }
    }

    @Test func keyRevokedAtRunTimeIsRejectedNext() async throws {
        try await FakeServerHarness.with { fake in
            #expect(await run(client(fake)).error == nil)
            let response = try await fake.control("POST", "/_control/keys/revoke", json: #"{"key":"\#(Self.key)"}"#)
            #expect(response.status == 200)
            #expect(await run(client(fake)).error?.kind == .authentication)
        }
    }

    @Test func rateLimitHonoursRetryAfterThenSucceeds() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(.status(429, headers: ["retry-after": "3"]))
            let sleeper = RecordingSleeper()
            let result = await run(client(fake, sleeper: sleeper))
            #expect(result.error == nil)
            #expect(sleeper.sleeps == [.seconds(3)])
            #expect(result.retries.first?.reason.kind == .rateLimited)
            #expect(result.message != nil)
        }
    }

    @Test func retryAfterMillisecondsIsWaitedForReal() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(.status(429, headers: ["retry-after-ms": "300"]))
            let clock = ContinuousClock()
            let start = clock.now
            let result = await run(client(fake, sleeper: ContinuousSleeper()))
            #expect(result.error == nil)
            #expect(clock.now - start >= .milliseconds(300))
        }
    }

    @Test func overloadedIsRetriedThenSucceeds() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(.status(529, times: 2))
            let sleeper = RecordingSleeper()
            let result = await run(client(fake, sleeper: sleeper))
            #expect(result.error == nil)
            #expect(result.retries.map(\.attempt) == [2, 3])
            #expect(sleeper.sleeps == [.milliseconds(500), .seconds(1)])
            #expect(fake.server.state.requests().count == 3)
        }
    }

    @Test func overloadedEveryTimeGivesUpAfterTheRetries() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(.status(529, times: 5))
            let result = await run(client(fake))
            #expect(result.error?.kind == .overloaded)
            #expect(result.error?.attempts == 3)
            #expect(fake.server.state.requests().count == 3)
        }
    }

    @Test func htmlErrorPageStillGivesATypedError() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(
                .rawBody(
                    status: 502, body: "<html><head><title>502 Bad Gateway</title></head></html>",
                    contentType: "text/html"))
            let result = await run(client(fake, maxRetries: 0))
            #expect(result.error?.kind == .apiError)
            #expect(result.error?.httpStatus == 502)
            #expect(result.error?.message.contains("502 Bad Gateway") == true)
        }
    }

    @Test func midStreamErrorAfterContentIsInterruptedWithThePartialText() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.setReply(ReplyConfig(text: "abcdefghijklmnop", chunkChars: 2))
            fake.server.state.enqueueFault(.streamError(afterEvents: 3, errorType: "overloaded_error"))
            let result = await run(client(fake))
            let error = try #require(result.error)
            #expect(error.kind == .overloaded)
            #expect(error.isInterrupted)
            #expect(error.partial?.text == "abcdef")
            #expect(result.texts.joined() == "abcdef")
            #expect(fake.server.state.requests().count == 1)
        }
    }

    @Test func midStreamErrorBeforeContentIsRetried() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(.streamError(afterEvents: 0, errorType: "overloaded_error"))
            let result = await run(client(fake))
            #expect(result.error == nil)
            #expect(result.retries.count == 1)
            #expect(result.message?.text.hasPrefix("Hello from fake-anthropic") == true)
        }
    }

    @Test func droppedConnectionAfterContentIsInterrupted() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.setReply(ReplyConfig(text: "0123456789", chunkChars: 2))
            fake.server.state.enqueueFault(.drop(afterEvents: 2))
            let result = await run(client(fake))
            let error = try #require(result.error)
            #expect(error.kind == .network || error.kind == .truncated)
            #expect(error.partial?.text == "0123")
        }
    }

    @Test func droppedConnectionBeforeContentIsRetried() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(.drop(afterEvents: 0))
            let result = await run(client(fake))
            #expect(result.error == nil)
            #expect(result.retries.count == 1)
            #expect(fake.server.state.requests().count == 2)
        }
    }

    @Test func stalledStreamTimesOut() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.enqueueFault(.stall(seconds: 60, afterEvents: 1))
            let clock = ContinuousClock()
            let start = clock.now
            let result = await run(client(fake, maxRetries: 0, idleTimeout: .seconds(2))) // room for a loaded machine
            let error = try #require(result.error)
            #expect(error.kind == .timeout)
            #expect(error.isInterrupted)
            #expect(clock.now - start < .seconds(30)) // far below the 60 s stall
        }
    }

    @Test func cancellingAbortsTheTransferPromptly() async throws {
        try await FakeServerHarness.with { fake in
            fake.server.state.setReply(
                ReplyConfig(text: String(repeating: "slow ", count: 200), chunkChars: 5, delayMs: 200))
            let client = client(fake)
            let task = Task { () -> Int in
                var deltas = 0
                for try await event in client.send(request) {
                    if case .event(.contentBlockDelta) = event { deltas += 1 }
                }
                return deltas
            }
            // Wait for the stream to be under way, then cancel it.
            while fake.server.state.activeResponses() == 0 { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(300))
            let clock = ContinuousClock()
            let cancelledAt = clock.now
            task.cancel()
            _ = try? await task.value
            // The server sees the connection go away: the transfer was aborted, not left running.
            while fake.server.state.activeResponses() > 0 && clock.now - cancelledAt < .seconds(15) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(fake.server.state.activeResponses() == 0)
            #expect(clock.now - cancelledAt < .seconds(15)) // the whole reply would take 40 s
        }
    }

    @Test func connectionRefusedIsANetworkError() async {
        let config = ClientConfiguration(
            baseURL: "http://127.0.0.1:1", credential: Credential(secret: Self.key),
            retryPolicy: RetryPolicy(maxRetries: 1, jitter: { 1 }))
        let sleeper = RecordingSleeper()
        do {
            _ = try await AnthropicClient(configuration: config, sleeper: sleeper).createMessage(request)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .network)
            #expect(error.attempts == 2)
            #expect(sleeper.sleeps.count == 1)
        }
    }

    @Test func pathPrefixIsKept() async throws {
        try await FakeServerHarness.with(pathPrefix: "/anthropic") { fake in
            let prefixed = client(fake, base: fake.baseURL + "/anthropic/")
            #expect(await run(prefixed).error == nil)
            #expect(fake.server.state.requests().first?.path == "/anthropic/v1/messages")
            #expect(await run(client(fake, maxRetries: 0)).error?.kind == .notFound)
        }
    }

    @Test func modelsAndTokenCounts() async throws {
        try await FakeServerHarness.with { fake in
            let c = client(fake)
            let page = try await c.listModels(limit: 2)
            #expect(page.models.count == 2)
            #expect(page.hasMore)
            let rest = try await c.listModels(limit: 10, afterID: page.lastID)
            #expect(!rest.models.contains { page.models.map(\.id).contains($0.id) })
            #expect(try await c.newestModel()?.id == "claude-sonnet-4-5-20250929")
            #expect(try await c.countTokens(request) > 0)
            let unknownModel = MessageRequest(model: "claude-nonexistent", maxTokens: 10, messages: [.user("x")])
            #expect(await run(c, unknownModel).error?.kind == .notFound)
        }
    }

    @Test func permissionAndCreditProblemsKeepTheirKinds() async throws {
        let forbidden = "sk-ant-api03-" + String(repeating: "f", count: 93) + "AA"
        let broke = "sk-ant-api03-" + String(repeating: "b", count: 93) + "AA"
        let billing = "sk-ant-api03-" + String(repeating: "B", count: 93) + "AA"
        try await FakeServerHarness.with { fake in
            fake.server.state.addKey(forbidden, status: .forbidden)
            fake.server.state.addKey(broke, status: .noCredit)
            fake.server.state.addKey(billing, status: .billing)
            #expect(await run(client(fake, key: forbidden)).error?.kind == .permission)
            #expect(await run(client(fake, key: broke)).error?.kind == .noCredit)
            #expect(await run(client(fake, key: billing)).error?.kind == .billing)
            #expect(fake.server.state.requests().count == 3)
        }
    }
}
