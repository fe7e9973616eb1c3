import GRDB

/// The versioned schema. Migrations are frozen once released: a change is a new migration.
///
/// Each migration runs in its own transaction (GRDB's `DatabaseMigrator`), so one that fails
/// midway is rolled back and leaves the previous schema and data untouched.
///
/// - `palaver-v1-core`: conversations and messages (content as JSON text, status, usage,
///   writer bookkeeping for streaming rows), and the chunks of text streamed since a streaming
///   row's content was last written whole.
/// - `palaver-v2-drafts`: one composer draft per conversation.
/// - `palaver-v3-search`: a `text` column on messages (the text of the text blocks, backfilled
///   from existing content) and the FTS5 index over it, kept in sync by triggers. Rows that are
///   still `streaming` are not indexed; they are indexed when they complete or are interrupted.
/// - `palaver-v4-replies`: `messages.reply_to`, the id of the user message a reply answers, so
///   replies to prompts sent at once from two processes are paired right whatever their order.
///   `NULL` in rows written before it (and imports without it): such a reply answers the nearest
///   user message before it. No foreign key: ids are never reused and a conversation's messages
///   are deleted together, and a key would make every delete scan for children.
/// - `palaver-v5-branches`: messages form a tree. `parent_id` is the message a message follows
///   (`NULL` for a first prompt); `depth` is its position along its own path (1 for a first
///   prompt, the parent's `depth` + 1 otherwise); `position` keeps its meaning of creation order
///   (unique per conversation, never reused). The conversation's *active path* (what the chat
///   shows, `ask -c` continues and the API is sent) is stored as a flag, `on_path = 1`, on each
///   of its messages: one per depth from 1 to the active leaf, each the parent of the next. A
///   flag rather than only an active-leaf id, so the path is read as a range of the partial
///   index `messages_active_path (conversation_id, depth)` exactly as positions were read
///   before, at the same cost whatever the conversation's length; moving the path rewrites
///   only the flags below the branch point. `messages_by_parent` lists a message's children
///   (siblings, in creation order). The migration turns every conversation into one path:
///   each message's parent is the message before it in position order (a reply keeps the
///   prompt it records in `reply_to`, which may be further up), and the active leaf is the last
///   message. No foreign key on `parent_id`, as for `reply_to`.
enum Schema {
    static let migrationPrefix = "palaver-"

    /// Registered migrations in order; tests register extra ones after these.
    static func migrator(extra: [(String, @Sendable (Database) throws -> Void)] = []) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("palaver-v1-core", migrate: v1Core)
        migrator.registerMigration("palaver-v2-drafts", migrate: v2Drafts)
        migrator.registerMigration("palaver-v3-search", migrate: v3Search)
        migrator.registerMigration("palaver-v4-replies", migrate: v4Replies)
        migrator.registerMigration("palaver-v5-branches", migrate: v5Branches)
        for (identifier, migrate) in extra {
            migrator.registerMigration(identifier, migrate: migrate)
        }
        return migrator
    }

    static let firstVersion = "palaver-v1-core"
    static let latestVersion = "palaver-v5-branches"

    @Sendable static func v1Core(_ db: Database) throws {
        // Timestamps are integer milliseconds since 1970 UTC. AUTOINCREMENT keeps ids from being
        // reused after a delete, so a stale id never names another conversation.
        try db.execute(
            sql: """
                CREATE TABLE conversations (
                    id            INTEGER PRIMARY KEY AUTOINCREMENT,
                    title         TEXT    NOT NULL DEFAULT '',
                    model         TEXT    NOT NULL,
                    system_prompt TEXT,
                    created_at    INTEGER NOT NULL,
                    updated_at    INTEGER NOT NULL
                );
                CREATE INDEX conversations_by_recency ON conversations (updated_at DESC, id DESC);

                CREATE TABLE messages (
                    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id             INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                    position                    INTEGER NOT NULL,
                    role                        TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
                    content                     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(content)),
                    status                      TEXT    NOT NULL
                        CHECK (status IN ('pending', 'streaming', 'complete', 'interrupted', 'failed')),
                    model                       TEXT,
                    request_id                  TEXT,
                    input_tokens                INTEGER,
                    output_tokens               INTEGER,
                    cache_creation_input_tokens INTEGER,
                    cache_read_input_tokens     INTEGER,
                    stop_reason                 TEXT,
                    error_summary               TEXT,
                    created_at                  INTEGER NOT NULL,
                    updated_at                  INTEGER NOT NULL,
                    owner_pid                   INTEGER,
                    owner_start                 TEXT,
                    heartbeat_at                INTEGER,
                    UNIQUE (conversation_id, position)
                );
                CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

                -- Text streamed into a `streaming` message since its content was last written whole:
                -- its content is `messages.content` with these appended in `seq` order (to the last
                -- block when that is a text block, else as a new text block). Checkpoints append
                -- here, so each costs what arrived, not the whole reply. Finishing, recovering or
                -- changing the status folds them into `content` and deletes them.
                CREATE TABLE message_chunks (
                    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                    seq        INTEGER NOT NULL,
                    text       TEXT    NOT NULL,
                    PRIMARY KEY (message_id, seq)
                ) WITHOUT ROWID;
                """)
    }

    @Sendable static func v2Drafts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE drafts (
                    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
                    text            TEXT    NOT NULL,
                    updated_at      INTEGER NOT NULL
                );
                """)
    }

    @Sendable static func v4Replies(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE messages ADD COLUMN reply_to INTEGER")
    }

    @Sendable static func v5Branches(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE messages ADD COLUMN parent_id INTEGER;
                ALTER TABLE messages ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE messages ADD COLUMN on_path INTEGER NOT NULL DEFAULT 0;
                """)
        // One pass in position order per conversation: the parent is the message before it; the
        // last message is the active leaf.
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, conversation_id FROM messages ORDER BY conversation_id, position")
        let update = try db.makeStatement(sql: "UPDATE messages SET parent_id = ?, depth = ? WHERE id = ?")
        let mark = try db.makeStatement(sql: "UPDATE messages SET on_path = 1 WHERE id = ?")
        var conversation: Int64?
        var previous: Int64?
        var nodes: [Int64: (parent: Int64?, depth: Int)] = [:]
        func markPath() throws {
            var next = previous
            while let id = next, let node = nodes[id] {
                try mark.execute(arguments: [id])
                next = node.parent
            }
        }
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let owner: Int64 = row[1]
            if owner != conversation {
                try markPath()
                conversation = owner
                previous = nil
                nodes = [:]
            }
            let parent = previous
            let depth = (parent.flatMap { nodes[$0]?.depth } ?? 0) + 1
            nodes[id] = (parent, depth)
            try update.execute(arguments: [parent, depth, id])
            previous = id
        }
        try markPath()
        try db.execute(
            sql: """
                CREATE UNIQUE INDEX messages_active_path ON messages (conversation_id, depth) WHERE on_path = 1;
                CREATE INDEX messages_by_parent ON messages (conversation_id, parent_id, position);
                """)
    }

    @Sendable static func v3Search(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE messages ADD COLUMN text TEXT NOT NULL DEFAULT ''")
        // Backfill with the same function the store uses when it writes, not an SQL imitation.
        let rows = try Row.fetchCursor(db, sql: "SELECT id, content FROM messages")
        let update = try db.makeStatement(sql: "UPDATE messages SET text = ? WHERE id = ?")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let content: String = row[1]
            let text = StoredContent(stored: content).text
            if !text.isEmpty { try update.execute(arguments: [text, id]) }
        }
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE message_search USING fts5 (
                    text,
                    content = 'messages',
                    content_rowid = 'id',
                    tokenize = 'unicode61 remove_diacritics 2'
                );
                INSERT INTO message_search (rowid, text) SELECT id, text FROM messages WHERE status <> 'streaming';

                CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
                WHEN new.status <> 'streaming' BEGIN
                    INSERT INTO message_search (rowid, text) VALUES (new.id, new.text);
                END;

                CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
                WHEN old.status <> 'streaming' BEGIN
                    INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.id, old.text);
                END;

                -- One trigger, two guarded statements, so the old entry is always removed before the
                -- new one is added (separate triggers would fire in an unspecified order).
                CREATE TRIGGER messages_search_update AFTER UPDATE OF text, status ON messages BEGIN
                    INSERT INTO message_search (message_search, rowid, text)
                        SELECT 'delete', old.id, old.text WHERE old.status <> 'streaming';
                    INSERT INTO message_search (rowid, text)
                        SELECT new.id, new.text WHERE new.status <> 'streaming';
                END;
                """)
    }
}
