import Foundation
import GRDB

/// palaver's conversations on disk: one SQLite database (through GRDB) that survives quits,
/// crashes and `kill -9`. Nothing outside this module writes SQL.
///
/// ## Opening
/// - ``SessionStore/defaultPath(environment:)``: `$XDG_DATA_HOME/palaver/palaver.sqlite` (only an
///   absolute `XDG_DATA_HOME` counts), else `~/.local/share/palaver/palaver.sqlite`; creates the
///   folder with mode 0700.
/// - ``SessionStore/init(path:options:)`` opens or creates the database (file mode 0600) in WAL
///   mode with a 5 s busy timeout and foreign keys on, runs pending migrations, then recovers
///   abandoned streams. It throws a ``SessionStoreError`` naming the path for an unreadable file
///   (`.unreadable`), a read-only file or folder (`.readOnly`), a file that is not a database
///   (`.notADatabase`), a damaged or truncated one (`.corrupt`), another program's database
///   (`.foreignDatabase`) and one written by a newer palaver (`.newerSchema`). It never
///   overwrites, repairs or deletes an existing file it cannot use, and its messages never
///   advise deleting one (they point to `sqlite3 FILE .recover`). A file shorter than its header
///   says is judged by SQLite (a read-only `integrity_check`) when a `-wal` lies beside it: after
///   a checkpoint that ran out of disk space the WAL holds the rest.
/// - ``SessionStore/close()``.
///
/// ## Conversations
/// ``createConversation(title:model:systemPrompt:)``, ``conversation(_:)``,
/// ``conversations(limit:offset:)`` (most recently updated first), ``conversationCount()``,
/// ``latestConversation()``, ``renameConversation(_:to:)``, ``setModel(_:for:)``,
/// ``setSystemPrompt(_:for:)``, ``deleteConversation(_:)`` (its messages and draft go too).
///
/// ## Drafts
/// ``saveDraft(_:for:)`` (empty text deletes the draft) and ``draft(for:)``.
///
/// ## Messages: write-ahead of the network
/// 1. ``appendUserMessage(to:text:status:)`` / ``appendUserMessage(to:content:status:)`` stores
///    the user's turn (default `pending`) *before* the request is sent; the caller then sets
///    `complete` or `failed` with ``setStatus(of:to:errorSummary:)``.
/// 2. ``beginAssistantMessage(in:model:answering:under:)`` creates the reply as a `streaming` row owned by this
///    process (pid, start token, heartbeat).
/// 3. ``checkpointer(for:policy:clock:)`` returns a ``Checkpointer`` that takes the streamed
///    text or content and writes it on a background queue every 250 ms or 2 KB of new content
///    (whichever comes first), appending only what arrived, keeps the heartbeat fresh, and
///    flushes on finish.
/// 4. ``Checkpointer/finish(content:usage:stopReason:requestID:status:errorSummary:)`` or
///    ``finishAssistantMessage(_:content:usage:stopReason:requestID:status:errorSummary:)``
///    writes the final row (`complete`, `interrupted` or `failed`).
///
/// Content is kept as ``StoredContent`` (the JSON text of an array of blocks, of which the store
/// reads only the text blocks) and token counts as ``TokenCounts``: the store knows no API
/// types (ChatCore maps them). Timestamps come from ``Options/clock`` (a ``StoreClock``).
///
/// Error summaries, titles, system prompts, drafts and the text of text blocks pass through
/// `Secrets.redact` (module Safety) before they are written: an API key never reaches the file. Every string is
/// stored exactly, NULs included (see `StoredText`).
///
/// A reply records the user message it answers (``beginAssistantMessage(in:model:answering:under:)``),
/// so prompts sent at once from two processes are each paired with their own reply.
///
/// ## Branches
/// Messages form a tree (``StoredMessage/parentID``); a conversation has an *active path*, from
/// a first prompt to its active leaf, which every reading method below reads (positions are
/// positions along it) and which is what the chat shows and the API is sent. A new message goes
/// after the active leaf unless told otherwise (``MessageParent``: `.siblingOf(prompt)` for an
/// edited prompt, `.message(prompt)` for a regenerated reply) and becomes the active leaf.
/// ``siblings(of:)`` lists a message's versions (each ``StoredMessage`` also carries
/// ``StoredMessage/siblingIndex`` and ``StoredMessage/siblingCount``, for "‹ 2/3 ›");
/// ``selectSibling(of:offset:)`` and ``setActive(message:)`` move the active path, down to the
/// newest leaf under the chosen message; ``activeLeaf(in:)``. See `Schema.swift` for how the
/// path is stored.
///
/// ## Recovery
/// On open (and on demand with ``recoverAbandonedStreams()``) every `streaming` row whose owner
/// is gone (pid not running, pid reused by another process, or no heartbeat for
/// ``Options/staleStreamAfter``, 30 s) becomes `interrupted`, keeping the content of its last
/// checkpoint. A row still being written by a live process is left alone. To retry a reply,
/// ``userMessage(answeredBy:)`` returns the user message it answered, to be sent again.
///
/// ## Reading
/// ``message(_:)``, ``lastMessages(in:limit:)``, ``messages(in:before:limit:)`` and
/// ``messages(in:after:limit:)`` read a window of the active path through the partial index
/// `messages_active_path (conversation_id, depth)`; nothing loads a whole conversation unless
/// the caller pages through it. ``messageCount(in:)`` counts the active path.
///
/// ## Search, export, import
/// ``search(_:limit:highlight:)`` (FTS5 over every branch, newest first; any user text is safe: each word
/// becomes a quoted phrase; the index is checked before the first write or search and rebuilt
/// when damaged, see ``searchIndexRebuilt``), ``export(_:format:)`` (Markdown or JSON) and
/// ``importConversation(json:)``: JSON export → import → export gives identical bytes (ids are
/// not part of the export; the tree, active leaf, timestamps, usage, statuses and content are
/// kept exactly; a `streaming` row imports as `interrupted`). Markdown export is the active path.
///
/// ## Durability and threads
/// WAL with `synchronous = NORMAL` (GRDB's default for WAL): every committed write survives a
/// crash or `kill -9` of the process; a power cut may lose the last commits before the next
/// WAL checkpoint, never corrupt the file. Every method is synchronous and thread-safe; reads
/// run concurrently, writes are serialised (IMMEDIATE transactions, so two processes never
/// deadlock and wait up to the busy timeout). Calls take about a millisecond; call them off the
/// UI loop. The schema is described in `Schema.swift`.
public final class SessionStore: Sendable {
    /// Settings for opening a store; the defaults are what palaver uses.
    public struct Options: Sendable {
        /// How long a write waits for another process's lock before failing with `.busy`.
        public var busyTimeout: TimeInterval = 5
        /// A `streaming` row whose heartbeat is older than this is abandoned even if its pid runs.
        public var staleStreamAfter: TimeInterval = 30
        /// Recover abandoned streams while opening.
        public var recoversOnOpen = true
        /// The clock for timestamps and heartbeats, and the default for checkpointers.
        public var clock: any StoreClock = SystemStoreClock()

        public init() {}

        // Test hooks: stop at an earlier schema version, add migrations, act as another process.
        var migrationTarget: String?
        var extraMigrations: [(String, @Sendable (Database) throws -> Void)] = []
        var identity: ProcessIdentity = .current
    }

    /// The database file, as an absolute path.
    public let path: String
    /// Streaming rows that opening this store found abandoned and marked `interrupted`.
    public let recoveredOnOpen: [MessageID]
    /// True once this store found the full-text index damaged and rebuilt it from the messages
    /// (checked before the first write or search).
    public var searchIndexRebuilt: Bool { searchIndex.rebuilt }

    let pool: DatabasePool
    let options: Options
    /// Checks the full-text index before the first write or search (see ``SearchIndexGuard``).
    let searchIndex = SearchIndexGuard()
    var identity: ProcessIdentity { options.identity }

    /// Opens (creating if needed) the database at `path`; see the type's documentation for
    /// what is checked and the errors thrown.
    public init(path: String, options: Options = Options()) throws(SessionStoreError) {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        self.path = path
        self.options = options
        if case .needsSQLiteCheck(let problem) = try DatabaseFile.prepare(path: path) {
            try DatabaseFile.verifyWithSQLite(path: path, headerProblem: problem)
        }

        let migrator = Schema.migrator(extra: options.extraMigrations)
        var configuration = Configuration()
        configuration.label = "palaver.SessionStore"
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // The writer connection checks whose database this is before GRDB switches the
            // file to WAL mode, which would write to it.
            if !db.configuration.readonly { try Self.checkOwnership(db, migrator: migrator, path: path) }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw SessionStoreError.wrapping(error, path: path)
        }
        try Self.migrate(
            pool, migrator: migrator, target: options.migrationTarget ?? migrator.migrations.last!, path: path)
        if options.recoversOnOpen && (options.migrationTarget == nil) {
            recoveredOnOpen = try Self.recover(pool: pool, options: options, path: path, searchIndex: searchIndex)
        } else {
            recoveredOnOpen = []
        }
    }

    /// Closes the database. Later calls throw `.closed`. Finish every ``Checkpointer`` first.
    public func close() throws(SessionStoreError) {
        do { try pool.close() } catch { throw SessionStoreError.wrapping(error, path: path) }
    }

    /// `$XDG_DATA_HOME/palaver/palaver.sqlite` when `XDG_DATA_HOME` is an absolute path, else
    /// `$HOME/.local/share/palaver/palaver.sqlite`. Creates the `palaver` folder (and missing
    /// parents) with mode 0700.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(SessionStoreError) -> String
    {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".local/share")
        }
        let directory = (base as NSString).appendingPathComponent("palaver")
        try DatabaseFile.createDirectory(directory)
        return (directory as NSString).appendingPathComponent("palaver.sqlite")
    }

    // MARK: Access helpers

    func read<T>(_ body: (Database) throws -> T) throws(SessionStoreError) -> T {
        do { return try pool.read(body) } catch { throw SessionStoreError.wrapping(error, path: path) }
    }

    /// A write transaction (IMMEDIATE). The search index is checked first, once per store.
    func write<T>(_ body: (Database) throws -> T) throws(SessionStoreError) -> T {
        try searchIndex.ensureChecked(pool, path: path)
        do { return try pool.write(body) } catch { throw SessionStoreError.wrapping(error, path: path) }
    }

    var nowMilliseconds: Int64 { Timestamp.milliseconds(options.clock.wallTime()) }

    // MARK: Opening

    /// Refuses a database that is another program's or a newer palaver's, before anything is written.
    static func checkOwnership(_ db: Database, migrator: DatabaseMigrator, path: String) throws {
        let tables = try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                """)
        if tables.isEmpty { return }
        guard tables.contains("grdb_migrations") else {
            throw SessionStoreError(
                .foreignDatabase, path: path,
                reason:
                    "this SQLite database belongs to another program (tables: \(tables.prefix(5).joined(separator: ", "))); palaver will not change it"
            )
        }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        if !applied.isEmpty && !applied.contains(where: { $0.hasPrefix(Schema.migrationPrefix) }) {
            throw SessionStoreError(
                .foreignDatabase, path: path,
                reason: "this SQLite database belongs to another program; palaver will not change it")
        }
        let known = Set(migrator.migrations)
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw SessionStoreError(
                .newerSchema, path: path,
                reason:
                    "the database was written by a newer palaver (schema \(unknown.sorted().joined(separator: ", "))); update palaver to open it"
            )
        }
    }

    static func migrate(_ pool: DatabasePool, migrator: DatabaseMigrator, target: String, path: String)
        throws(SessionStoreError)
    {
        // Two palavers starting at once may both try to migrate; the loser's migration fails
        // ("table already exists") after the winner committed, so it looks again and retries.
        var lastApplied: Set<String> = []
        for attempt in 1...4 {
            do {
                lastApplied = try pool.writeWithoutTransaction { try migrator.appliedIdentifiers($0) }
                try migrator.migrate(pool, upTo: target)
                if !lastApplied.contains(target) {
                    // A migration that rewrote every message leaves a WAL as large as the table;
                    // until a later write restarts it, each first open would read it all again
                    // to rebuild the WAL index. Best effort: another process may be reading.
                    _ = try? pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                }
                return
            } catch {
                let applied = (try? pool.writeWithoutTransaction { try migrator.appliedIdentifiers($0) }) ?? lastApplied
                if attempt < 4 && applied != lastApplied { continue }
                let failed = migrator.migrations.first { !applied.contains($0) } ?? target
                let cause = SessionStoreError.wrapping(error, path: path)
                if cause.code == .busy || cause.code == .readOnly || cause.code == .corrupt { throw cause }
                throw SessionStoreError(
                    .migrationFailed, path: path,
                    reason:
                        "updating the database schema failed at \(failed) and was rolled back; the previous schema is intact (\(cause.reason))"
                )
            }
        }
    }
}
