import Foundation

/// When and how long to wait before trying a failed request again.
///
/// At least the official SDK's policy: retry 408, 409, 429, every 5xx and connection failures;
/// `x-should-retry` overrides the decision; wait `retry-after-ms`, else `retry-after` (seconds
/// or an HTTP date), else `min(0.5 × 2ⁿ, 8)` seconds times a jitter in [0.75, 1].
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt (the SDK's default is 2, so 3 attempts in all).
    public var maxRetries: Int
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// A server-requested wait longer than this is not waited out automatically: the error is
    /// surfaced with its `retryAfter`, so a UI can show when to try again.
    public var maxRetryAfter: Duration
    /// Returns a factor in [0.75, 1]; injectable so tests get exact delays.
    public var jitter: @Sendable () -> Double

    public init(
        maxRetries: Int = 2, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.75...1) }
    ) {
        self.maxRetries = max(0, maxRetries)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
    }

    /// The wait before retry number `retry` (0 for the first retry) after `error`, or `nil`
    /// when the error must not be retried (or retries are used up).
    public func delay(beforeRetry retry: Int, after error: APIError) -> Duration? {
        guard retry < maxRetries, error.isRetryable else { return nil }
        if let requested = error.retryAfter {
            if requested > maxRetryAfter { return nil }
            if requested >= .zero { return requested }
        }
        return backoff(retry: retry)
    }

    /// `min(initial × 2ⁿ, max) × jitter`.
    public func backoff(retry: Int) -> Duration {
        let base = min(initialDelay * (1 << min(retry, 30)), maxDelay)
        return base * min(max(jitter(), 0), 1)
    }

    /// The wait a response asks for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date.
    ///
    /// The values come from the server, so they are range-checked: NaN, negative and unreadable
    /// values are ignored, and anything longer than `Duration.maxServerWaitSeconds` (including
    /// `inf` and `1e300`) is clamped to it. Never traps.
    public static func retryAfter(from headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let text = headers["retry-after-ms"]?.trimmingCharacters(in: .whitespaces), text.count <= 64,
            let ms = Double(text), let wait = Duration.clampedSeconds(ms / 1000)
        {
            return wait
        }
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty,
            value.count <= 64
        else { return nil }
        if let seconds = Double(value) {
            return Duration.clampedSeconds(seconds)
        }
        if let date = httpDate(value) {
            return Duration.clampedSeconds(max(0, date.timeIntervalSince(now)))
        }
        return nil
    }

    /// Parses an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), as `retry-after` carries it.
    static func httpDate(_ text: String) -> Date? {
        HTTPDate.parse(text)
    }
}

/// A pause before a retry, reported so a UI can show a countdown.
public struct RetryNotice: Sendable, Equatable {
    /// The attempt about to be made (2 for the first retry).
    public var attempt: Int
    public var maxAttempts: Int
    public var delay: Duration
    /// The failure that caused the retry.
    public var reason: APIError

    public init(attempt: Int, maxAttempts: Int, delay: Duration, reason: APIError) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.delay = delay
        self.reason = reason
    }
}

/// Waits; injectable so tests control time.
public protocol Sleeper: Sendable {
    func sleep(for duration: Duration) async throws
}

/// Sleeps on the continuous clock; cancellation ends the wait at once.
public struct ContinuousSleeper: Sleeper {
    public init() {}
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
