import AnthropicAPI
import Foundation

/// How `key status`, `key verify` and `doctor` word rate limits and the age of a check.
public enum RateLimitsWording {
    /// One line per kind the server sent, in `RateLimits.Kind` order: "tokens 3,200 of 80,000
    /// left, resets 14:32 UTC". Nothing for kinds (or limits) it did not send.
    public static func lines(_ limits: RateLimits, now: Date = Date()) -> [String] {
        RateLimits.Kind.allCases.compactMap { kind in
            guard let limit = limits[kind] else { return nil }
            var text = kind.label
            switch (limit.remaining, limit.limit) {
            case (let remaining?, let total?): text += " \(grouped(remaining)) of \(grouped(total)) left"
            case (let remaining?, nil): text += " \(grouped(remaining)) left"
            case (nil, let total?): text += " limit \(grouped(total))"
            case (nil, nil): break
            }
            if let reset = limit.reset {
                text += (limit.remaining == nil && limit.limit == nil ? " " : ", ") + "resets \(clock(reset, now: now))"
            }
            return text
        }
    }

    /// "just now", "3 min ago", "5 h ago", or "on 2026-12-07 14:32 UTC".
    public static func ago(_ date: Date, now: Date = Date()) -> String {
        let seconds = now.timeIntervalSince(date)
        guard seconds.isFinite else { return "at an unknown time" }
        if seconds < 60 { return "just now" }
        if seconds < 3600 { return "\(Int(seconds / 60)) min ago" }
        if seconds < 86_400 { return "\(Int(seconds / 3600)) h ago" }
        return "on \(format(date, "yyyy-MM-dd HH:mm")) UTC"
    }

    /// "14:32 UTC" today (in UTC), else "2026-12-09 14:32 UTC".
    public static func clock(_ date: Date, now: Date = Date()) -> String {
        let day = format(date, "yyyy-MM-dd")
        return day == format(now, "yyyy-MM-dd")
            ? "\(format(date, "HH:mm")) UTC" : "\(day) \(format(date, "HH:mm")) UTC"
    }

    /// 3200 → "3,200".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
