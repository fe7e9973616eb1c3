import Foundation
import GRDB

extension SessionStore {
    static let conversationColumns = "id, title, model, system_prompt, created_at, updated_at"

    static func conversation(from row: Row) -> Conversation {
        Conversation(
            id: ConversationID(row[0]), title: StoredText.read(row, 1) ?? "", model: StoredText.read(row, 2) ?? "",
            systemPrompt: StoredText.read(row, 3),
            createdAt: Timestamp.date(row[4]), updatedAt: Timestamp.date(row[5]))
    }

    /// Creates an empty conversation. An empty title is fine (set it later with `renameConversation`).
    @discardableResult
    public func createConversation(title: String = "", model: String, systemPrompt: String? = nil)
        throws(SessionStoreError) -> Conversation
    {
        let now = nowMilliseconds
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO conversations (title, model, system_prompt, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    StoredText(storeRedact(title)), StoredText(model), StoredText.bind(redactedText(systemPrompt)),
                    now, now,
                ])
            let row = try Row.fetchOne(
                db, sql: "SELECT \(Self.conversationColumns) FROM conversations WHERE id = ?",
                arguments: [db.lastInsertedRowID])!
            return Self.conversation(from: row)
        }
    }

    /// The conversation, or `nil` if there is none with this id.
    public func conversation(_ id: ConversationID) throws(SessionStoreError) -> Conversation? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.conversationColumns) FROM conversations WHERE id = ?",
                arguments: [id.rawValue]
            ).map(Self.conversation(from:))
        }
    }

    /// A page of conversations, most recently updated first (ties: newest id first).
    public func conversations(limit: Int = 50, offset: Int = 0) throws(SessionStoreError) -> [Conversation] {
        guard limit >= 0, offset >= 0 else {
            throw SessionStoreError(.invalidArgument, path: nil, reason: "limit and offset must not be negative")
        }
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.conversationColumns) FROM conversations
                    ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?
                    """, arguments: [limit, offset]
            ).map(Self.conversation(from:))
        }
    }

    /// How many conversations there are.
    public func conversationCount() throws(SessionStoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM conversations") ?? 0 }
    }

    /// The most recently updated conversation (what `--continue` continues), if any.
    public func latestConversation() throws(SessionStoreError) -> Conversation? {
        try conversations(limit: 1).first
    }

    /// Renames a conversation. Throws `.notFound` if it does not exist.
    public func renameConversation(_ id: ConversationID, to title: String) throws(SessionStoreError) {
        try updateConversation(id, set: "title = ?", StoredText(storeRedact(title)))
    }

    /// Sets the model that new replies in the conversation use.
    public func setModel(_ model: String, for id: ConversationID) throws(SessionStoreError) {
        try updateConversation(id, set: "model = ?", StoredText(model))
    }

    /// Sets or clears (`nil`) the conversation's system prompt.
    public func setSystemPrompt(_ prompt: String?, for id: ConversationID) throws(SessionStoreError) {
        try updateConversation(id, set: "system_prompt = ?", StoredText.bind(redactedText(prompt)))
    }

    private func updateConversation(_ id: ConversationID, set assignment: String, _ value: StoredText?)
        throws(SessionStoreError)
    {
        let now = nowMilliseconds
        let changed = try write { db in
            try db.execute(
                sql: "UPDATE conversations SET \(assignment), updated_at = ? WHERE id = ?",
                arguments: [value, now, id.rawValue])
            return db.changesCount
        }
        if changed == 0 { throw Self.noConversation(id) }
    }

    /// Deletes a conversation with its messages (and their search entries) and its draft.
    /// Throws `.notFound` if it does not exist.
    public func deleteConversation(_ id: ConversationID) throws(SessionStoreError) {
        let changed = try write { db in
            try db.execute(sql: "DELETE FROM conversations WHERE id = ?", arguments: [id.rawValue])
            return db.changesCount
        }
        if changed == 0 { throw Self.noConversation(id) }
    }

    static func noConversation(_ id: ConversationID) -> SessionStoreError {
        SessionStoreError(.notFound, path: nil, reason: "no conversation \(id)")
    }

    // MARK: Drafts

    /// Saves the composer's text for a conversation; empty text deletes the draft.
    /// Does not change the conversation's `updatedAt`.
    public func saveDraft(_ text: String, for id: ConversationID) throws(SessionStoreError) {
        let now = nowMilliseconds
        let exists = try write { db -> Bool in
            guard
                try Bool.fetchOne(db, sql: "SELECT 1 FROM conversations WHERE id = ?", arguments: [id.rawValue]) != nil
            else { return false }
            if text.isEmpty {
                try db.execute(sql: "DELETE FROM drafts WHERE conversation_id = ?", arguments: [id.rawValue])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
                        """, arguments: [id.rawValue, StoredText(storeRedact(text)), now])
            }
            return true
        }
        if !exists { throw Self.noConversation(id) }
    }

    /// The saved draft, or `nil` when there is none.
    public func draft(for id: ConversationID) throws(SessionStoreError) -> String? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT text FROM drafts WHERE conversation_id = ?", arguments: [id.rawValue])
                .flatMap { StoredText.read($0, 0) }
        }
    }
}
