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

    /// What reading the file found (its default key only; ``load()`` gives the profiles too).
    public enum Contents: Sendable, Equatable {
        case missing
        case key(String, savedAt: String?)
        /// The file exists but cannot be used; `reason` says why and `fix` what to do.
        case unusable(reason: String, fix: String)
    }

    /// What reading the whole file found: the default key, the profiles and the active choice.
    public enum Loaded: Sendable, Equatable {
        case missing
        case saved(Saved)
        /// The file exists but cannot be used; `reason` says why and `fix` what to do.
        case unusable(reason: String, fix: String)
    }

    /// The default key (the top-level `api_key`), as ``read()`` has always reported it. A file
    /// that holds only profiles reads as `.missing` here.
    public func read() -> Contents {
        switch load() {
        case .missing: return .missing
        case .unusable(let reason, let fix): return .unusable(reason: reason, fix: fix)
        case .saved(let saved):
            guard let key = saved.key else { return .missing }
            return .key(key, savedAt: saved.savedAt)
        }
    }

    /// The whole file, checked (a regular file of this user, mode 0600 or stricter, at most
    /// ``sizeLimit`` bytes) and parsed strictly.
    public func load() -> Loaded {
        load(checkingMode: true)
    }

    /// `checkingMode: false` is for a rewrite only: a file others could read is still parsed, so
    /// its profiles are kept when the rewrite replaces it with a private one.
    func load(checkingMode: Bool) -> Loaded {
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
        if checkingMode, mode & 0o077 != 0 {
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
        switch Self.parse(data) {
        case .success(let saved): return .saved(saved)
        case .failure(let failure):
            return .unusable(reason: failure.reason, fix: "Save the key again with `palaver key set`.")
        }
    }

    /// The most palaver reads of the file: a few keys and dates.
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

    /// Saves `key` atomically with mode 0600, creating the folder with mode 0700: as the default
    /// key, or as the profile `profile`. Everything else in the file (the other profiles, the
    /// active choice) is kept. `fallback` (a profile name, or "default") replaces the fallback of
    /// what is saved; `nil` keeps the one it had.
    public func write(_ key: String, profile: String? = nil, fallback: String? = nil, now: Date = Date()) throws {
        var saved = try savedForRewrite()
        let stamp = ISO8601DateFormatter().string(from: now)
        if let profile {
            try Self.requireValidName(profile)
            if let fallback { try saved.requireTarget(fallback, of: profile) }
            var entry = saved.profile(named: profile) ?? Profile(name: profile)
            entry.key = key
            entry.savedAt = stamp
            if let fallback { entry.fallback = fallback }
            saved.upsert(entry)
        } else {
            if let fallback { try saved.requireTarget(fallback, of: nil) }
            saved.key = key
            saved.savedAt = stamp
            if let fallback { saved.fallback = fallback }
        }
        try save(saved)
    }

    /// Removes the saved default key (the profiles stay); `false` when there was none. The file
    /// goes when nothing is left in it.
    @discardableResult
    public func remove() throws -> Bool {
        guard case .saved(var saved) = load(checkingMode: false), !saved.profiles.isEmpty else {
            if unlink(path) == 0 { return true }
            if errno == ENOENT { return false }
            throw CredentialsFileError(message: "cannot remove \(path): \(String(cString: strerror(errno)))")
        }
        guard saved.key != nil else { return false }
        saved.key = nil
        saved.savedAt = nil
        saved.fallback = nil
        try save(saved)
        return true
    }

    /// Removes the profile `name`; `false` when there is none. When it was the active profile,
    /// the default key is active again.
    @discardableResult
    public func remove(profile name: String) throws -> Bool {
        guard case .saved(var saved) = load(checkingMode: false), saved.profile(named: name) != nil else {
            return false
        }
        saved.profiles.removeAll { $0.name == name }
        if saved.active == name { saved.active = nil }
        if saved.key == nil && saved.profiles.isEmpty {
            if unlink(path) == 0 || errno == ENOENT { return true }
            throw CredentialsFileError(message: "cannot remove \(path): \(String(cString: strerror(errno)))")
        }
        try save(saved)
        return true
    }

    /// Makes the profile `name` the one the credentials file yields; `nil` or "default" means the
    /// top-level key. An unknown name is refused with the names that exist.
    public func setActive(_ name: String?) throws {
        var saved = try savedForRewrite()
        if let name, name != Self.defaultName {
            guard let profile = saved.profile(named: name) else {
                throw CredentialsFileError(message: saved.unknownProfileMessage(name))
            }
            guard profile.key != nil else {
                throw CredentialsFileError(
                    message: "profile \(name) holds no key; save one with `palaver key set --name \(name)`.")
            }
            saved.active = name
        } else {
            guard saved.key != nil else {
                throw CredentialsFileError(message: "no default key is saved; save one with `palaver key set`.")
            }
            saved.active = nil
        }
        try save(saved)
    }

    /// Sets the fallback of the profile `name` (`nil` or "default": of the default key) to the
    /// profile `target` ("default": the default key), or removes it when `target` is `nil`.
    public func setFallback(of name: String?, to target: String?) throws {
        var saved = try savedForRewrite()
        let owner = name == Self.defaultName ? nil : name
        if let target { try saved.requireTarget(target, of: owner) }
        if let owner {
            guard var profile = saved.profile(named: owner) else {
                throw CredentialsFileError(message: saved.unknownProfileMessage(owner))
            }
            profile.fallback = target
            saved.upsert(profile)
        } else {
            guard saved.key != nil else {
                throw CredentialsFileError(message: "no default key is saved; save one with `palaver key set`.")
            }
            saved.fallback = target
        }
        try save(saved)
    }

    /// The names of the saved profiles, in file order (none when the file cannot be used).
    public func profileNames() -> [String] {
        guard case .saved(let saved) = load() else { return [] }
        return saved.profiles.map(\.name)
    }

    /// The file as it is, to change and write back: empty when missing; a file others could read
    /// is still parsed (the rewrite makes it private). One that cannot be used at all is replaced,
    /// as `palaver key set` always did.
    private func savedForRewrite() throws -> Saved {
        switch load(checkingMode: false) {
        case .missing: return Saved()
        case .saved(let saved): return saved
        case .unusable: return Saved()
        }
    }

    /// Writes `saved` atomically, mode 0600 in a 0700 folder.
    private func save(_ saved: Saved) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        chmod(directory, 0o700)
        try atomicWrite(Array(saved.serialized().utf8))
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

}

public struct CredentialsFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
