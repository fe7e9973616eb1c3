import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Remembers keys the API rejected, as salted fingerprints (HMAC-SHA256 with a random per-user
/// salt), never the keys: enough to notice at the next start that `ANTHROPIC_API_KEY` still holds
/// a key that was rejected, without storing anything that could be used or reversed.
///
/// Beside the rejections it keeps, per fingerprint, when a key was last verified and the last rate
/// limits seen with it (`verified-keys`, see RejectedKeyMemory+Checks.swift): a rejection clears
/// "verified", a verification clears the rejection.
public struct RejectedKeyMemory: Sendable {
    public let directory: String
    private var saltPath: String { directory + "/fingerprint-salt" }
    private var listPath: String { directory + "/rejected-keys" }
    var checksPath: String { directory + "/verified-keys" }
    /// At most this many fingerprints are kept (oldest dropped).
    static let capacity = 32

    public init(directory: String) {
        self.directory = directory
    }

    /// When `key` was rejected, or `nil` if it was not (or the memory is unreadable).
    public func rejectedAt(_ key: String) -> Date? {
        guard let salt = readSalt() else { return nil }
        let print = fingerprint(key, salt: salt)
        return entries().first { $0.fingerprint == print }?.date
    }

    /// Records that the API rejected `key`.
    public func rememberRejected(_ key: String, at date: Date = Date()) {
        guard let salt = readSalt() ?? createSalt() else { return }
        let print = fingerprint(key, salt: salt)
        var list = entries().filter { $0.fingerprint != print }
        list.append(Entry(fingerprint: print, date: date))
        save(Array(list.suffix(Self.capacity)))
        updateCheck(print) { $0.verified = nil }
    }

    /// Forgets `key` (it was accepted after all).
    public func forget(_ key: String) {
        guard let salt = readSalt() else { return }
        let print = fingerprint(key, salt: salt)
        let list = entries()
        let kept = list.filter { $0.fingerprint != print }
        if kept.count != list.count { save(kept) }
    }

    struct Entry: Equatable {
        var fingerprint: String
        var date: Date
    }

    func fingerprint(_ key: String, salt: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(key.utf8), using: SymmetricKey(data: salt))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    func readSalt() -> Data? {
        guard let data = Self.readBounded(saltPath, limit: 64), data.count == 32 else { return nil }
        return data
    }

    func createSalt() -> Data? {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard
                FileManager.default.createFile(
                    atPath: saltPath, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
            else { return nil }
        } catch {
            return nil
        }
        return readSalt()
    }

    func entries() -> [Entry] {
        guard let data = Self.readBounded(listPath, limit: 64 * 1024) else { return [] }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: " ")
            // The file is palaver's own, but whatever is in it is read as untrusted: whole seconds in a sane range only.
            guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit),
                let seconds = Int64(parts[1]), (0...Self.latestSeconds).contains(seconds)
            else { return nil }
            return Entry(fingerprint: String(parts[0]), date: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
    }

    /// Dates after the year 9999 are not believed.
    static let latestSeconds: Int64 = 253_402_300_799

    /// Seconds since 1970, clamped to `0...latestSeconds` (a non-finite date counts as 0): never traps.
    static func wholeSeconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return seconds >= Double(latestSeconds) ? latestSeconds : Int64(seconds)
    }

    /// At most `limit` bytes of the file at `path`, or `nil` when it cannot be read.
    static func readBounded(_ path: String, limit: Int) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: limit) ?? Data()
    }

    private func save(_ list: [Entry]) {
        let text = list.map { "\($0.fingerprint) \(Self.wholeSeconds($0.date))" }.joined(separator: "\n") + "\n"
        Self.replace(listPath, with: text)
    }

    /// Replaces the file at `path` with `text` (mode 0600), through a temporary file and a rename.
    static func replace(_ path: String, with text: String) {
        let temporary = path + ".\(getpid()).tmp"
        if FileManager.default.createFile(
            atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
            rename(temporary, path) != 0
        {
            unlink(temporary)
        }
    }
}
