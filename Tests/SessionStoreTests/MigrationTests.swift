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
            #expect(applied == ["palaver-v1-core", "palaver-v2-drafts", "palaver-v3-search", "palaver-v4-replies"])
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
