import GRDB
import Synchronization

/// Makes sure the full-text index is sound before a store first writes to it or searches it,
/// and rebuilds it from the stored messages when it is not.
///
/// FTS5 does not notice most damage to its shadow tables on its own: inserts succeed and
/// searches quietly miss. So once per opened store, before the first write or search, FTS5's
/// `integrity-check` runs (about 2 ms per 1,000 messages); a damaged index is rebuilt, so new
/// entries are never written into it. A read-only use of the store (list, show, export) costs
/// nothing.
final class SearchIndexGuard: Sendable {
    private enum State {
        case unchecked
        case checked(rebuilt: Bool)
    }
    private let state = Mutex(State.unchecked)

    /// True when this store found the index damaged and rebuilt it.
    var rebuilt: Bool {
        state.withLock { if case .checked(true) = $0 { true } else { false } }
    }

    /// Checks (once) and repairs the index. Callers run this before any write or search.
    func ensureChecked(_ pool: DatabasePool, path: String) throws(SessionStoreError) {
        try state.withLock { (state: inout State) throws(SessionStoreError) in
            guard case .unchecked = state else { return }
            do {
                // On the writer connection: opening a reader just for this would leave the last
                // connection closed a read-only one, which cannot checkpoint the WAL away on close.
                let exists = try pool.writeWithoutTransaction { db in try db.tableExists("message_search") }
                guard exists else {
                    state = .checked(rebuilt: false)
                    return
                } // an older schema (tests)
                if try pool.write(Self.isSound) {
                    state = .checked(rebuilt: false)
                    return
                }
                try pool.write(Self.rebuild)
                guard try pool.write(Self.isSound) else {
                    throw SessionStoreError(
                        .corrupt, path: path,
                        reason:
                            "the full-text search index is damaged and rebuilding it from the stored messages did not help"
                    )
                }
                state = .checked(rebuilt: true)
            } catch {
                throw SessionStoreError.wrapping(error, path: path)
            }
        }
    }

    /// Runs FTS5's integrity check of the index's own structure (`rank` 0: not compared with
    /// the messages, whose `streaming` rows are deliberately not indexed).
    static func isSound(_ db: Database) throws -> Bool {
        do {
            try db.execute(sql: "INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 0)")
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            return false
        }
    }

    /// Empties the shadow tables directly (FTS5 may be unable even to load a damaged index),
    /// gives the index the empty structure a new index has, and indexes every message that is
    /// not `streaming` again, as migration `palaver-v3-search` did.
    static func rebuild(_ db: Database) throws {
        let template = try emptyIndexTemplate()
        try db.execute(
            sql: """
                DELETE FROM message_search_data;
                DELETE FROM message_search_idx;
                DELETE FROM message_search_docsize;
                DELETE FROM message_search_config;
                """)
        for (id, block) in template.data {
            try db.execute(sql: "INSERT INTO message_search_data (id, block) VALUES (?, ?)", arguments: [id, block])
        }
        for (key, value) in template.config {
            try db.execute(sql: "INSERT INTO message_search_config (k, v) VALUES (?, ?)", arguments: [key, value])
        }
        // Through FTS5 now that it can load again: this also drops the structure it may still
        // hold in memory from before (it re-reads only when another connection writes).
        try db.execute(
            sql: """
                INSERT INTO message_search (message_search) VALUES ('delete-all');
                INSERT INTO message_search (rowid, text) SELECT id, text FROM messages WHERE status <> 'streaming';
                """)
    }

    /// The shadow rows of a new, empty index with the same definition, made by SQLite in memory.
    private static func emptyIndexTemplate() throws -> (
        data: [(Int64, DatabaseValue)], config: [(DatabaseValue, DatabaseValue)]
    ) {
        let queue = try DatabaseQueue()
        return try queue.write { db in
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE message_search USING fts5 (
                        text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
                    )
                    """)
            let data = try Row.fetchAll(db, sql: "SELECT id, block FROM message_search_data").map {
                ($0[0] as Int64, $0[1] as DatabaseValue)
            }
            let config = try Row.fetchAll(db, sql: "SELECT k, v FROM message_search_config").map {
                ($0[0] as DatabaseValue, $0[1] as DatabaseValue)
            }
            return (data, config)
        }
    }
}
