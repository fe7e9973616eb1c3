import Foundation

/// Parses the HTTP dates `retry-after` may carry, by hand and ASCII only: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
/// (`Sun Nov  6 08:49:37 1994`). Every field is range-checked; anything else is `nil`.
///
/// Not `DateFormatter`: swift-corelibs-foundation traps on some non-ASCII input (a combining
/// mark inside the time), which made one response header a remote crash.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 64, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let parts = text.split(separator: " ")
        let day: Int?
        let month: Int?
        let year: Int?
        let time: Substring
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            (day, month, year, time) = (
                number(parts[1], digits: 1...2), monthNumber(parts[2]), number(parts[3], digits: 4...4), parts[4]
            )
        } else if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            let date = parts[1].split(separator: "-", omittingEmptySubsequences: false)
            guard date.count == 3, let yy = number(date[2], digits: 2...2) else { return nil }
            (day, month, year, time) = (
                number(date[0], digits: 1...2), monthNumber(date[1]), yy < 70 ? 2000 + yy : 1900 + yy, parts[2]
            )
        } else if parts.count == 5 {
            (day, month, year, time) = (
                number(parts[2], digits: 1...2), monthNumber(parts[1]), number(parts[4], digits: 4...4), parts[3]
            )
        } else {
            return nil
        }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard let day, let month, let year, clock.count == 3,
            let hour = number(clock[0], digits: 2...2), let minute = number(clock[1], digits: 2...2),
            let second = number(clock[2], digits: 2...2),
            hour <= 23, minute <= 59, second <= 60, day >= 1, day <= daysIn(month, year)
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static func number(_ s: Substring, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(s.utf8.count), s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(s)
    }

    private static func monthNumber(_ s: Substring) -> Int? {
        months.firstIndex(of: s.lowercased()).map { $0 + 1 }
    }

    /// Days in `month` of `year` (Gregorian); RateLimits reads RFC 3339 resets with it too.
    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
