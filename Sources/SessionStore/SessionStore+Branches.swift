import GRDB

/// The conversation tree: its active path, and moving it between branches.
///
/// Every message has a parent (``StoredMessage/parentID``, `nil` for a first prompt). The
/// active path runs from a first prompt to the active leaf; the reading methods
/// (``lastMessages(in:limit:)``, ``messages(in:before:limit:)``, ``messages(in:after:limit:)``,
/// ``messageCount(in:)``) read it, positions being positions along it. Appending a message
/// makes it the active leaf. Siblings (children of the same parent) are versions of one
/// message: an edited prompt (``appendUserMessage(to:text:status:under:)`` with
/// `.siblingOf(prompt)`) or a regenerated reply
/// (``beginAssistantMessage(in:model:answering:under:)`` with `.message(prompt)`).
extension SessionStore {
    /// The active path's last message, or `nil` for an empty (or unknown) conversation.
    public func activeLeaf(in conversation: ConversationID) throws(SessionStoreError) -> StoredMessage? {
        try lastMessages(in: conversation, limit: 1).first
    }

    /// The message's siblings in creation order and its place among them; `nil` for an unknown id.
    public func siblings(of message: MessageID) throws(SessionStoreError) -> Siblings? {
        try read { db in try Self.siblings(of: message.rawValue, db) }
    }

    /// Moves the active path to the sibling `offset` places from `message` (-1: the previous
    /// version, +1: the next), continuing to the newest leaf under it (see
    /// ``setActive(message:)``). Returns that sibling, or `nil` (and changes nothing) when
    /// there is no sibling there or no such message.
    @discardableResult
    public func selectSibling(of message: MessageID, offset: Int) throws(SessionStoreError) -> StoredMessage? {
        let chosen = try write { db -> Int64? in
            guard let siblings = try Self.siblings(of: message.rawValue, db) else { return nil }
            let index = siblings.index + offset
            guard siblings.ids.indices.contains(index) else { return nil }
            let id = siblings.ids[index].rawValue
            try Self.activateNewestLeaf(under: id, db)
            return id
        }
        guard let chosen else { return nil }
        return try self.message(MessageID(chosen))
    }

    /// Makes the active path run through `message`, down to the newest leaf under it (the most
    /// recently created message of its subtree; the message itself when it has no children).
    /// Returns the new active leaf. Does not change the conversation's `updatedAt`: browsing
    /// branches is not a new message. Throws `.notFound` for an unknown id.
    @discardableResult
    public func setActive(message: MessageID) throws(SessionStoreError) -> StoredMessage {
        let leaf = try write { db -> Int64? in
            try Self.activateNewestLeaf(under: message.rawValue, db)
        }
        guard let leaf, let stored = try self.message(MessageID(leaf)) else { throw Self.noMessage(message) }
        return stored
    }

    /// Whether `message` is on its conversation's active path (false for an unknown id).
    public func isOnActivePath(_ message: MessageID) throws(SessionStoreError) -> Bool {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT on_path FROM messages WHERE id = ?", arguments: [message.rawValue]) == 1
        }
    }

    // MARK: Tree helpers (inside a transaction)

    static func siblings(of id: Int64, _ db: Database) throws -> Siblings? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT conversation_id, parent_id FROM messages WHERE id = ?", arguments: [id])
        else { return nil }
        let ids = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY position
                    """), arguments: [row[0] as Int64, row[1] as Int64?]
        ).map(MessageID.init)
        return Siblings(ids: ids, index: ids.firstIndex(of: MessageID(id)) ?? 0)
    }

    /// The active leaf's id and depth, `nil` when the path is empty.
    static func activeLeafRow(_ conversation: Int64, _ db: Database) throws -> (id: Int64, depth: Int)? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id, depth FROM messages WHERE conversation_id = ? AND on_path = 1 ORDER BY depth DESC LIMIT 1
                    """), arguments: [conversation]
        ).map { ($0[0], $0[1]) }
    }

    /// Activates the path to the newest message under `id` (itself included); returns that
    /// leaf, `nil` for an unknown id.
    static func activateNewestLeaf(under id: Int64, _ db: Database) throws -> Int64? {
        guard
            let conversation = try Int64.fetchOne(
                db, sql: "SELECT conversation_id FROM messages WHERE id = ?", arguments: [id])
        else { return nil }
        let leaf =
            try Int64.fetchOne(
                db,
                sql: """
                    WITH RECURSIVE below(id, position) AS (
                        SELECT id, position FROM messages WHERE id = ?1
                        UNION ALL
                        SELECT m.id, m.position FROM messages m JOIN below ON m.conversation_id = ?2 AND m.parent_id = below.id
                    )
                    SELECT id FROM below ORDER BY position DESC LIMIT 1
                    """, arguments: [id, conversation]) ?? id
        try activatePath(to: leaf, in: conversation, db)
        return leaf
    }

    /// Makes the path from a first prompt to `leaf` the conversation's active path (`nil`: no
    /// path). Walks up from the leaf to the first message already on the path (the branch
    /// point), clears the flags below it, and flags the messages walked: the cost is the length
    /// of the two branches below the branch point, not the conversation's.
    static func activatePath(to leaf: Int64?, in conversation: Int64, _ db: Database) throws {
        var chain: [Int64] = []
        var branchDepth = 0
        var next = leaf
        let up = try db.cachedStatement(sql: "SELECT parent_id, depth, on_path FROM messages WHERE id = ?")
        while let id = next, let row = try Row.fetchOne(up, arguments: [id]) {
            if row[2] as Int == 1 {
                branchDepth = row[1]
                break
            }
            chain.append(id)
            next = row[0]
        }
        try db.cachedStatement(
            sql: "UPDATE messages SET on_path = 0 WHERE conversation_id = ? AND on_path = 1 AND depth > ?"
        ).execute(arguments: [conversation, branchDepth])
        let flag = try db.cachedStatement(sql: "UPDATE messages SET on_path = 1 WHERE id = ?")
        for id in chain { try flag.execute(arguments: [id]) }
    }
}
