import Foundation
import PlainJSON
import TestSupport
import Testing

@testable import SessionStore

@Suite("Export and import")
struct ExportImportTests {
    /// A conversation with everything export must carry: non-ASCII, tool use, thinking,
    /// usage, every status, an error summary, a system prompt.
    private func richConversation(_ store: SessionStore, clock: TestWallClock) throws -> Conversation {
        let conversation = try store.createConversation(
            title: "Zürich ☂︎ «trip» 東京", model: "claude-sonnet",
            systemPrompt: "Answer in French.\nBe \"brief\".")
        clock.advance(by: 1.5)
        try store.appendUserMessage(
            to: conversation.id, text: "Quel temps fait-il à Zürich? 🌦️\n\tTabs, \"quotes\", \\ and \u{1}",
            status: .complete)
        clock.advance(by: 0.25)
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "claude-sonnet")
        let blocks: [Block] = [
            .thinking("L'utilisateur veut la météo.", signature: "EqQBCkYIARgCKkD/sig+=="),
            .text("Je vérifie."),
            .toolUse(
                id: "toolu_01A", name: "get_weather",
                input: .object([
                    "city": .string("Zürich"), "days": .int(3), "ratio": .double(0.25),
                    "nested": .array([.bool(true), .null, .string("ünïcödé ✓")]),
                ])),
            .redactedThinking(data: "opaque=="),
            .other(
                type: "server_tool_use",
                json: .object([
                    "type": .string("server_tool_use"), "id": .string("srv_1"),
                    "extra": .object(["k": .int(-7)]),
                ])),
        ]
        clock.advance(by: 0.75)
        try store.finishAssistantMessage(
            reply.id, content: StoredContent(blocks),
            usage: TokenCounts(input: 120, output: 45, cacheWrite: 0, cacheRead: 99),
            stopReason: "tool_use", requestID: "req_01XYZ")
        clock.advance(by: 2)
        try store.appendUserMessage(to: conversation.id, text: "Et demain ?", status: .complete)
        let cut = try store.beginAssistantMessage(in: conversation.id, model: "claude-sonnet")
        try store.finishAssistantMessage(cut.id, content: StoredContent([.text("Demain, il va")]), status: .interrupted)
        try store.appendUserMessage(to: conversation.id, text: "Allô ?", status: .complete)
        let failed = try store.beginAssistantMessage(in: conversation.id, model: "claude-sonnet")
        try store.finishAssistantMessage(
            failed.id, content: .empty, requestID: "req_02", status: .failed,
            errorSummary: "overloaded_error (529): Overloaded")
        try store.appendUserMessage(to: conversation.id, text: "never sent")
        return try #require(try store.conversation(conversation.id))
    }

    @Test func jsonRoundTripsToIdenticalBytes() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        let original = try richConversation(store, clock: clock)
        let exported = try store.export(original.id, format: .json)

        clock.advance(by: 3600) // import later: the copy must keep the original times
        let imported = try store.importConversation(json: exported)
        #expect(imported.id != original.id)
        #expect(imported.title == original.title)
        #expect(imported.createdAt == original.createdAt)
        #expect(imported.updatedAt == original.updatedAt)
        let reexported = try store.export(imported.id, format: .json)
        #expect(reexported == exported)

        // And through a different database, too.
        let elsewhere = try SessionStore(path: dir.path("other.sqlite"))
        let copy = try elsewhere.importConversation(json: reexported)
        #expect(try elsewhere.export(copy.id, format: .json) == exported)

        // The stored messages are the same, field by field.
        let a = try store.lastMessages(in: original.id, limit: 100)
        let b = try store.lastMessages(in: imported.id, limit: 100)
        #expect(a.count == 7)
        for (x, y) in zip(a, b) {
            #expect(x.content == y.content)
            #expect(x.status == y.status)
            #expect(x.usage == y.usage)
            #expect(x.position == y.position)
            #expect(x.createdAt == y.createdAt)
            #expect(x.errorSummary == y.errorSummary)
            #expect(x.requestID == y.requestID)
        }
        // Imported text is searchable.
        #expect(try store.search("Zürich").count == 2)
    }

    @Test func jsonShape() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock(Date(timeIntervalSince1970: 1_767_225_600.5)) // 2026-01-01T00:00:00.500Z
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        let conversation = try store.createConversation(title: "Shape", model: "m")
        try store.appendUserMessage(to: conversation.id, text: "hi", status: .complete)
        let json = try store.export(conversation.id, format: .json)
        #expect(
            json == """
                {"conversation":{"created_at":"2026-01-01T00:00:00.500Z","model":"m","system_prompt":null,"title":"Shape",\
                "updated_at":"2026-01-01T00:00:00.500Z"},"format":"palaver.conversation","messages":[{"content":\
                [{"text":"hi","type":"text"}],"created_at":"2026-01-01T00:00:00.500Z","error_summary":null,"in_reply_to":null,"model":null,\
                "position":1,"request_id":null,"role":"user","status":"complete","stop_reason":null,\
                "updated_at":"2026-01-01T00:00:00.500Z","usage":null}],"version":1}

                """)
    }

    @Test func markdownShowsTitleModelPromptTurnsAndMarks() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        let conversation = try richConversation(store, clock: clock)
        let markdown = try store.export(conversation.id, format: .markdown)
        #expect(markdown.hasPrefix("# Zürich ☂︎ «trip» 東京\n\n- Model: `claude-sonnet`\n"))
        #expect(markdown.contains("## System prompt\n\n> Answer in French.\n> Be \"brief\".\n"))
        #expect(markdown.contains("### 1 · User · "))
        #expect(markdown.contains("Quel temps fait-il à Zürich? 🌦️"))
        #expect(markdown.contains("### 2 · Assistant · `claude-sonnet` · "))
        #expect(markdown.contains("**Tool call** `get_weather`\n\n```json\n{\"city\":\"Zürich\""))
        #expect(markdown.contains("<details><summary>Thinking</summary>"))
        #expect(markdown.contains("### 4 · Assistant · `claude-sonnet` · ⚠ interrupted"))
        #expect(markdown.contains("> **Interrupted:** this reply stopped before it finished."))
        #expect(markdown.contains("### 6 · Assistant · `claude-sonnet` · ✗ failed"))
        #expect(markdown.contains("> **Failed:** overloaded_error (529): Overloaded"))
        #expect(markdown.contains("### 7 · User · not sent"))
        #expect(markdown.contains("- Messages: 7"))
    }

    @Test func unknownConversationCannotBeExported() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        #expect(expectStoreError(.notFound) { _ = try store.export(ConversationID(5), format: .json) } != nil)
    }

    @Test(arguments: [
        "not json",
        "[]",
        #"{"format":"something-else","version":1}"#,
        #"{"format":"palaver.conversation","version":2}"#,
        #"{"format":"palaver.conversation","version":1,"conversation":{"title":"t","model":"m","created_at":"yesterday","updated_at":"2026-01-01T00:00:00.000Z"},"messages":[]}"#,
        #"{"format":"palaver.conversation","version":1,"conversation":{"title":"t","model":"m","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"},"messages":[{"position":1,"role":"system","status":"complete","content":[],"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"}]}"#,
        #"{"format":"palaver.conversation","version":1,"conversation":{"title":"t","model":"m","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"},"messages":[{"position":2,"role":"user","status":"complete","content":[],"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"},{"position":2,"role":"user","status":"complete","content":[],"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"}]}"#,
        #"{"format":"palaver.conversation","version":1,"conversation":{"title":"t","model":"m","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"},"messages":[{"position":1,"role":"user","status":"complete","content":"hi","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"}]}"#,
    ])
    func invalidImportsAreRefusedAndStoreNothing(_ json: String) throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        #expect(expectStoreError(.invalidImport) { _ = try store.importConversation(json: json) } != nil)
        #expect(try store.conversationCount() == 0)
    }

    @Test func aStreamingRowImportsAsInterrupted() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        checkpointer.appendText("half")
        try checkpointer.flush()
        let json = try store.export(conversation.id, format: .json)
        #expect(json.contains("\"status\":\"streaming\""))
        let copy = try store.importConversation(json: json)
        #expect(try store.lastMessages(in: copy.id, limit: 1).first?.status == .interrupted)
        try checkpointer.finish()
    }

    @Test func timestampsFormatAndParseExactly() {
        for ms: Int64 in [0, 1, 999, 1_767_225_600_500, 951_782_400_000, 4_102_444_799_999, 1_790_000_000_123] {
            let text = Timestamp.iso8601(ms)
            #expect(Timestamp.parseISO8601(text) == ms, "\(text)")
        }
        #expect(Timestamp.iso8601(951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.iso8601(1_767_225_600_500) == "2026-01-01T00:00:00.500Z")
        #expect(Timestamp.parseISO8601("2026-01-01T00:00:00Z") == 1_767_225_600_000)
        #expect(Timestamp.parseISO8601("2026-13-01T00:00:00.000Z") == nil)
        #expect(Timestamp.parseISO8601("2026-01-01 00:00:00.000Z") == nil)
    }
}
