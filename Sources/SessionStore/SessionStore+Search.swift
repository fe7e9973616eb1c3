import GRDB

extension SessionStore {
    /// Full-text search over every finished message (FTS5, Unicode-aware, diacritics ignored),
    /// newest first (most recently stored message first; FTS5 walks its index in that order and
    /// stops at `limit`, so a common word costs the same as a rare one). Any text is safe to pass: each whitespace-separated word becomes a
    /// quoted FTS5 phrase (quotes doubled), and the phrases must all match, so `*`, `"`, `-`,
    /// `AND`, `NEAR(` and the like are searched for as words, never parsed as query syntax.
    /// Words with no letters or digits are ignored; a query with none returns no hits.
    /// Messages still `streaming` are indexed once they complete or are interrupted.
    public func search(_ text: String, limit: Int = 50, highlight: (open: String, close: String) = ("[", "]"))
        throws(SessionStoreError) -> [SearchHit]
    {
        try Self.requireLimit(limit)
        guard let query = Self.ftsQuery(text) else { return [] }
        try searchIndex.ensureChecked(pool, path: path)
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.conversation_id, c.title, m.id, m.position, m.role,
                           snippet(message_search, 0, ?, ?, '…', 16)
                    FROM message_search
                    JOIN messages m ON m.id = message_search.rowid
                    JOIN conversations c ON c.id = m.conversation_id
                    WHERE message_search MATCH ?
                    ORDER BY message_search.rowid DESC
                    LIMIT ?
                    """, arguments: [highlight.open, highlight.close, query, limit]
            ).map { row in
                SearchHit(
                    conversationID: ConversationID(row[0]), conversationTitle: StoredText.read(row, 1) ?? "",
                    messageID: MessageID(row[2]),
                    position: row[3], role: MessageRole(rawValue: row[4]) ?? .user, snippet: row[5] ?? "")
            }
        }
    }

    /// The FTS5 query for user text: every word a quoted phrase, all required. `nil` when
    /// nothing searchable is left.
    static func ftsQuery(_ text: String) -> String? {
        let phrases = text.split(whereSeparator: { $0.isWhitespace || $0 == "\0" })
            .filter { $0.contains(where: { $0.isLetter || $0.isNumber }) }
            .map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }
        return phrases.isEmpty ? nil : phrases.joined(separator: " ")
    }
}
