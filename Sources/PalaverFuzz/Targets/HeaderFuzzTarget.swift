import AnthropicAPI
import Foundation

/// Response header readers: `retry-after`, `retry-after-ms`, `x-should-retry`, request ids, the
/// `anthropic-ratelimit-*` headers (RateLimits) and the error built from a status, headers and a body. Input: `name: value` lines, a blank
/// line, then the body.
struct HeaderFuzzTarget: FuzzTarget {
    static let name = "headers"
    static let summary =
        "response headers: RetryPolicy.retryAfter, x-should-retry, RateLimits, APIError(status:headers:body:)"

    var seeds: [[UInt8]] {
        [
            "retry-after: 12\nrequest-id: req_1\n\n{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}",
            "retry-after-ms: 1500.5\nx-should-retry: true\n\n",
            "retry-after: Wed, 21 Oct 2015 07:28:00 GMT\ncontent-type: text/html\n\n<html><title>502 Bad \u{1B}[2J Gateway</title></html>",
            "Retry-After: 0\nx-should-retry: FALSE\nx-request-id: abc\n\nupstream connect error",
            "retry-after: 1e300\n\n", "retry-after-ms: 9.3e18\n\n", "retry-after: inf\n\n",
            "anthropic-ratelimit-tokens-limit: 80000\nanthropic-ratelimit-tokens-remaining: 3200\n"
                + "anthropic-ratelimit-tokens-reset: 2026-12-08T14:32:00Z\n"
                + "anthropic-ratelimit-requests-limit: 50\nanthropic-ratelimit-requests-remaining: 60\n\n",
            "anthropic-ratelimit-input-tokens-limit: 1e300\nanthropic-ratelimit-input-tokens-remaining: -5\n"
                + "anthropic-ratelimit-output-tokens-limit: 0\nanthropic-ratelimit-output-tokens-remaining: 0\n"
                + "anthropic-ratelimit-output-tokens-reset: 2026-02-30T25:00:00.123+01:00\n\n",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "retry-after: ", "retry-after-ms: ", "x-should-retry: ", "request-id: ", "content-type: ", "text/html",
            "\n", "\n\n",
            "<title>", "</title>", ".", "e", "E", "-", "+", "GMT", "Mon, 01 Jan 2024 00:00:00 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994", "0x1p63", "nan", "inf", " ",
            "anthropic-ratelimit-", "requests-", "tokens-", "input-tokens-", "output-tokens-", "limit: ",
            "remaining: ", "reset: ", "2026-12-08T14:32:00Z", "2024-02-29T23:59:60.999999999-23:59", "9999",
        ].map(utf8)
    }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        var headers = HTTPHeaders()
        var bodyStart = input.count
        var lineStart = 0
        var i = 0
        while i <= input.count {
            if i == input.count || input[i] == 0x0A {
                if i == lineStart {
                    bodyStart = min(input.count, i + 1)
                    break
                }
                let line = String(decoding: input[lineStart..<i], as: UTF8.self)
                if let colon = line.firstIndex(of: ":") {
                    headers.append(
                        String(line[..<colon]).trimmingCharacters(in: .whitespaces).lowercased(),
                        String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
                }
                lineStart = i + 1
            }
            i += 1
        }
        let body = Array(input[min(bodyStart, input.count)...])
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        if let wait = RetryPolicy.retryAfter(from: headers, now: now) {
            try require(wait >= .zero, "retryAfter is negative: \(wait)")
        }
        try checkRateLimits(headers)
        let status = [400, 401, 403, 404, 408, 409, 413, 429, 500, 502, 503, 504, 529][random.below(13)]
        let error = APIError(status: status, headers: headers, body: body, now: now)
        _ = error.description
        _ = error.isRetryable
        if let wait = error.retryAfter { try require(wait >= .zero, "APIError.retryAfter is negative") }
        let policy = RetryPolicy(jitter: { 1 })
        if let delay = policy.delay(beforeRetry: random.below(3), after: error) {
            try require(
                delay >= .zero && delay <= max(policy.maxRetryAfter, policy.maxDelay),
                "retry delay \(delay) out of range")
        }
    }

    /// RateLimits never traps, and what it keeps is in range: counts 0...maxCount, fractions 0...1,
    /// and the lowest headroom is the smallest fraction of any kind.
    private func checkRateLimits(_ headers: HTTPHeaders) throws(FuzzFailure) {
        let limits = RateLimits(headers: headers)
        var fractions: [Double] = []
        for kind in RateLimits.Kind.allCases {
            guard let entry = limits[kind] else { continue }
            for count in [entry.limit, entry.remaining].compactMap({ $0 }) {
                try require((0...RateLimits.maxCount).contains(count), "\(kind) count out of range: \(count)")
            }
            if let fraction = entry.fraction {
                try require((0...1).contains(fraction), "\(kind) fraction out of range: \(fraction)")
                fractions.append(fraction)
            }
            if let reset = entry.reset {
                try require(reset.timeIntervalSince1970.isFinite, "\(kind) reset is not finite")
            }
        }
        try require(
            limits.lowestHeadroom?.fraction == fractions.min(),
            "lowestHeadroom \(String(describing: limits.lowestHeadroom)) is not the smallest of \(fractions)")
    }
}
