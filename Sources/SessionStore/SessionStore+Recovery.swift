import Foundation
import GRDB

extension SessionStore {
    /// Marks `interrupted` every `streaming` row whose writer is gone: its pid does not run, the
    /// pid now belongs to another process, or its heartbeat is older than
    /// ``Options/staleStreamAfter``. Rows of live writers are left alone. The content of the
    /// last checkpoint stays. Returns the recovered ids. Runs on open; cheap when there is
    /// nothing to recover (a partial index holds only streaming rows).
    @discardableResult
    public func recoverAbandonedStreams() throws(SessionStoreError) -> [MessageID] {
        try Self.recover(pool: pool, options: options, path: path, searchIndex: searchIndex)
    }

    static func recover(pool: DatabasePool, options: Options, path: String, searchIndex: SearchIndexGuard)
        throws(SessionStoreError) -> [MessageID]
    {
        do {
            // A look without a transaction first, on the writer connection that is already open.
            let any = try pool.writeWithoutTransaction { db in
                try Bool.fetchOne(db, sql: "SELECT 1 FROM messages WHERE status = 'streaming' LIMIT 1") != nil
            }
            guard any else { return [] }
            try searchIndex.ensureChecked(pool, path: path) // recovery indexes the rows it finishes
            return try pool.write { db in
                let now = Timestamp.milliseconds(options.clock.wallTime())
                let staleBefore = now - Int64(options.staleStreamAfter * 1000)
                var recovered: [MessageID] = []
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, owner_pid, owner_start, heartbeat_at FROM messages WHERE status = 'streaming'
                        """)
                for row in rows {
                    let pid: Int32? = row[1]
                    let token: String? = row[2]
                    let heartbeat: Int64? = row[3]
                    let alive = pid.map { ProcessIdentity.isAlive(pid: $0, startToken: token) } ?? false
                    let fresh = (heartbeat ?? .min) >= staleBefore
                    if alive && fresh { continue }
                    let reason =
                        !alive
                        ? "the palaver process writing this reply (pid \(pid.map(String.init) ?? "unknown")) stopped before it finished"
                        : "the palaver process writing this reply (pid \(pid.map(String.init) ?? "unknown")) stopped responding"
                    try SessionStore.foldChunks(of: row[0], db)
                    try db.execute(
                        sql: """
                            UPDATE messages SET status = 'interrupted', error_summary = coalesce(error_summary, ?), updated_at = ?
                            WHERE id = ? AND status = 'streaming'
                            """, arguments: [reason, now, row[0] as Int64])
                    recovered.append(MessageID(row[0]))
                }
                return recovered
            }
        } catch {
            throw SessionStoreError.wrapping(error, path: path)
        }
    }
}
