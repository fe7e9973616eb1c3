import FakeAnthropic
import Foundation
import TestSupport
import Testing

@Suite("Rate-limit headers")
struct RateLimitHeaderTests {
    private static let scripted = FakeRateLimits(
        requests: .init(limit: 50, remaining: 49, reset: "2026-12-08T14:31:00Z"),
        tokens: .init(limit: 80_000, remaining: 3_200, reset: "2026-12-08T14:32:00Z"),
        outputTokens: .init(remaining: 0))

    private static let expected = [
        "anthropic-ratelimit-requests-limit": "50", "anthropic-ratelimit-requests-remaining": "49",
        "anthropic-ratelimit-requests-reset": "2026-12-08T14:31:00Z",
        "anthropic-ratelimit-tokens-limit": "80000", "anthropic-ratelimit-tokens-remaining": "3200",
        "anthropic-ratelimit-tokens-reset": "2026-12-08T14:32:00Z",
        "anthropic-ratelimit-output-tokens-remaining": "0",
    ]

    private func rateLimitHeaders(_ r: RawHTTPResponse) -> [String: String] {
        r.headers.filter { $0.key.hasPrefix("anthropic-ratelimit-") }
    }

    @Test func noHeadersUnlessScripted() async throws {
        try await FakeServerHarness.with { fake in
            let r = try await postMessages(fake, json: messagesJSON())
            #expect(r.status == 200)
            #expect(rateLimitHeaders(r).isEmpty)
        }
    }

    @Test func configuredHeadersArriveOnEveryAnswer() async throws {
        try await withFake(rateLimits: Self.scripted) { fake in
            let plain = try await postMessages(fake, json: messagesJSON())
            let streamed = try await postMessages(fake, json: messagesJSON(stream: true))
            let models = try await getModels(fake)
            let model = try await getModels(fake, query: "/" + sonnet)
            for (what, r) in [("messages", plain), ("stream", streamed), ("models", models), ("model", model)] {
                #expect(r.status == 200, "\(what): \(r.text)")
                #expect(rateLimitHeaders(r) == Self.expected, "\(what)")
            }
            #expect(streamed.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        }
    }

    @Test func controlAPIRoundTrip() async throws {
        try await FakeServerHarness.with { fake in
            let body = """
                {"tokens":{"limit":1000,"remaining":40,"reset":"2026-12-08T14:32:00Z"},"input_tokens":{"limit":500}}
                """
            let set = try await fake.control("POST", "/_control/ratelimits", json: body)
            #expect(set.status == 200, "\(set.text)")
            let got = try await fake.control("GET", "/_control/ratelimits")
            #expect(got.status == 200)
            let json = try #require(got.json as? [String: Any])
            #expect(Set(json.keys) == ["tokens", "input_tokens"])
            let tokens = try #require(json["tokens"] as? [String: Any])
            #expect(tokens["limit"] as? Int == 1000 && tokens["remaining"] as? Int == 40)
            #expect(tokens["reset"] as? String == "2026-12-08T14:32:00Z")
            #expect(
                fake.state.rateLimits()
                    == FakeRateLimits(
                        tokens: .init(limit: 1000, remaining: 40, reset: "2026-12-08T14:32:00Z"),
                        inputTokens: .init(limit: 500)))

            let r = try await postMessages(fake, json: messagesJSON(stream: true))
            #expect(
                rateLimitHeaders(r) == [
                    "anthropic-ratelimit-tokens-limit": "1000", "anthropic-ratelimit-tokens-remaining": "40",
                    "anthropic-ratelimit-tokens-reset": "2026-12-08T14:32:00Z",
                    "anthropic-ratelimit-input-tokens-limit": "500",
                ])

            let cleared = try await fake.control("DELETE", "/_control/ratelimits")
            #expect(cleared.status == 200)
            #expect(rateLimitHeaders(try await postMessages(fake, json: messagesJSON())).isEmpty)
        }
    }

    @Test func resetRestoresTheConfiguredHeaders() async throws {
        try await withFake(rateLimits: Self.scripted) { fake in
            fake.state.setRateLimits(FakeRateLimits(requests: .init(remaining: 1)))
            #expect(rateLimitHeaders(try await getModels(fake)) == ["anthropic-ratelimit-requests-remaining": "1"])
            _ = try await fake.control("POST", "/_control/reset")
            #expect(rateLimitHeaders(try await getModels(fake)) == Self.expected)
        }
    }

    @Test(arguments: [
        ("{\"tokens\":{\"limit\":-1}}", "ratelimits.tokens.limit: must be at least 0"),
        ("{\"tokens\":{\"remaining\":-5}}", "ratelimits.tokens.remaining: must be at least 0"),
        ("{\"credits\":{}}", "ratelimits: unknown field(s) credits"),
        ("{\"tokens\":{\"left\":3}}", "ratelimits.tokens: unknown field(s) left"),
        ("{\"tokens\":{\"limit\":\"many\"}}", "ratelimits: wrong type for tokens.limit"),
        ("[1]", "ratelimits must be a JSON object"),
    ])
    func badControlBodiesAreRefused(_ body: String, _ message: String) async throws {
        try await withFake(rateLimits: Self.scripted) { fake in
            let r = try await fake.control("POST", "/_control/ratelimits", json: body)
            #expect(r.status == 400)
            #expect(r.text.contains(message), "\(r.text)")
            #expect(fake.state.rateLimits() == Self.scripted, "a refused body changed the headers")
        }
    }

    @Test(.enabled(if: ExecutableTests.binary != nil, "fake-anthropic binary not built"))
    func theExecutableTakesRateLimitsAtStart() async throws {
        let key = FakeServerHarness.randomKey()
        let fake = try await ExecutableTests.start([
            "--port", "0", "--key", key, "--rate-limits", "{\"tokens\":{\"limit\":1000,\"remaining\":40}}",
        ])
        defer { fake.stop() }
        let port = fake.port
        let r = try await RawHTTPClient.api(port: port, method: "GET", path: "/v1/models", key: key)
        #expect(r.status == 200)
        #expect(
            rateLimitHeaders(r) == [
                "anthropic-ratelimit-tokens-limit": "1000", "anthropic-ratelimit-tokens-remaining": "40",
            ])
    }

    @Test(.enabled(if: ExecutableTests.binary != nil, "fake-anthropic binary not built"))
    func theExecutableRefusesBadRateLimits() throws {
        for bad in ["{\"tokens\":{\"limit\":-1}}", "{\"credits\":1}", "not json"] {
            let process = Process()
            process.executableURL = try #require(ExecutableTests.binary)
            process.arguments = ["--port", "0", "--rate-limits", bad]
            let err = Pipe()
            process.standardOutput = Pipe()
            process.standardError = err
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 64, "\(bad): \(message)")
            #expect(message.contains("--rate-limits"), "\(message)")
        }
    }
}

/// Runs `body` with a fake that sends `rateLimits` from the start.
private func withFake<T>(
    rateLimits: FakeRateLimits, _ body: (FakeServerHarness) async throws -> T
) async throws -> T {
    let configure: (inout FakeConfiguration) -> Void = { $0.rateLimits = rateLimits }
    return try await FakeServerHarness.with(configure: configure, body)
}
