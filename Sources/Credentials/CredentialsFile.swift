import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The saved key: `credentials.toml` in palaver's config directory, mode 0600 in a 0700 folder.
///
/// Written atomically (temporary file, fsync, rename, fsync of the folder) so a crash leaves
/// either the old file or the new one, never half of one. A file readable by group or others
/// is not used, as ssh refuses a loose private key.
public struct CredentialsFile: Sendable {
    public let path: String

    public init(directory: String) {
        path = directory + "/credentials.toml"
    }

    /// What reading the file found.
    public enum Contents: Sendable, Equatable {
        case missing
        case key(String, savedAt: String?)
        /// The file exists but cannot be used; `reason` says why and `fix` what to do.
        case unusable(reason: String, fix: String)
    }

    public func read() -> Contents {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT
                ? .missing
                : .unusable(
                    reason: "it cannot be examined (\(String(cString: strerror(errno))))",
                    fix: "Check the permissions of \(path).")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .unusable(
                reason: "it is not a regular file", fix: "Remove \(path) and save the key again with `palaver key set`."
            )
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            return .unusable(
                reason: "its permissions \(String(mode, radix: 8)) let other users read it",
                fix: "Run `chmod 600 \(path)` (and consider replacing the key, since others could read it).")
        }
        if info.st_uid != getuid() {
            return .unusable(
                reason: "it belongs to another user", fix: "Remove it and save the key again with `palaver key set`.")
        }
        guard info.st_size <= Self.sizeLimit else {
            return .unusable(
                reason: "it is larger than \(Self.sizeLimit / 1024) KiB, far more than a key",
                fix: "Remove \(path) and save the key again with `palaver key set`.")
        }
        guard let data = readBounded() else {
            return .unusable(reason: "it cannot be read", fix: "Check the permissions of \(path).")
        }
        let text = String(decoding: data, as: UTF8.self)
        var key: String?
        var savedAt: String?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                return .unusable(
                    reason: "it is not in the expected format (api_key = \"…\")",
                    fix: "Save the key again with `palaver key set`.")
            }
            let name = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            let value = unquote(trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces))
            switch name {
            case "api_key": key = value
            case "saved_at": savedAt = Self.plausibleTimestamp(value)
            default: break
            }
        }
        guard let key else {
            return .unusable(reason: "it holds no api_key", fix: "Save the key again with `palaver key set`.")
        }
        return .key(key, savedAt: savedAt)
    }

    /// The most palaver reads of the file: it holds one key and a date.
    static let sizeLimit = 64 * 1024

    /// The file's bytes, at most `sizeLimit` (it may have grown since `lstat`), or `nil`.
    private func readBounded() -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < Self.sizeLimit {
            let n = buffer.withUnsafeMutableBytes {
                Glibc.read(fd, $0.baseAddress, min($0.count, Self.sizeLimit - data.count))
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    /// `saved_at` as written by `write` (an ISO 8601 time), or `nil` for anything else: the
    /// file's text is shown by `doctor`, so only the shape palaver writes is kept.
    static func plausibleTimestamp(_ value: String) -> String? {
        guard (1...40).contains(value.utf8.count),
            value.utf8.allSatisfy({
                (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":")
                    || $0 == UInt8(ascii: "T")
                    || $0 == UInt8(ascii: "Z") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
            })
        else { return nil }
        return value
    }

    /// Saves `key` atomically with mode 0600, creating the folder with mode 0700.
    public func write(_ key: String, now: Date = Date()) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        chmod(directory, 0o700)
        let stamp = ISO8601DateFormatter().string(from: now)
        let text =
            "# palaver credentials: keep this file private (mode 0600).\napi_key = \"\(key)\"\nsaved_at = \"\(stamp)\"\n"
        try atomicWrite(Array(text.utf8))
    }

    /// Removes the saved key; `false` when there was none.
    @discardableResult
    public func remove() throws -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw CredentialsFileError(message: "cannot remove \(path): \(String(cString: strerror(errno)))")
    }

    /// The write itself, split out so a test can stop between the write and the rename.
    func atomicWrite(_ bytes: [UInt8], beforeRename: () throws -> Void = {}) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/.credentials.toml.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CredentialsFileError(
                message: "cannot create a file in \(directory): \(String(cString: strerror(errno)))")
        }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            throw CredentialsFileError(message: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        try beforeRename()
        guard rename(temporary, path) == 0 else {
            throw CredentialsFileError(message: "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    private func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, let l = s.last, (f == "\"" && l == "\"") || (f == "'" && l == "'") {
            return String(s.dropFirst().dropLast())
        }
        return s
    }
}

public struct CredentialsFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
