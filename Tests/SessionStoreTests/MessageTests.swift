import Foundation
import GRDB
import PlainJSON
import TestSupport
import Testing

@testable import SessionStore

@Suite("Messages")
struct MessageTests {
    @Test func userMessageIsStoredPendingThenCompleteOrFailed() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(title: "t", model: "claude-x")
        let first = try store.appendUserMessage(to: conversation.id, text: "What is 2+2?")
        #expect(first.status == .pending)
        #expect(first.position == 1)
        #expect(first.role == .user)
        #expect(first.content == StoredContent([.text("What is 2+2?")]))
        try store.setStatus(of: first.id, to: .complete)
        #expect(try store.message(first.id)?.status == .complete)

        let second = try store.appendUserMessage(to: conversation.id, text: "And 3+3?")
        try store.setStatus(of: second.id, to: .failed, errorSummary: "offline: could not resolve api.anthropic.com")
        let failed = try #require(try store.message(second.id))
        #expect(failed.status == .failed)
        #expect(failed.errorSummary == "offline: could not resolve api.anthropic.com")
        #expect(failed.position == 2)
        #expect(expectStoreError(.notFound) { try store.setStatus(of: MessageID(999), to: .complete) } != nil)
        #expect(expectStoreError(.notFound) { try store.appendUserMessage(to: ConversationID(999), text: "x") } != nil)
        #expect(
            expectStoreError(.invalidArgument) {
                try store.appendUserMessage(to: conversation.id, text: "x", status: .streaming)
            } != nil)
        #expect(expectStoreError(.invalidArgument) { try store.setStatus(of: first.id, to: .streaming) } != nil)
        #expect(expectStoreError(.notFound) { try store.finishAssistantMessage(first.id, content: .empty) } != nil)
        #expect(try store.message(first.id)?.status == .complete)
    }

    @Test func assistantReplyStreamsThenFinishesWithEverything() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "claude-x")
        try store.appendUserMessage(to: conversation.id, text: "Use the tool", status: .complete)
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "claude-x")
        #expect(reply.status == .streaming)
        #expect(reply.owner?.pid == getpid())
        #expect(reply.owner?.heartbeatAt != nil)
        #expect(reply.position == 2)

        let content: [Block] = [
            .thinking("Let me look.", signature: "c2lnbmF0dXJl"),
            .text("Checking the weather."),
            .toolUse(id: "toolu_01", name: "weather", input: .object(["city": .string("Zürich"), "days": .int(3)])),
        ]
        let usage = TokenCounts(input: 10, output: 20, cacheWrite: 3, cacheRead: 4)
        let done = try store.finishAssistantMessage(
            reply.id, content: StoredContent(content), usage: usage, stopReason: "tool_use",
            requestID: "req_011", status: .complete)
        #expect(done.status == .complete)
        #expect(done.content == StoredContent(content))
        #expect(done.usage == usage)
        #expect(done.stopReason == "tool_use")
        #expect(done.requestID == "req_011")
        #expect(done.model == "claude-x")
        #expect(done.owner == nil)
        #expect(done.text == "Checking the weather.")
        #expect(
            expectStoreError(.invalidArgument) {
                try store.finishAssistantMessage(reply.id, content: nil, status: .pending)
            } != nil)
    }

    @Test func failedReplyKeepsItsPartialContentWhenContentIsNil() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id)
        checkpointer.appendText("partial answer")
        try checkpointer.flush()
        let failed = try store.finishAssistantMessage(
            reply.id, content: nil, status: .failed,
            errorSummary: "overloaded (529)")
        #expect(failed.text == "partial answer")
        #expect(failed.status == .failed)
        #expect(failed.errorSummary == "overloaded (529)")
    }

    @Test func retryFindsTheUserMessageAReplyAnswered() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let q1 = try store.appendUserMessage(to: conversation.id, text: "first question", status: .complete)
        let a1 = try store.beginAssistantMessage(in: conversation.id, model: "m")
        try store.finishAssistantMessage(a1.id, content: StoredContent([.text("first answer")]))
        let q2 = try store.appendUserMessage(to: conversation.id, text: "second question", status: .complete)
        let a2 = try store.beginAssistantMessage(in: conversation.id, model: "m")
        try store.finishAssistantMessage(a2.id, content: StoredContent([.text("half")]), status: .interrupted)
        #expect(try store.userMessage(answeredBy: a2.id)?.id == q2.id)
        #expect(try store.userMessage(answeredBy: a1.id)?.id == q1.id)
        #expect(try store.userMessage(answeredBy: q1.id) == nil)
        #expect(try store.userMessage(answeredBy: MessageID(999)) == nil)
        #expect(try store.message(a2.id)?.status.isRetryable == true)
    }

    @Test func windowsPageBackwardAndForwardWithoutGaps() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let other = try store.createConversation(model: "m")
        try store.pool.write { db in
            // 1,000 rows quickly, straight into the table (the API appends one transaction each):
            // one path, each message the parent of the next.
            var parent: Int64?
            for i in 1...1000 {
                try db.execute(
                    sql: """
                        INSERT INTO messages (conversation_id, position, role, content, text, status, created_at, updated_at,
                                              parent_id, depth, on_path)
                        VALUES (?, ?, 'user', ?, ?, 'complete', 0, 0, ?, ?, 1)
                        """,
                    arguments: [
                        conversation.id.rawValue, i, "[{\"text\":\"m\(i)\",\"type\":\"text\"}]", "m\(i)", parent, i,
                    ])
                parent = db.lastInsertedRowID
            }
        }
        try store.appendUserMessage(to: other.id, text: "elsewhere")
        let last = try store.lastMessages(in: conversation.id, limit: 200)
        #expect(last.map(\.position) == Array(801...1000))
        #expect(last.first?.text == "m801")
        let before = try store.messages(in: conversation.id, before: 801, limit: 200)
        #expect(before.map(\.position) == Array(601...800))
        #expect(try store.messages(in: conversation.id, before: 3, limit: 200).map(\.position) == [1, 2])
        #expect(try store.messages(in: conversation.id, after: 0, limit: 3).map(\.position) == [1, 2, 3])
        #expect(try store.messages(in: conversation.id, after: 998, limit: 10).map(\.position) == [999, 1000])
        #expect(try store.messageCount(in: conversation.id) == 1000)
        #expect(try store.appendUserMessage(to: conversation.id, text: "next").position == 1001)
    }

    @Test func windowQueriesUseTheActivePathIndexAndNoSort() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        for sql in [SessionStore.windowBeforeSQL, SessionStore.windowAfterSQL] {
            let plan = try store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: [1, 1, 1]).map {
                    $0["detail"] as String
                }
            }
            // The path is a range of the partial index, as positions were of the unique one.
            #expect(
                plan.contains {
                    $0.contains("USING INDEX messages_active_path (conversation_id=? AND depth")
                }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            // Each row's place among its siblings is counted in the parent index, never a scan.
            #expect(
                plan.filter { $0.contains("messages_by_parent (conversation_id=? AND parent_id=?") }.count == 2,
                "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
        let listPlan = try store.pool.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT id FROM conversations ORDER BY updated_at DESC, id DESC LIMIT 50"
            )
            .map { $0["detail"] as String }
        }
        #expect(listPlan.contains { $0.contains("conversations_by_recency") }, "\(listPlan)")
    }
}
