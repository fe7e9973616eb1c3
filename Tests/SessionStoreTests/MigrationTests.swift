import Foundation
import GRDB
import TestSupport
import Testing

@testable import SessionStore

@Suite("Schema migrations")
struct MigrationTests {
    private func openAtFirstVersion(_ path: String) throws {
        var options = SessionStore.Options()
        options.migrationTarget = Schema.firstVersion
        try SessionStore(path: path, options: options).close()
    }

    @Test func firstSchemaWithDataMigratesToTheLatest() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        try openAtFirstVersion(dir.database)
        // Data written by the first schema, in its own shape (no `text` column, no drafts).
        try withRawDatabase(dir.database) { db in
            #expect(try db.columns(in: "messages").contains { $0.name == "text" } == false)
            #expect(try db.tableExists("drafts") == false)
            try db.execute(
                sql: """
                    INSERT INTO conversations (id, title, model, system_prompt, created_at, updated_at)
                    VALUES (7, 'Old talk', 'claude-old', 'Be brief.', 1000, 2000);
                    INSERT INTO messages (conversation_id, position, role, content, status, created_at, updated_at)
                    VALUES (7, 1, 'user', '[{"text":"Bonjour, où est la gare?","type":"text"}]', 'complete', 1000, 1000);
                    INSERT INTO messages (conversation_id, position, role, content, status, model, output_tokens,
                                          stop_reason, created_at, updated_at)
                    VALUES (7, 2, 'assistant', '[{"text":"La gare est à gauche.","type":"text"}]', 'complete',
                            'claude-old', 12, 'end_turn', 1500, 2000);
                    INSERT INTO messages (conversation_id, position, role, content, status, owner_pid, heartbeat_at,
                                          created_at, updated_at)
                    VALUES (7, 3, 'assistant', '[{"text":"Half a rep","type":"text"}]', 'streaming', 999999999, 1500, 1600, 1600);
                    """)
        }

        let store = try SessionStore(path: dir.database)
        try withRawDatabase(dir.database) { db in
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            #expect(
                applied == [
                    "palaver-v1-core", "palaver-v2-drafts", "palaver-v3-search", "palaver-v4-replies",
                    "palaver-v5-branches",
                ])
        }
        let conversation = try #require(try store.conversation(ConversationID(7)))
        #expect(conversation.title == "Old talk")
        #expect(conversation.systemPrompt == "Be brief.")
        #expect(conversation.createdAt == Date(timeIntervalSince1970: 1))
        let messages = try store.lastMessages(in: conversation.id, limit: 10)
        #expect(messages.map(\.text) == ["Bonjour, où est la gare?", "La gare est à gauche.", "Half a rep"])
        #expect(messages[1].usage?.output == 12)
        #expect(messages[1].stopReason == "end_turn")
        // Replies stored before v4 record no prompt: they answer the nearest one before them.
        #expect(messages.allSatisfy { $0.replyTo == nil })
        #expect(try store.userMessage(answeredBy: messages[1].id)?.id == messages[0].id)
        // The streaming row of a dead process was recovered on open, after migrating.
        #expect(messages[2].status == .interrupted)
        // Backfilled text is searchable; the new tables work.
        #expect(try store.search("gare").map(\.position).sorted() == [1, 2])
        #expect(try store.search("rep").map(\.position) == [3])
        try store.saveDraft("draft after migration", for: conversation.id)
        #expect(try store.draft(for: conversation.id) == "draft after migration")
        let next = try store.appendUserMessage(to: conversation.id, text: "Merci")
        #expect(next.position == 4)
    }

    @Test func repliesSchemaMigratesToOnePathPerConversation() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        var options = SessionStore.Options()
        options.migrationTarget = "palaver-v4-replies"
        try SessionStore(path: dir.database, options: options).close()
        // Written by the v4 schema: no tree columns. Conversation 1: a prompt, an interrupted
        // reply and its retry (both recording the prompt), a prompt, a reply recording none
        // (stored before v4). Conversation 2: two prompts sent at once, each reply recording its
        // own. Conversation 3: empty.
        try withRawDatabase(dir.database) { db in
            #expect(try db.columns(in: "messages").contains { $0.name == "parent_id" } == false)
            func text(_ s: String) -> String { #"[{"text":"\#(s)","type":"text"}]"# }
            try db.execute(
                sql: """
                    INSERT INTO conversations (id, title, model, created_at, updated_at) VALUES
                        (1, 'retried', 'm', 1, 1), (2, 'interleaved', 'm', 1, 1), (3, 'empty', 'm', 1, 1);
                    INSERT INTO messages (id, conversation_id, position, role, content, text, status, reply_to,
                                          created_at, updated_at) VALUES
                        (10, 1, 1, 'user', ?, 'q1', 'complete', NULL, 1, 1),
                        (11, 1, 2, 'assistant', ?, 'cut', 'interrupted', 10, 1, 1),
                        (12, 1, 3, 'assistant', ?, 'a1', 'complete', 10, 1, 1),
                        (13, 1, 4, 'user', ?, 'q2', 'complete', NULL, 1, 1),
                        (14, 1, 5, 'assistant', ?, 'a2', 'complete', NULL, 1, 1),
                        (20, 2, 1, 'user', ?, 'A', 'complete', NULL, 1, 1),
                        (21, 2, 2, 'user', ?, 'B', 'complete', NULL, 1, 1),
                        (22, 2, 3, 'assistant', ?, 'to A', 'complete', 20, 1, 1),
                        (23, 2, 4, 'assistant', ?, 'to B', 'complete', 21, 1, 1);
                    """,
                arguments: [
                    text("q1"), text("cut"), text("a1"), text("q2"), text("a2"), text("A"), text("B"), text("to A"),
                    text("to B"),
                ])
        }
        let store = try SessionStore(path: dir.database)
        // The migration's writes were checkpointed into the database and the WAL truncated, so
        // the next open does not read them all again.
        let wal = try FileManager.default.attributesOfItem(atPath: dir.database + "-wal")
        #expect((wal[.size] as? NSNumber)?.intValue == 0)
        let retried = try store.allMessages(in: ConversationID(1))
        // One path: each message follows the one before it; replies keep their prompt.
        #expect(retried.map { $0.parentID?.rawValue } == [nil, 10, 11, 12, 13])
        #expect(retried.map(\.position) == [1, 2, 3, 4, 5])
        #expect(retried.map(\.replyTo?.rawValue) == [nil, 10, 10, nil, nil])
        #expect(retried.allSatisfy { $0.siblingCount == 1 })
        #expect(
            try store.lastMessages(in: ConversationID(1), limit: 10).map(\.text) == ["q1", "cut", "a1", "q2", "a2"])
        #expect(try store.messages(in: ConversationID(1), before: 3, limit: 10).map(\.text) == ["q1", "cut"])
        #expect(try store.messageCount(in: ConversationID(1)) == 5)
        #expect(try store.siblings(of: MessageID(12)) == Siblings(ids: [MessageID(12)], index: 0))
        #expect(try store.userMessage(answeredBy: MessageID(12))?.id == MessageID(10))
        #expect(try store.userMessage(answeredBy: MessageID(14))?.id == MessageID(13))
        let interleaved = try store.allMessages(in: ConversationID(2))
        #expect(interleaved.map { $0.parentID?.rawValue } == [nil, 20, 21, 22])
        #expect(try store.lastMessages(in: ConversationID(2), limit: 10).map(\.text) == ["A", "B", "to A", "to B"])
        #expect(try store.userMessage(answeredBy: MessageID(22))?.id == MessageID(20))
        #expect(try store.lastMessages(in: ConversationID(3), limit: 10).isEmpty)
        #expect(try store.messageCount(in: ConversationID(3)) == 0)
        // The migrated conversation of one path exports as before (version 1, no tree fields).
        let exported = try store.export(ConversationID(1), format: .json)
        #expect(exported.contains(#""version":1"#) && !exported.contains("parent"))
        // And it goes on from its active leaf.
        let next = try store.appendUserMessage(to: ConversationID(1), text: "q3")
        #expect(next.parentID == MessageID(14) && next.position == 6)
        #expect(try store.lastMessages(in: ConversationID(3), limit: 10).isEmpty)
        let first = try store.appendUserMessage(to: ConversationID(3), text: "hello")
        #expect(first.parentID == nil && first.position == 1)
    }

    @Test func migrationThatFailsMidwayLeavesTheOldSchemaUsable() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(title: "before", model: "m")
        try store.appendUserMessage(to: conversation.id, text: "kept through a failed migration", status: .complete)
        try store.close()
        let schemaBefore = try withRawDatabase(dir.database) { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }

        struct Boom: Error {}
        var options = SessionStore.Options()
        options.extraMigrations = [
            (
                "palaver-v4-broken",
                { db in
                    try db.execute(sql: "ALTER TABLE messages ADD COLUMN doomed TEXT")
                    try db.execute(sql: "CREATE TABLE half_done (x INTEGER)")
                    try db.execute(sql: "UPDATE messages SET content = '[]'")
                    throw Boom()
                }
            )
        ]
        let error = expectStoreError(.migrationFailed) { _ = try SessionStore(path: dir.database, options: options) }
        #expect(error?.description.contains("palaver-v4-broken") == true)
        #expect(error?.description.contains(dir.database) == true)

        let schemaAfter = try withRawDatabase(dir.database) { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        #expect(schemaAfter == schemaBefore)
        let reopened = try SessionStore(path: dir.database)
        let messages = try reopened.lastMessages(in: conversation.id, limit: 5)
        #expect(messages.map(\.text) == ["kept through a failed migration"])
        try reopened.appendUserMessage(to: conversation.id, text: "still writable")
        #expect(try reopened.messageCount(in: conversation.id) == 2)
    }
}
