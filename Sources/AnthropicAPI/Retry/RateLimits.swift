import Foundation

/// The account's rate-limit headroom as a response reports it, in the
/// `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}` headers.
///
/// Every value comes from the server, so every value is checked before it is used: counts must be
/// plain non-negative numbers no larger than `maxCount` (`inf`, `nan`, `1e300`, negatives and
/// garbage are ignored), resets must be RFC 3339 times between the years 1970 and 9999. What does
/// not parse is left out; nothing traps.
public struct RateLimits: Sendable, Equatable {
    /// Which limit a header set describes.
    public enum Kind: String, Sendable, CaseIterable {
        case requests
        case tokens
        case inputTokens = "input-tokens"
        case outputTokens = "output-tokens"

        /// For people: "requests", "tokens", "input tokens", "output tokens".
        public var label: String { rawValue.replacingOccurrences(of: "-", with: " ") }

        /// The header name for one field of this kind, e.g. `anthropic-ratelimit-tokens-remaining`.
        public func header(_ field: String) -> String { "anthropic-ratelimit-\(rawValue)-\(field)" }
    }

    /// One kind's limit, what is left of it and when it is refilled; each part only when it parsed.
    public struct Limit: Sendable, Equatable {
        public var limit: Int?
        public var remaining: Int?
        public var reset: Date?

        public init(limit: Int? = nil, remaining: Int? = nil, reset: Date? = nil) {
            self.limit = limit
            self.remaining = remaining
            self.reset = reset
        }

        /// `remaining / limit` within 0...1, or nil when either is missing or the limit is 0.
        public var fraction: Double? {
            guard let limit, let remaining, limit > 0 else { return nil }
            return min(1, max(0, Double(remaining) / Double(limit)))
        }
    }

    /// The kind with the least headroom left.
    public struct Headroom: Sendable, Equatable {
        public var kind: Kind
        /// Within 0...1.
        public var fraction: Double
        public var remaining: Int
        public var limit: Int
        public var reset: Date?
    }

    /// The largest count believed (10¹⁵); larger values are ignored.
    public static let maxCount = 1_000_000_000_000_000

    private var limits: [Kind: Limit]

    public init(_ limits: [Kind: Limit] = [:]) {
        self.limits = limits.filter { $0.value != Limit() }
    }

    /// Reads the rate-limit headers of a response; kinds without a single readable field are absent.
    public init(headers: HTTPHeaders) {
        var found: [Kind: Limit] = [:]
        for kind in Kind.allCases {
            let limit = Limit(
                limit: headers[kind.header("limit")].flatMap(Self.count),
                remaining: headers[kind.header("remaining")].flatMap(Self.count),
                reset: headers[kind.header("reset")].flatMap(Self.rfc3339))
            found[kind] = limit
        }
        self.init(found)
    }

    /// The limit of one kind, or nil when the response said nothing readable about it.
    public subscript(kind: Kind) -> Limit? { limits[kind] }

    /// True when no rate-limit header was readable.
    public var isEmpty: Bool { limits.isEmpty }

    /// The kind with the smallest `remaining / limit` (ties go to the earlier kind in `Kind.allCases`),
    /// or nil when no kind has both a limit above 0 and a remaining count.
    public var lowestHeadroom: Headroom? {
        var lowest: Headroom?
        for kind in Kind.allCases {
            guard let entry = limits[kind], let fraction = entry.fraction, let limit = entry.limit,
                let remaining = entry.remaining
            else { continue }
            if let current = lowest, current.fraction <= fraction { continue }
            lowest = Headroom(kind: kind, fraction: fraction, remaining: remaining, limit: limit, reset: entry.reset)
        }
        return lowest
    }

    // MARK: - Parsing

    /// A count: a plain decimal number (`12`, `12.0`, `1e3`) that is finite, 0...`maxCount`; else nil.
    static func count(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 32,
            trimmed.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }),
            let value = Double(trimmed), value.isFinite, value >= 0, value <= Double(maxCount)
        else { return nil }
        return Int(value.rounded(.down))
    }

    /// An RFC 3339 time (`2026-12-08T14:32:00Z`, fractions and `±hh:mm` offsets allowed), ASCII only
    /// and every field range-checked; else nil.
    static func rfc3339(_ text: String) -> Date? {
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        guard bytes.count >= 20, bytes.count <= 64, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard bytes[i] >= 0x30, bytes[i] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[i] - 0x30)
            }
            return value
        }
        guard bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
            bytes[13] == 0x3A, bytes[16] == 0x3A,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            year >= 1970, (1...12).contains(month), day >= 1, day <= HTTPDate.daysIn(month, year),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if bytes[i] == 0x2E {
            i += 1
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            guard i > start, i - start <= 9, let digits = number(start..<i) else { return nil }
            fraction = Double(digits) / pow(10, Double(i - start))
        }
        guard i < bytes.count else { return nil }
        var offset = 0
        if bytes[i] == 0x5A || bytes[i] == 0x7A {
            guard i + 1 == bytes.count else { return nil }
        } else if bytes[i] == 0x2B || bytes[i] == 0x2D {
            guard i + 6 == bytes.count, bytes[i + 3] == 0x3A, let oh = number(i + 1..<i + 3),
                let om = number(i + 4..<i + 6), oh <= 23, om <= 59
            else { return nil }
            offset = (oh * 3600 + om * 60) * (bytes[i] == 0x2B ? 1 : -1)
        } else {
            return nil
        }
        let days = HTTPDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
