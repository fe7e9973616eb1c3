import Foundation
import GRDB

/// Why a session-store operation failed. Every error that names a file says which one.
///
/// A public struct over a private enum, so new kinds of failure do not break callers; match a
/// kind with `~=`:
///
/// ```swift
/// catch let error as SessionStoreError where error.code == .corrupt { … }
/// switch error { case .readOnly: … }   // via SessionStoreError.Code ~= SessionStoreError
/// ```
public struct SessionStoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable, readOnly, notADatabase, corrupt, foreignDatabase, newerSchema
            case cannotOpen, migrationFailed, busy, notFound, invalidArgument, invalidImport, closed, database
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file exists but this user may not read it.
        public static let unreadable = Code(.unreadable)
        /// The file, or the folder that must hold its `-wal`/`-shm` companions, is not writable.
        public static let readOnly = Code(.readOnly)
        /// The file is not an SQLite database (random bytes, another format).
        public static let notADatabase = Code(.notADatabase)
        /// The file is an SQLite database that is damaged (truncated, malformed pages).
        public static let corrupt = Code(.corrupt)
        /// The file is a valid SQLite database that belongs to another program.
        public static let foreignDatabase = Code(.foreignDatabase)
        /// The database was written by a newer palaver whose schema this build does not know.
        public static let newerSchema = Code(.newerSchema)
        /// The file could not be opened for another reason (missing folder, not a regular file…).
        public static let cannotOpen = Code(.cannotOpen)
        /// A schema migration failed; it was rolled back and the previous schema is intact.
        public static let migrationFailed = Code(.migrationFailed)
        /// Another process held the database locked for longer than the busy timeout.
        public static let busy = Code(.busy)
        /// The conversation or message does not exist.
        public static let notFound = Code(.notFound)
        /// An argument was out of range (empty text, negative limit…).
        public static let invalidArgument = Code(.invalidArgument)
        /// An import document is not a palaver conversation export.
        public static let invalidImport = Code(.invalidImport)
        /// The store was closed.
        public static let closed = Code(.closed)
        /// Any other SQLite failure (disk full, I/O error…).
        public static let database = Code(.database)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The database file (or folder) concerned, when there is one.
    public let path: String?
    /// A sentence for the user; never contains an API key.
    public let reason: String

    public init(_ code: Code, path: String?, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String {
        if let path { return "session store \(path): \(reason)" }
        return "session store: \(reason)"
    }

}

extension SessionStoreError.Code {
    /// Matches an error against a code: `case .corrupt:` in a `switch error`.
    public static func ~= (code: Self, error: SessionStoreError) -> Bool { error.code == code }

    /// Matches any error against a code: `catch { if SessionStoreError.Code.corrupt ~= error … }`.
    public static func ~= (code: Self, error: any Error) -> Bool {
        (error as? SessionStoreError)?.code == code
    }
}

extension SessionStoreError {
    /// Converts whatever a GRDB call threw into a `SessionStoreError` about `path`.
    static func wrapping(_ error: any Error, path: String) -> SessionStoreError {
        if let error = error as? SessionStoreError { return error }
        guard let dbError = error as? DatabaseError else {
            return SessionStoreError(.database, path: path, reason: redactedDescription(of: error))
        }
        let message =
            dbError.message.map { redactedDescription(of: $0) } ?? "SQLite error \(dbError.resultCode.rawValue)"
        switch dbError.resultCode {
        case .SQLITE_NOTADB:
            return SessionStoreError(
                .notADatabase, path: path, reason: "the file is not an SQLite database (\(message))")
        case .SQLITE_CORRUPT:
            return SessionStoreError(
                .corrupt, path: path,
                reason:
                    "the database file is damaged (\(message)); `sqlite3 \(path) .recover` copies out what is still readable"
            )
        case .SQLITE_READONLY:
            return SessionStoreError(.readOnly, path: path, reason: "the database is read-only (\(message))")
        case .SQLITE_PERM, .SQLITE_AUTH:
            return SessionStoreError(.unreadable, path: path, reason: "permission denied (\(message))")
        case .SQLITE_CANTOPEN:
            return SessionStoreError(.cannotOpen, path: path, reason: "cannot open the database (\(message))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return SessionStoreError(
                .busy, path: path, reason: "the database stayed locked by another process (\(message))")
        case .SQLITE_MISUSE where message.localizedCaseInsensitiveContains("closed"):
            return SessionStoreError(.closed, path: path, reason: "the store is closed")
        default:
            return SessionStoreError(.database, path: path, reason: message)
        }
    }
}

/// A value's description with anything key-shaped masked.
func redactedDescription(of value: Any) -> String {
    storeRedact(String(describing: value))
}
