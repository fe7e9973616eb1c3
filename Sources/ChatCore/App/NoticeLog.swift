import AnthropicAPI
import Foundation

/// Every notice the chat showed, oldest first, with its time and full text (the status bar shows
/// one line of the newest for a few seconds; the notice log shows them all). Bounded: the oldest
/// go once there are more than ``capacity``.
public struct NoticeLog: Sendable, Equatable {
    /// One notice as it was shown.
    public struct Entry: Sendable, Equatable {
        public var at: Date
        public var text: String
        public var isError: Bool

        public init(at: Date, text: String, isError: Bool) {
            self.at = at
            self.text = text
            self.isError = isError
        }
    }

    /// How many notices are kept by default.
    public static let defaultCapacity = 500

    public let capacity: Int
    /// Oldest first.
    public private(set) var entries: [Entry] = []

    public init(capacity: Int = NoticeLog.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Keeps a notice; drops the oldest beyond ``capacity``.
    mutating func record(_ text: String, error: Bool, at date: Date) {
        entries.append(Entry(at: date, text: text, isError: error))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }
}

extension NoticeLog {
    /// The log line of a retry: attempt, wait and the whole reason.
    static func retryText(_ notice: RetryNotice) -> String {
        "Retry \(notice.attempt)/\(notice.maxAttempts) in \(seconds(notice.delay.inSeconds)): \(notice.reason.description)"
    }

    /// The notice when the account's headroom drops to the warning threshold.
    static func headroomText(_ headroom: RateLimits.Headroom, now: Date) -> String {
        let percent = Int((headroom.fraction * 100).rounded(.down))
        var text =
            "Rate limit running low: \(percent)% of \(headroom.kind.label) left (\(headroom.remaining) of \(headroom.limit))"
        if let reset = headroom.reset, reset > now {
            text += "; it resets in \(seconds(reset.timeIntervalSince(now)))"
        }
        return text + "."
    }

    /// `0.5s`, `3s`, `2m 5s`, `1h 4m`.
    static func seconds(_ value: TimeInterval) -> String {
        let value = max(0, value)
        if value < 10, value != value.rounded() { return String(format: "%.1fs", value) }
        let s = Int(value.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        return "\(s / 3600)h \(s % 3600 / 60)m"
    }
}
