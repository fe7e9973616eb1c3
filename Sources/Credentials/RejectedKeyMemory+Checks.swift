import AnthropicAPI
import Foundation

/// The other half of the key memory: per key fingerprint, when the key was last verified OK and
/// the last rate limits seen with it. One line per key in `verified-keys` (mode 0600, at most
/// ``RejectedKeyMemory/capacity`` lines, the oldest dropped):
///
///     <fingerprint> <verified seconds or -> <limits seen seconds or -> [kind=limit,remaining,reset …]
///
/// where each of limit, remaining and reset (seconds since 1970) may be `-`. The file is read as
/// untrusted: a line or a field out of shape or range is dropped.
extension RejectedKeyMemory {
    struct Check: Equatable {
        var fingerprint: String
        var verified: Date?
        var limits: RateLimits?
        var limitsSeen: Date?

        var isEmpty: Bool { verified == nil && limits == nil }
    }

    /// Records that the API accepted `key` at `date`, with the rate limits its response reported
    /// (kept only when there are some); forgets any rejection of it.
    public func rememberVerified(_ key: String, at date: Date = Date(), rateLimits: RateLimits? = nil) {
        guard let salt = readSalt() ?? createSalt() else { return }
        let print = fingerprint(key, salt: salt)
        updateCheck(print) { check in
            check.verified = date
            if let rateLimits, !rateLimits.isEmpty {
                check.limits = rateLimits
                check.limitsSeen = date
            }
        }
        forget(key)
    }

    /// Records the rate limits a response for `key` reported at `date` (a reply, not a check).
    public func rememberRateLimits(_ key: String, _ rateLimits: RateLimits, at date: Date = Date()) {
        guard !rateLimits.isEmpty, let salt = readSalt() ?? createSalt() else { return }
        updateCheck(fingerprint(key, salt: salt)) { check in
            check.limits = rateLimits
            check.limitsSeen = date
        }
    }

    /// When the API last accepted `key`, or `nil` (never, rejected since, or the memory is unreadable).
    public func verifiedAt(_ key: String) -> Date? {
        check(for: key)?.verified
    }

    /// The last rate limits seen with `key` and when, or `nil`.
    public func lastRateLimits(_ key: String) -> (RateLimits, Date)? {
        guard let check = check(for: key), let limits = check.limits, let seen = check.limitsSeen else { return nil }
        return (limits, seen)
    }

    private func check(for key: String) -> Check? {
        guard let salt = readSalt() else { return nil }
        let print = fingerprint(key, salt: salt)
        return checks().first { $0.fingerprint == print }
    }

    /// Changes (or starts) the line of `print`, moves it to the end, and keeps the newest `capacity` lines.
    func updateCheck(_ print: String, _ change: (inout Check) -> Void) {
        var list = checks()
        let index = list.firstIndex { $0.fingerprint == print }
        guard index != nil || FileManager.default.fileExists(atPath: directory) else { return }
        var check = index.map { list.remove(at: $0) } ?? Check(fingerprint: print)
        let before = check
        change(&check)
        if check == before, index == nil { return }
        if !check.isEmpty { list.append(check) }
        saveChecks(Array(list.suffix(Self.capacity)))
    }

    func checks() -> [Check] {
        guard let data = Self.readBounded(checksPath, limit: 64 * 1024) else { return [] }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap(Self.parseCheck)
    }

    static func parseCheck(_ line: Substring) -> Check? {
        let parts = line.split(separator: " ")
        guard parts.count >= 3, parts.count <= 3 + RateLimits.Kind.allCases.count, parts[0].count == 64,
            parts[0].allSatisfy(\.isHexDigit)
        else { return nil }
        func date(_ text: Substring) -> Date? {
            guard let seconds = Int64(text), (0...latestSeconds).contains(seconds) else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        var limits: [RateLimits.Kind: RateLimits.Limit] = [:]
        for part in parts.dropFirst(3) {
            let pair = part.split(separator: "=", omittingEmptySubsequences: false)
            let fields = pair.count == 2 ? pair[1].split(separator: ",", omittingEmptySubsequences: false) : []
            guard let kind = RateLimits.Kind(rawValue: String(pair[0])), fields.count == 3 else { continue }
            func count(_ text: Substring) -> Int? {
                guard let n = Int(text), (0...RateLimits.maxCount).contains(n) else { return nil }
                return n
            }
            limits[kind] = RateLimits.Limit(
                limit: count(fields[0]), remaining: count(fields[1]), reset: date(fields[2]))
        }
        let rateLimits = RateLimits(limits)
        let seen = date(parts[2])
        let check = Check(
            fingerprint: String(parts[0]), verified: date(parts[1]),
            limits: rateLimits.isEmpty || seen == nil ? nil : rateLimits, limitsSeen: rateLimits.isEmpty ? nil : seen)
        return check.isEmpty ? nil : check
    }

    private func saveChecks(_ list: [Check]) {
        func stamp(_ date: Date?) -> String { date.map { String(Self.wholeSeconds($0)) } ?? "-" }
        func number(_ n: Int?) -> String { n.map(String.init) ?? "-" }
        let lines = list.map { check in
            var line =
                "\(check.fingerprint) \(stamp(check.verified)) \(stamp(check.limits == nil ? nil : check.limitsSeen))"
            for kind in RateLimits.Kind.allCases {
                guard let limit = check.limits?[kind] else { continue }
                line += " \(kind.rawValue)=\(number(limit.limit)),\(number(limit.remaining)),\(stamp(limit.reset))"
            }
            return line
        }
        Self.replace(checksPath, with: lines.joined(separator: "\n") + "\n")
    }
}
