import Testing

@testable import AnthropicAPI

@Suite struct RetryPolicyTests {
    private func failure(_ kind: APIError.Kind, retryAfter: Duration? = nil) -> APIError {
        APIError(kind: kind, message: "", retryAfter: retryAfter)
    }

    @Test func backoffDoublesUpToTheCapWithJitter() {
        let policy = RetryPolicy(maxRetries: 10, jitter: { 1 })
        let delays = (0..<6).map { policy.delay(beforeRetry: $0, after: failure(.overloaded)) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
        let jittered = RetryPolicy(maxRetries: 10, jitter: { 0.75 })
        #expect(jittered.delay(beforeRetry: 1, after: failure(.network)) == .milliseconds(750))
    }

    @Test func defaultJitterStaysInRange() {
        let policy = RetryPolicy()
        for _ in 0..<200 {
            let d = policy.backoff(retry: 0)
            #expect(d >= .milliseconds(375) && d <= .milliseconds(500))
        }
    }

    @Test func serverRequestedWaitWins() {
        let policy = RetryPolicy(jitter: { 1 })
        #expect(policy.delay(beforeRetry: 0, after: failure(.rateLimited, retryAfter: .seconds(3))) == .seconds(3))
        #expect(policy.delay(beforeRetry: 0, after: failure(.rateLimited, retryAfter: .zero)) == .zero)
        // Longer than we are willing to wait silently: surface it instead.
        #expect(policy.delay(beforeRetry: 0, after: failure(.rateLimited, retryAfter: .seconds(3600))) == nil)
    }

    @Test func retriesStopAtTheLimit() {
        let policy = RetryPolicy(maxRetries: 2, jitter: { 1 })
        #expect(policy.delay(beforeRetry: 1, after: failure(.overloaded)) != nil)
        #expect(policy.delay(beforeRetry: 2, after: failure(.overloaded)) == nil)
        #expect(RetryPolicy(maxRetries: 0).delay(beforeRetry: 0, after: failure(.overloaded)) == nil)
    }

    static let neverRetried: [APIError.Kind] = [
        .invalidRequest, .authentication, .billing, .noCredit, .permission, .notFound,
        .requestTooLarge, .cancelled, .malformedResponse, .insecureTransport,
    ]
    static let retried: [APIError.Kind] = [
        .requestTimeout, .conflict, .rateLimited, .apiError, .serviceUnavailable,
        .serverTimeout, .overloaded, .network, .timeout, .truncated,
    ]

    @Test(arguments: neverRetried.map { ($0, false) } + retried.map { ($0, true) })
    func retriedOnlyWhenAnotherTryMayHelp(_ kind: APIError.Kind, retried: Bool) {
        #expect((RetryPolicy().delay(beforeRetry: 0, after: failure(kind)) != nil) == retried)
    }
}

@Suite struct DurationUnitsTests {
    @Test func spokenDurations() {
        #expect(Duration.milliseconds(250).spoken == "250 ms")
        #expect(Duration.milliseconds(1500).spoken == "1.5 s")
        #expect(Duration.seconds(12).spoken == "12 s")
        #expect(Duration.seconds(120).spoken == "2 min")
        #expect(Duration.milliseconds(1234).inMilliseconds == 1234)
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
    }
}
