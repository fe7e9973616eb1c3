import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks made on the database file before SQLite touches it, so a file palaver cannot or must
/// not write is reported by name and never modified.
///
/// SQLite itself would open a read-only file read-only without complaint, and GRDB's WAL setup
/// writes to the file it opens; a truncated database might be "repaired" by the first write.
/// These checks read only the file's metadata and its first 100 bytes.
enum DatabaseFile {
    /// What `prepare` found.
    enum State {
        case created, existing
        /// The main file is shorter than its header says (or not whole pages) but a `-wal` file
        /// lies beside it: after a checkpoint that ran out of disk space, the WAL may hold the
        /// rest. SQLite must judge it (``verifyWithSQLite(path:)``) before it is used.
        case needsSQLiteCheck(reason: String)
    }

    /// Makes sure the folder exists (mode 0700 when created) and that the file, if present, is
    /// a readable and writable SQLite file whose header is consistent with its size. Creates a
    /// missing file empty with mode 0600, so chat history is private from the start.
    static func prepare(path: String) throws(SessionStoreError) -> State {
        let directory = (path as NSString).deletingLastPathComponent
        try ensureDirectory(directory, for: path)

        var info = stat()
        if stat(path, &info) != 0 {
            let error = errno
            guard error == ENOENT else {
                throw SessionStoreError(.cannotOpen, path: path, reason: "cannot inspect the file: \(describe(error))")
            }
            try requireWritableDirectory(directory, for: path)
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd >= 0 {
                close(fd)
                return .created
            }
            let createError = errno
            if createError != EEXIST { // EEXIST: another process created it first; check it below.
                throw SessionStoreError(
                    createError == EACCES || createError == EROFS ? .readOnly : .cannotOpen,
                    path: path, reason: "cannot create the database file: \(describe(createError))")
            }
            guard stat(path, &info) == 0 else {
                throw SessionStoreError(.cannotOpen, path: path, reason: "cannot inspect the file: \(describe(errno))")
            }
        }

        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SessionStoreError(.cannotOpen, path: path, reason: "not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw SessionStoreError(
                .unreadable, path: path, reason: "the database file is not readable by this user (\(describe(errno)))")
        }
        guard access(path, W_OK) == 0 else {
            throw SessionStoreError(
                .readOnly, path: path,
                reason: "the database file is read-only (\(describe(errno))); palaver needs to write it")
        }
        // SQLite keeps `-wal` and `-shm` files beside the database; it must be able to create them.
        let companionsWritable = access(path + "-wal", W_OK) == 0 && access(path + "-shm", W_OK) == 0
        if !companionsWritable { try requireWritableDirectory(directory, for: path) }

        if let problem = try headerProblem(path: path, size: Int64(info.st_size)) {
            if hasWriteAheadLog(path) { return .needsSQLiteCheck(reason: problem) }
            throw SessionStoreError(.corrupt, path: path, reason: "\(problem). \(salvageAdvice(path, withWAL: false))")
        }
        return .existing
    }

    /// Whether a non-empty `-wal` file lies beside the database (SQLite reads pages from it first).
    static func hasWriteAheadLog(_ path: String) -> Bool {
        var info = stat()
        return stat(path + "-wal", &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0
    }

    /// Lets SQLite judge a file whose header and size disagree while a WAL lies beside it: a
    /// read-only connection (which never checkpoints, so nothing is written) runs
    /// `PRAGMA integrity_check`. Throws `.corrupt` when SQLite finds it damaged.
    static func verifyWithSQLite(path: String, headerProblem: String) throws(SessionStoreError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "palaver.SessionStore.check"
        let problems: [String]
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(20)") }
        } catch {
            let wrapped = SessionStoreError.wrapping(error, path: path)
            guard wrapped.code == .corrupt || wrapped.code == .notADatabase else { throw wrapped }
            throw SessionStoreError(
                .corrupt, path: path,
                reason:
                    "\(headerProblem), and SQLite cannot read it together with its -wal file either (\(wrapped.reason)). \(salvageAdvice(path, withWAL: true))"
            )
        }
        if problems != ["ok"] {
            let shown = problems.prefix(3).map { redactedDescription(of: $0) }.joined(separator: "; ")
            throw SessionStoreError(
                .corrupt, path: path,
                reason:
                    "\(headerProblem), and SQLite's integrity check of it with its -wal file fails (\(shown)). \(salvageAdvice(path, withWAL: true))"
            )
        }
    }

    /// What to do about a damaged file, without inviting anyone to delete it.
    static func salvageAdvice(_ path: String, withWAL: Bool) -> String {
        "palaver left the file\(withWAL ? " and its -wal" : "") untouched; `sqlite3 \(path) .recover` copies out what is still readable"
    }

    /// Reads the 100-byte SQLite header and compares what it says with the file's size: the
    /// damage found (a sentence without advice), or `nil`. Throws for a file that is no SQLite
    /// database at all or cannot be read.
    static func headerProblem(path: String, size: Int64) throws(SessionStoreError) -> String? {
        if size == 0 { return nil } // An empty file is an empty database to SQLite.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SessionStoreError(
                .unreadable, path: path, reason: "cannot read the database file: \(describe(errno))")
        }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 100)
        let count = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, 100) }
        let magic = Array("SQLite format 3\0".utf8)
        guard count == 100, Array(header[0..<16]) == magic else {
            throw SessionStoreError(
                .notADatabase, path: path,
                reason:
                    "the file is not an SQLite database (its header does not say \"SQLite format 3\"); it was left untouched"
            )
        }
        func be32(_ offset: Int) -> UInt32 {
            header[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let rawPageSize = Int64(header[16]) << 8 | Int64(header[17])
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else {
            return "the database header is damaged (page size \(rawPageSize))"
        }
        guard size % pageSize == 0 else {
            return
                "the database file is damaged: \(size) bytes is not a whole number of \(pageSize)-byte pages (truncated?)"
        }
        let pageCount = Int64(be32(28))
        let headerSizeIsValid = be32(92) == be32(24) && pageCount > 0 // version-valid-for == change counter
        if headerSizeIsValid && size < pageCount * pageSize {
            return
                "the database file is truncated: its header says \(pageCount) pages of \(pageSize) bytes but the file holds \(size / pageSize)"
        }
        return nil
    }

    private static func ensureDirectory(_ directory: String, for path: String) throws(SessionStoreError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw SessionStoreError(.cannotOpen, path: path, reason: "\(directory) is not a folder")
            }
            return
        }
        try createDirectory(directory)
    }

    /// `mkdir -p` with mode 0700 for every folder it creates.
    static func createDirectory(_ directory: String) throws(SessionStoreError) {
        var info = stat()
        if stat(directory, &info) == 0 { return }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != directory { try createDirectory(parent) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw SessionStoreError(
                .cannotOpen, path: directory, reason: "cannot create the folder: \(describe(errno))")
        }
    }

    private static func requireWritableDirectory(_ directory: String, for path: String) throws(SessionStoreError) {
        guard access(directory, W_OK | X_OK) == 0 else {
            throw SessionStoreError(
                .readOnly, path: path,
                reason:
                    "the folder \(directory) is read-only (\(describe(errno))); SQLite must create the database's -wal and -shm files there"
            )
        }
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
