import FakeAnthropic
import Foundation
import TestSupport
import Testing

@testable import AnthropicAPI

@Suite struct RateLimitsTests {
    private func headers(_ fields: [(String, String)]) -> HTTPHeaders { HTTPHeaders(fields) }

    private func date(_ text: String) -> Date? { RateLimits.rfc3339(text) }

    @Test func readsAFullSet() throws {
        var fields: [(String, String)] = []
        let values: [(String, Int, Int, String)] = [
            ("requests", 50, 49, "2026-12-08T14:31:01Z"), ("tokens", 80_000, 3_200, "2026-12-08T14:32:00Z"),
            ("input-tokens", 40_000, 20_000, "2026-12-08T14:32:00Z"),
            ("output-tokens", 16_000, 8_000, "2026-12-08T14:33:00Z"),
        ]
        for (kind, limit, remaining, reset) in values {
            fields += [
                ("anthropic-ratelimit-\(kind)-limit", "\(limit)"),
                ("Anthropic-RateLimit-\(kind)-Remaining", "\(remaining)"),
                ("anthropic-ratelimit-\(kind)-reset", reset),
            ]
        }
        let limits = RateLimits(headers: headers(fields))
        #expect(!limits.isEmpty)
        #expect(limits[.requests] == .init(limit: 50, remaining: 49, reset: date("2026-12-08T14:31:01Z")))
        #expect(limits[.outputTokens]?.remaining == 8_000)
        #expect(limits[.inputTokens]?.fraction == 0.5)
        let lowest = try #require(limits.lowestHeadroom)
        #expect(lowest.kind == .tokens)
        #expect(lowest.kind.label == "tokens")
        #expect(lowest.fraction == 0.04)
        #expect(lowest.remaining == 3_200 && lowest.limit == 80_000)
        #expect(lowest.reset == Date(timeIntervalSince1970: 1_796_740_320))
    }

    @Test func aPartialSetKeepsWhatIsThere() {
        let limits = RateLimits(
            headers: headers([
                ("anthropic-ratelimit-tokens-remaining", "10"),
                ("anthropic-ratelimit-requests-limit", "5"), ("anthropic-ratelimit-requests-remaining", "1"),
                ("anthropic-ratelimit-output-tokens-reset", "2026-12-08T14:32:00Z"),
            ]))
        #expect(limits[.tokens] == .init(remaining: 10))
        #expect(limits[.tokens]?.fraction == nil)
        #expect(limits[.inputTokens] == nil)
        #expect(limits[.outputTokens]?.reset != nil && limits[.outputTokens]?.limit == nil)
        #expect(limits.lowestHeadroom?.kind == .requests)
        #expect(limits.lowestHeadroom?.fraction == 0.2)
        #expect(limits.lowestHeadroom?.reset == nil)
    }

    @Test func noHeadersMeansNothing() {
        let limits = RateLimits(headers: headers([("retry-after", "3"), ("content-type", "application/json")]))
        #expect(limits.isEmpty)
        #expect(limits.lowestHeadroom == nil)
        #expect(limits == RateLimits())
    }

    @Test(arguments: [
        "inf", "-inf", "nan", "1e300", "-1", "-0.5", "1e16", "99999999999999999999999", "0x1p63", "", " ",
        "twelve", "12abc", "1_000", "+5", "１２", "1e-3", String(repeating: "9", count: 40), "12\u{0}",
    ])
    func hostileCountsAreIgnored(_ value: String) {
        let limits = RateLimits(
            headers: headers([
                ("anthropic-ratelimit-tokens-limit", value), ("anthropic-ratelimit-tokens-remaining", value),
            ]))
        #expect(limits[.tokens] == nil, "\(value.debugDescription) was read as a count")
        #expect(limits.lowestHeadroom == nil)
    }

    @Test(arguments: [
        ("12", 12), (" 7 ", 7), ("0", 0), ("12.9", 12), ("1e3", 1_000), ("1000000000000000", 1_000_000_000_000_000),
    ])
    func plainCountsAreRead(_ value: String, _ expected: Int) {
        #expect(RateLimits.count(value) == expected)
    }

    @Test func fractionStaysWithinZeroAndOne() {
        let over = RateLimits(
            headers: headers([
                ("anthropic-ratelimit-requests-limit", "50"), ("anthropic-ratelimit-requests-remaining", "60"),
            ]))
        #expect(over[.requests]?.fraction == 1)
        let zeroLimit = RateLimits(
            headers: headers([
                ("anthropic-ratelimit-requests-limit", "0"), ("anthropic-ratelimit-requests-remaining", "0"),
            ]))
        #expect(zeroLimit[.requests]?.fraction == nil)
        #expect(zeroLimit.lowestHeadroom == nil)
        let empty = RateLimits(
            headers: headers([
                ("anthropic-ratelimit-tokens-limit", "100"), ("anthropic-ratelimit-tokens-remaining", "0"),
            ]))
        #expect(empty.lowestHeadroom?.fraction == 0)
    }

    @Test func tiesGoToTheEarlierKind() {
        let limits = RateLimits([
            .outputTokens: .init(limit: 10, remaining: 1), .tokens: .init(limit: 100, remaining: 10),
        ])
        #expect(limits.lowestHeadroom?.kind == .tokens)
    }

    @Test(arguments: [
        ("2026-12-08T14:32:00Z", 1_796_740_320.0), ("2026-12-08t14:32:00z", 1_796_740_320),
        ("2026-12-08T15:32:00+01:00", 1_796_740_320), ("2026-12-08T14:02:00-00:30", 1_796_740_320),
        ("2026-12-08T14:32:00.5Z", 1_796_740_320.5), ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
    ])
    func readsRFC3339Times(_ text: String, _ seconds: Double) {
        #expect(date(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "", "2026-12-08", "2026-12-08T14:32:00", "2026-13-08T14:32:00Z", "2026-02-30T14:32:00Z",
        "2025-02-29T00:00:00Z", "2026-12-08T24:00:00Z", "2026-12-08T14:60:00Z", "2026-12-08T14:32:61Z",
        "1969-12-31T23:59:59Z", "2026-12-08T14:32:00+24:00", "2026-12-08T14:32:00.Z",
        "2026-12-08T14:32:00.1234567890Z", "2026-12-08T14:32:00Zjunk", "Wed, 21 Oct 2015 07:28:00 GMT",
        "2026-12-08T14:3\u{301}2:00Z", "２０２６-12-08T14:32:00Z", "-026-12-08T14:32:00Z", "inf", "1e300",
    ])
    func hostileTimesAreIgnored(_ text: String) {
        #expect(date(text) == nil, "\(text.debugDescription) was read as a time")
        let limits = RateLimits(headers: headers([("anthropic-ratelimit-tokens-reset", text)]))
        #expect(limits[.tokens] == nil)
    }

    /// The fake's scripted headers, read off a real HTTP answer by the client's own transport.
    @Test func readsTheFakesHeadersOverHTTP() async throws {
        let scripted = FakeRateLimits(
            requests: .init(limit: 50, remaining: 45, reset: "2026-12-08T14:31:00Z"),
            tokens: .init(limit: 80_000, remaining: 3_200, reset: "2026-12-08T14:32:00Z"))
        try await withFake(rateLimits: scripted) { fake in
            let request = HTTPRequest(
                method: "GET", url: fake.apiBaseURL + "/v1/models",
                headers: [("x-api-key", FakeServerHarness.defaultKey), ("anthropic-version", "2023-06-01")])
            var head: HTTPResponseHead?
            for try await event in CurlTransport().send(request, options: TransportOptions()) {
                if case .head(let h) = event { head = h }
            }
            let limits = RateLimits(headers: try #require(head).headers)
            #expect(limits[.requests] == .init(limit: 50, remaining: 45, reset: date("2026-12-08T14:31:00Z")))
            #expect(limits.lowestHeadroom?.kind == .tokens)
            #expect(limits.lowestHeadroom?.fraction == 0.04)
            #expect(limits[.inputTokens] == nil)
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
