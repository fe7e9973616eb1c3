import FakeAnthropic
import Foundation
import TestSupport
import Testing

@testable import AnthropicAPI

/// The client over real HTTP against a fake-anthropic that misbehaves on purpose.
@Suite struct HostileServerTests {
    static let key = FakeServerHarness.defaultKey
    private let request = MessageRequest(
        model: "claude-sonnet-4-5-20250929", maxTokens: 100, messages: [.user("Hi there")])

    private func client(
        _ fake: FakeServerHarness, base: String? = nil, maxRetries: Int = 0,
        replyTimeout: Duration = .seconds(60), limits: ResponseLimits = ResponseLimits()
    ) -> AnthropicClient {
        let config = ClientConfiguration(
            baseURL: base ?? fake.baseURL, credential: Credential(secret: Self.key),
            retryPolicy: RetryPolicy(maxRetries: maxRetries, jitter: { 1 }),
            connectTimeout: .seconds(5), idleTimeout: .seconds(30),
            replyTimeout: replyTimeout, limits: limits)
        return AnthropicClient(configuration: config, sleeper: RecordingSleeper())
    }

    private func run(_ client: AnthropicClient, stream: Bool = true) async -> (
        text: String, message: Message?, error: APIError?
    ) {
        var text = ""
        do {
            for try await event in client.send(request, stream: stream) {
                switch event {
                case .event(.contentBlockDelta(_, .text(let t))): text += t
                case .completed(let m): return (text, m, nil)
                default: break
                }
            }
            return (text, nil, nil)
        } catch {
            return (text, nil, error as? APIError)
        }
    }

    @Test(arguments: [
        ("retry-after", "inf"), ("retry-after", "1e300"), ("retry-after", "nan"), ("retry-after", "-0"),
        ("retry-after-ms", "9.3e18"),
    ])
    func absurdRetryAfterOnEveryEndpoint(_ header: (String, String)) async throws {
        try await FakeServerHarness.with { fake in
            fake.state.enqueueFault(.status(429, headers: [header.0: header.1], path: "*", times: 3))
            let client = client(fake)
            let streamed = await run(client)
            #expect(streamed.error?.kind == .rateLimited)
            if let wait = streamed.error?.retryAfter { #expect(wait <= .seconds(Duration.maxServerWaitSeconds)) }
            do throws(APIError) {
                _ = try await client.listModels()
                Issue.record("models succeeded")
            } catch {
                #expect(error.kind == .rateLimited)
            }
            do throws(APIError) {
                _ = try await client.countTokens(request)
                Issue.record("count succeeded")
            } catch {
                #expect(error.kind == .rateLimited)
            }
        }
    }

    @Test func redirectsAreReportedAndNeverFollowed() async throws {
        try await FakeServerHarness.with { fake in
            // Point the redirect back at the fake itself: following it would show as a second request.
            let location = fake.baseURL + "/v1/models"
            fake.state.enqueueFault(.redirect(307, location: location, path: "*", times: 3))
            let client = client(fake, maxRetries: 2)
            for stream in [true, false] {
                let result = await run(client, stream: stream)
                #expect(result.error?.kind == .redirected)
                #expect(result.error?.httpStatus == 307)
                #expect(
                    result.error?.message.contains("127.0.0.1:\(fake.port)") == true, "\(result.error?.message ?? "")")
                #expect(result.error?.message.contains("does not follow redirects") == true)
            }
            do throws(APIError) {
                _ = try await client.listModels()
                Issue.record("models succeeded")
            } catch { #expect(error.kind == .redirected) }
            #expect(fake.state.requests().count == 3) // one per call: no retry, no follow
        }
    }

    @Test func unaskedGzipIsNamed() async throws {
        try await FakeServerHarness.with { fake in
            fake.state.enqueueFaults([.gzip(), .gzip(), .gzip(status: 503), .gzip(encoding: "br", path: "/v1/models")])
            let client = client(fake)
            for stream in [true, false] {
                let result = await run(client, stream: stream)
                #expect(result.error?.kind == .malformedResponse)
                #expect(result.error?.message.contains("gzip-encoded body") == true, "\(result.error?.message ?? "")")
            }
            let failed = await run(client)
            #expect(failed.error?.kind == .serviceUnavailable)
            #expect(failed.error?.message.contains("gzip-encoded") == true)
            do throws(APIError) {
                _ = try await client.listModels()
                Issue.record("models succeeded")
            } catch {
                #expect(error.message.contains("br-encoded body"), "\(error.message)")
            }
        }
    }

    @Test func endlessPingsMeetTheReplyDeadlineAndKeepTheText() async throws {
        try await FakeServerHarness.with { fake in
            fake.state.setReply(ReplyConfig(text: "Partial answer that never ends", chunkChars: 4))
            fake.state.enqueueFault(.pings(intervalMs: 50, afterEvents: 2))
            let clock = ContinuousClock()
            let started = clock.now
            let result = await run(client(fake, replyTimeout: .seconds(3))) // room for a loaded machine
            #expect(clock.now - started < .seconds(10))
            #expect(result.error?.kind == .deadline)
            #expect(result.error?.message.contains("limit for a whole reply") == true)
            #expect(result.error?.partial?.text == "Partial ")
            #expect(result.text == "Partial ")
        }
    }

    @Test func aByteAtATimeMeetsTheDeadlineToo() async throws {
        try await FakeServerHarness.with { fake in
            fake.state.setReply(ReplyConfig(text: "Slow and steady loses", chunkChars: 5))
            fake.state.enqueueFaults([.trickle(intervalMs: 40, afterEvents: 1), .trickle(intervalMs: 40)])
            let client = client(fake, replyTimeout: .seconds(2)) // the rest would take ~25 s
            let streamed = await run(client)
            #expect(streamed.error?.kind == .deadline)
            #expect(streamed.error?.partial?.text.hasPrefix("Slow ") == true)
            let whole = await run(client, stream: false)
            #expect(whole.error?.kind == .deadline)
        }
    }

    @Test func aStreamLineOverSixteenMebibytesStops() async throws {
        try await FakeServerHarness.with { fake in
            fake.state.enqueueFault(.hugeLine(megabytes: 17, afterEvents: 1))
            let result = await run(client(fake))
            #expect(result.error?.kind == .responseTooLarge)
            #expect(result.error?.message.contains("longer than 16 MiB") == true, "\(result.error?.message ?? "")")
            #expect(result.error?.partial != nil) // what came before is kept
        }
    }

    @Test func oversizedBodiesStop() async throws {
        try await FakeServerHarness.with { fake in
            let limits = ResponseLimits(maxBodyBytes: 1 << 20, maxModelsBodyBytes: 1 << 20, maxErrorBodyBytes: 64 << 10)
            let client = client(fake, limits: limits)
            fake.state.enqueueFaults([
                .hugeBody(megabytes: 2), .hugeBody(megabytes: 2), .hugeBody(megabytes: 2, path: "/v1/models"),
            ])
            for stream in [false, true] {
                let result = await run(client, stream: stream)
                #expect(result.error?.kind == .responseTooLarge, "\(String(describing: result.error))")
                #expect(result.error?.message.contains("larger than 1 MiB") == true)
            }
            do throws(APIError) {
                _ = try await client.listModels()
                Issue.record("models succeeded")
            } catch {
                #expect(error.kind == .responseTooLarge)
            }
            // A huge error body keeps its status and a bounded message.
            fake.state.enqueueFault(.hugeBody(megabytes: 3, status: 429))
            let limited = await run(client)
            #expect(limited.error?.kind == .rateLimited)
            #expect((limited.error?.message.count ?? .max) <= APIError.maxMessageCharacters)
        }
    }

    @Test func anEndlessStreamOfSmallEventsStops() async throws {
        try await FakeServerHarness.with { fake in
            fake.state.setReply(ReplyConfig(text: String(repeating: "many small deltas ", count: 500), chunkChars: 4))
            let result = await run(client(fake, limits: ResponseLimits(maxStreamBytes: 16 << 10)))
            #expect(result.error?.kind == .responseTooLarge)
            #expect(result.error?.message.contains("went on past 16 KiB") == true, "\(result.error?.message ?? "")")
            #expect(result.error?.partial?.text.hasPrefix("many small deltas") == true) // the text so far is kept
        }
    }

    @Test func wrongShapedJSONIsNotCalledInvalid() async throws {
        try await FakeServerHarness.with { fake in
            fake.state.enqueueFaults([.wrongShape(), .wrongShape(), .wrongShape(path: "/v1/models")])
            let client = client(fake)
            let plain = await run(client, stream: false)
            #expect(plain.error?.message.contains("JSON but not a message") == true, "\(plain.error?.message ?? "")")
            let streamed = await run(client)
            #expect(
                streamed.error?.message.contains("JSON but not an event") == true, "\(streamed.error?.message ?? "")")
            do throws(APIError) {
                _ = try await client.listModels()
                Issue.record("models succeeded")
            } catch {
                #expect(error.message.contains("no \"data\" array"), "\(error.message)")
            }
            for error in [plain.error, streamed.error] { #expect(error?.message.contains("not valid JSON") == false) }
        }
    }

    @Test func htmlErrorPagesGetTheirTitle() async throws {
        try await FakeServerHarness.with { fake in
            fake.state.enqueueFault(
                .rawBody(
                    status: 502,
                    body: "<html><title>502 Bad Gateway\u{1B}]0;pwned\u{07}</title><body>nginx</body></html>"))
            let result = await run(client(fake))
            #expect(result.error?.kind == .apiError)
            #expect(
                result.error?.message.contains("HTML page titled \"502 Bad Gateway\"") == true,
                "\(result.error?.message ?? "")")
        }
    }

    @Test func aBaseURLWithALineBreakSendsNothing() async throws {
        try await FakeServerHarness.with { fake in
            let result = await run(client(fake, base: fake.baseURL + "\r\nX-Evil: 1", maxRetries: 2))
            #expect(result.error?.kind == .invalidConfiguration)
            #expect(fake.state.requests().isEmpty)
        }
    }
}
