import Foundation
import TestSupport
import Testing

@testable import SessionStore

@Suite("Conversations and drafts")
struct ConversationTests {
    @Test func createGetRenameAndSettings() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        let created = try store.createConversation(
            title: "Rust lifetimes", model: "claude-a", systemPrompt: "Be terse.")
        #expect(created.createdAt == created.updatedAt)
        #expect(try store.conversation(created.id) == created)

        clock.advance(by: 5)
        try store.renameConversation(created.id, to: "Lifetimes, explained")
        try store.setModel("claude-b", for: created.id)
        try store.setSystemPrompt(nil, for: created.id)
        let changed = try #require(try store.conversation(created.id))
        #expect(changed.title == "Lifetimes, explained")
        #expect(changed.model == "claude-b")
        #expect(changed.systemPrompt == nil)
        #expect(sameMillisecond(changed.updatedAt, created.updatedAt + 5))
        #expect(try store.conversation(ConversationID(999)) == nil)
        #expect(expectStoreError(.notFound) { try store.renameConversation(ConversationID(999), to: "x") } != nil)
    }

    @Test func listIsMostRecentlyUpdatedFirstWithPagingAndCount() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        var ids: [ConversationID] = []
        for i in 0..<7 {
            clock.advance(by: 1)
            ids.append(try store.createConversation(title: "c\(i)", model: "m").id)
        }
        #expect(try store.conversationCount() == 7)
        #expect(try store.conversations(limit: 3).map(\.title) == ["c6", "c5", "c4"])
        #expect(try store.conversations(limit: 3, offset: 3).map(\.title) == ["c3", "c2", "c1"])
        #expect(try store.conversations(limit: 3, offset: 6).map(\.title) == ["c0"])
        // A new message moves its conversation to the top.
        clock.advance(by: 1)
        try store.appendUserMessage(to: ids[1], text: "hello again")
        #expect(try store.latestConversation()?.id == ids[1])
        #expect(try store.conversations(limit: 2).map(\.title) == ["c1", "c6"])
        #expect(expectStoreError(.invalidArgument) { _ = try store.conversations(limit: -1) } != nil)
    }

    @Test func emptyStoreHasNoLatestConversation() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        #expect(try store.latestConversation() == nil)
        #expect(try store.conversationCount() == 0)
        #expect(try store.conversations().isEmpty)
    }

    @Test func deleteTakesMessagesDraftAndSearchEntriesWithIt() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let doomed = try store.createConversation(title: "doomed", model: "m")
        let kept = try store.createConversation(title: "kept", model: "m")
        try store.appendUserMessage(to: doomed.id, text: "zebra crossing", status: .complete)
        try store.appendUserMessage(to: kept.id, text: "zebra stripes", status: .complete)
        try store.saveDraft("unsent zebra", for: doomed.id)

        try store.deleteConversation(doomed.id)
        #expect(try store.conversation(doomed.id) == nil)
        #expect(try store.messageCount(in: doomed.id) == 0)
        #expect(try store.draft(for: doomed.id) == nil)
        #expect(try store.search("zebra").map(\.conversationID) == [kept.id])
        #expect(expectStoreError(.notFound) { try store.deleteConversation(doomed.id) } != nil)
        // Ids are not reused: a new conversation does not inherit the deleted one's id.
        #expect(try store.createConversation(model: "m").id > kept.id)
    }

    @Test func draftsAreSavedReplacedAndClearedPerConversation() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let a = try store.createConversation(model: "m")
        let b = try store.createConversation(model: "m")
        #expect(try store.draft(for: a.id) == nil)
        try store.saveDraft("half a thought", for: a.id)
        try store.saveDraft("another\nline ✍️", for: b.id)
        try store.saveDraft("a whole thought", for: a.id)
        #expect(try store.draft(for: a.id) == "a whole thought")
        #expect(try store.draft(for: b.id) == "another\nline ✍️")
        try store.saveDraft("", for: a.id)
        #expect(try store.draft(for: a.id) == nil)
        #expect(expectStoreError(.notFound) { try store.saveDraft("x", for: ConversationID(404)) } != nil)
        // Drafts survive reopening.
        try store.close()
        #expect(try SessionStore(path: dir.database).draft(for: b.id) == "another\nline ✍️")
    }
}
