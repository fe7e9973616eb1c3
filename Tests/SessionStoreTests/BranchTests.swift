import Foundation
import PlainJSON
import TestSupport
import Testing

@testable import SessionStore

/// Conversations as trees: appending under a parent, the active path, siblings and switching.
@Suite("Branches")
struct BranchTests {
    /// q1 a1 q2 a2, then q2 edited (q2b beside q2) and answered (a2b): the active path is
    /// q1 a1 q2b a2b, the old branch q2 a2 stays.
    private struct Edited {
        var conversation: Conversation
        var q1, a1, q2, a2, q2b, a2b: StoredMessage
    }

    /// A complete reply to `prompt`: after the active leaf, or a new version beside the prompt's
    /// replies when `regenerate`.
    private func reply(
        _ store: SessionStore, _ conversation: Conversation, to prompt: StoredMessage, _ text: String,
        regenerate: Bool = false
    )
        throws -> StoredMessage
    {
        let begun = try store.beginAssistantMessage(
            in: conversation.id, model: "m", answering: prompt.id, under: regenerate ? .message(prompt.id) : .activeLeaf
        )
        return try store.finishAssistantMessage(begun.id, content: StoredContent([.text(text)]))
    }

    private func edited(_ store: SessionStore) throws -> Edited {
        let conversation = try store.createConversation(model: "m")
        let q1 = try store.appendUserMessage(to: conversation.id, text: "first question", status: .complete)
        let a1 = try reply(store, conversation, to: q1, "first answer")
        let q2 = try store.appendUserMessage(to: conversation.id, text: "second question", status: .complete)
        let a2 = try reply(store, conversation, to: q2, "second answer about walruses")
        let q2b = try store.appendUserMessage(
            to: conversation.id, text: "second question, edited", status: .complete, under: .siblingOf(q2.id))
        let a2b = try reply(store, conversation, to: q2b, "edited answer")
        return Edited(conversation: conversation, q1: q1, a1: a1, q2: q2, a2: a2, q2b: q2b, a2b: a2b)
    }

    private func path(_ store: SessionStore, _ conversation: Conversation) throws -> [String] {
        try store.lastMessages(in: conversation.id, limit: 100).map(\.text)
    }

    @Test func appendingMakesATreeAndTheNewMessageTheActiveLeaf() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let t = try edited(store)
        #expect(t.q1.parentID == nil)
        #expect(t.a1.parentID == t.q1.id)
        #expect(t.q2.parentID == t.a1.id)
        #expect(t.q2b.parentID == t.a1.id)
        #expect(t.a2b.parentID == t.q2b.id)
        #expect([t.q1, t.a1, t.q2, t.q2b, t.a2b].map(\.position) == [1, 2, 3, 3, 4])
        #expect(
            try path(store, t.conversation) == [
                "first question", "first answer", "second question, edited", "edited answer",
            ])
        #expect(try store.lastMessages(in: t.conversation.id, limit: 100).map(\.position) == [1, 2, 3, 4])
        #expect(try store.activeLeaf(in: t.conversation.id)?.id == t.a2b.id)
        #expect(try store.messageCount(in: t.conversation.id) == 4)
        // The old branch is kept, whole.
        #expect(try store.allMessages(in: t.conversation.id).count == 6)
        #expect(try store.message(t.a2.id)?.text == "second answer about walruses")

        // A new prompt follows the active leaf; one under an earlier message starts a branch there.
        let q3 = try store.appendUserMessage(to: t.conversation.id, text: "third")
        #expect(q3.parentID == t.a2b.id && q3.position == 5)
        let aside = try store.appendUserMessage(to: t.conversation.id, text: "aside", under: .message(t.a1.id))
        #expect(aside.parentID == t.a1.id && aside.position == 3)
        #expect(try path(store, t.conversation) == ["first question", "first answer", "aside"])
        // Editing the first prompt makes a new first prompt.
        let q1b = try store.appendUserMessage(to: t.conversation.id, text: "first, again", under: .siblingOf(t.q1.id))
        #expect(q1b.parentID == nil && q1b.position == 1)
        #expect(try path(store, t.conversation) == ["first, again"])
        #expect(try store.siblings(of: q1b.id) == Siblings(ids: [t.q1.id, q1b.id], index: 1))
        // A parent from elsewhere is refused and nothing is stored.
        let other = try store.createConversation(model: "m")
        #expect(
            expectStoreError(.invalidArgument) {
                _ = try store.appendUserMessage(to: other.id, text: "x", under: .message(t.a1.id))
            } != nil)
        #expect(
            expectStoreError(.invalidArgument) {
                _ = try store.appendUserMessage(to: other.id, text: "x", under: .siblingOf(MessageID(9999)))
            } != nil)
        #expect(try store.allMessages(in: other.id).isEmpty)
    }

    @Test func siblingsAreInCreationOrderAndCountedOnEveryRead() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let t = try edited(store)
        let q2c = try store.appendUserMessage(to: t.conversation.id, text: "third version", under: .siblingOf(t.q2.id))
        #expect(try store.siblings(of: t.q2.id) == Siblings(ids: [t.q2.id, t.q2b.id, q2c.id], index: 0))
        let middle = try #require(try store.siblings(of: t.q2b.id))
        #expect(middle.index == 1 && middle.label == "2/3")
        #expect(try store.siblings(of: t.q1.id) == Siblings(ids: [t.q1.id], index: 0))
        #expect(try store.siblings(of: MessageID(9999)) == nil)
        // Read with the message, for "‹ 3/3 ›" beside it.
        let shown = try store.lastMessages(in: t.conversation.id, limit: 10)
        #expect(shown.map(\.siblingIndex) == [0, 0, 2])
        #expect(shown.map(\.siblingCount) == [1, 1, 3])
        #expect(q2c.siblingIndex == 2 && q2c.siblingCount == 3)
        // A regenerated reply is a later sibling of the first.
        try store.selectSibling(of: q2c.id, offset: -1)
        let regenerated = try reply(store, t.conversation, to: t.q2b, "edited answer, regenerated", regenerate: true)
        #expect(regenerated.parentID == t.q2b.id)
        #expect(try store.siblings(of: regenerated.id) == Siblings(ids: [t.a2b.id, regenerated.id], index: 1))
        #expect(try path(store, t.conversation).last == "edited answer, regenerated")
    }

    @Test func switchingSiblingsMovesThePathToTheNewestLeafUnderThem() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let t = try edited(store)
        // Back to the original second question: its branch comes back whole.
        let previous = try store.selectSibling(of: t.q2b.id, offset: -1)
        #expect(previous?.id == t.q2.id)
        #expect(previous?.siblingIndex == 0 && previous?.siblingCount == 2)
        #expect(
            try path(store, t.conversation) == [
                "first question", "first answer", "second question", "second answer about walruses",
            ])
        #expect(try store.activeLeaf(in: t.conversation.id)?.id == t.a2.id)
        // No sibling before the first: nothing moves.
        #expect(try store.selectSibling(of: t.q2.id, offset: -1) == nil)
        #expect(try store.selectSibling(of: t.q2.id, offset: 5) == nil)
        #expect(try store.selectSibling(of: MessageID(9999), offset: 1) == nil)
        #expect(try store.activeLeaf(in: t.conversation.id)?.id == t.a2.id)
        // Forward again.
        #expect(try store.selectSibling(of: t.q2.id, offset: 1)?.id == t.q2b.id)
        #expect(try store.activeLeaf(in: t.conversation.id)?.id == t.a2b.id)

        // setActive goes down to the newest leaf under the message: the edited branch was
        // answered last, so from the first prompt that is a2b, even while q2's branch is shown.
        try store.selectSibling(of: t.q2b.id, offset: -1)
        #expect(try store.setActive(message: t.q1.id).id == t.a2b.id)
        #expect(try store.setActive(message: t.a2.id).id == t.a2.id)
        #expect(try path(store, t.conversation).count == 4)
        #expect(try store.lastMessages(in: t.conversation.id, limit: 10).last?.id == t.a2.id)
        // A message in the middle of a path ends it at the newest leaf below, which may be deeper.
        let q3 = try store.appendUserMessage(to: t.conversation.id, text: "third, on the old branch")
        #expect(q3.parentID == t.a2.id)
        try store.setActive(message: t.a2b.id)
        #expect(try store.setActive(message: t.q2.id).id == q3.id)
        #expect(expectStoreError(.notFound) { _ = try store.setActive(message: MessageID(9999)) } != nil)
        // Switching is not a new message: the sidebar order does not change.
        let before = try #require(try store.conversation(t.conversation.id)).updatedAt
        try store.selectSibling(of: t.q2.id, offset: 1)
        #expect(try store.conversation(t.conversation.id)?.updatedAt == before)
    }

    @Test func theActivePathPagesByPositionAlongIt() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        var messages: [StoredMessage] = []
        for i in 1...30 {
            messages.append(try store.appendUserMessage(to: conversation.id, text: "m\(i)", status: .complete))
        }
        // A branch from message 10 with 5 messages, created after the first 30.
        var parent = MessageParent.message(messages[9].id)
        for i in 1...5 {
            let m = try store.appendUserMessage(to: conversation.id, text: "b\(i)", status: .complete, under: parent)
            parent = .message(m.id)
        }
        let branch = try store.lastMessages(in: conversation.id, limit: 100)
        #expect(branch.map(\.text) == (1...10).map { "m\($0)" } + (1...5).map { "b\($0)" })
        #expect(branch.map(\.position) == Array(1...15))
        #expect(try store.messageCount(in: conversation.id) == 15)
        #expect(try store.lastMessages(in: conversation.id, limit: 3).map(\.text) == ["b3", "b4", "b5"])
        #expect(try store.messages(in: conversation.id, before: 12, limit: 3).map(\.text) == ["m9", "m10", "b1"])
        #expect(try store.messages(in: conversation.id, after: 9, limit: 3).map(\.text) == ["m10", "b1", "b2"])
        #expect(try store.messages(in: conversation.id, after: 15, limit: 3).isEmpty)

        // Back to the long branch: 30 again, paging through the same positions.
        try store.selectSibling(of: branch[10].id, offset: -1)
        #expect(try store.messageCount(in: conversation.id) == 30)
        #expect(try store.lastMessages(in: conversation.id, limit: 2).map(\.text) == ["m29", "m30"])
        #expect(try store.messages(in: conversation.id, before: 12, limit: 3).map(\.text) == ["m9", "m10", "m11"])
        var paged: [String] = []
        var after = 0
        while true {
            let page = try store.messages(in: conversation.id, after: after, limit: 7)
            paged += page.map(\.text)
            guard let last = page.last else { break }
            after = last.position
        }
        #expect(paged == (1...30).map { "m\($0)" })
    }

    @Test func aRetryFollowsTheBrokenReplyAndARegenerateIsASibling() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let q = try store.appendUserMessage(to: conversation.id, text: "q", status: .complete)
        let cut = try store.beginAssistantMessage(in: conversation.id, model: "m", answering: q.id)
        try store.finishAssistantMessage(cut.id, content: StoredContent([.text("half")]), status: .interrupted)
        // A retry follows the broken reply in place, as before branching.
        let retry = try store.beginAssistantMessage(in: conversation.id, model: "m", answering: q.id)
        #expect(retry.parentID == cut.id && retry.position == 3)
        #expect(try store.lastMessages(in: conversation.id, limit: 10).map(\.id) == [q.id, cut.id, retry.id])
        try store.finishAssistantMessage(retry.id, content: StoredContent([.text("whole")]))
        #expect(try store.userMessage(answeredBy: retry.id)?.id == q.id)
        // A regenerate is a new version of the reply, beside the first.
        let again = try store.beginAssistantMessage(
            in: conversation.id, model: "m", answering: q.id, under: .message(q.id))
        #expect(again.parentID == q.id && again.position == 2)
        #expect(again.siblingIndex == 1 && again.siblingCount == 2)
        #expect(try store.siblings(of: again.id) == Siblings(ids: [cut.id, again.id], index: 1))
        #expect(try store.lastMessages(in: conversation.id, limit: 10).map(\.id) == [q.id, again.id])
        try store.finishAssistantMessage(again.id, content: StoredContent([.text("again")]))
        // A reply begun without naming its prompt follows the active leaf and answers the
        // nearest user message above it in the tree.
        let loose = try store.beginAssistantMessage(in: conversation.id, model: "m")
        #expect(loose.parentID == again.id)
        #expect(try store.userMessage(answeredBy: loose.id)?.id == q.id)
        try store.finishAssistantMessage(loose.id, content: StoredContent([.text("more")]))
        // The broken reply's branch is still there.
        #expect(try store.selectSibling(of: again.id, offset: -1)?.id == cut.id)
        #expect(try store.lastMessages(in: conversation.id, limit: 10).map(\.id) == [q.id, cut.id, retry.id])
    }

    @Test func searchFindsTextInEveryBranch() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let t = try edited(store)
        // "walruses" is only in the branch that is not shown.
        let hits = try store.search("walruses")
        #expect(hits.map(\.messageID) == [t.a2.id])
        #expect(hits.first?.position == 4)
        #expect(try store.search("question").count == 3)
    }

    @Test func aBranchedConversationRoundTripsThroughJSONToIdenticalBytes() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        let t = try edited(store)
        clock.advance(by: 1)
        // Show the old branch, so the active leaf is not the last message created.
        try store.selectSibling(of: t.q2b.id, offset: -1)
        let exported = try store.export(t.conversation.id, format: .json)
        let document = try StoredJSON.parse(exported)
        #expect(document["version"]?.intValue == 2)
        #expect(document["conversation"]?["active_leaf"]?.intValue == 4) // a2: the 4th message created
        let parents = document["messages"]?.arrayValue?.map { $0["parent"].flatMap(\.intValue) ?? 0 }
        #expect(parents == [0, 1, 2, 3, 2, 5]) // q2b (5th) beside q2, under a1 (2nd)

        let imported = try store.importConversation(json: exported)
        #expect(try store.export(imported.id, format: .json) == exported)
        #expect(
            try path(store, imported) == [
                "first question", "first answer", "second question", "second answer about walruses",
            ])
        let copy = try #require(try store.lastMessages(in: imported.id, limit: 10).dropLast().last)
        #expect(copy.siblingIndex == 0 && copy.siblingCount == 2)
        let other = try SessionStore(path: dir.path("other.sqlite"))
        let elsewhere = try other.importConversation(json: exported)
        #expect(try other.export(elsewhere.id, format: .json) == exported)
        // Switching in the copy changes only the active leaf.
        try other.selectSibling(
            of: try #require(try other.lastMessages(in: elsewhere.id, limit: 2).first).id, offset: 1)
        let switched = try other.export(elsewhere.id, format: .json)
        #expect(try StoredJSON.parse(switched)["conversation"]?["active_leaf"]?.intValue == 6)
        #expect(switched.replacingOccurrences(of: #""active_leaf":6"#, with: #""active_leaf":4"#) == exported)

        // A parent that is not an earlier message is refused.
        #expect(exported.contains(#""parent":5,"position":6"#))
        for bad in [#""parent":6"#, #""parent":9"#, #""parent":"5""#] {
            let broken = exported.replacingOccurrences(of: #""parent":5,"position":6"#, with: bad + #","position":6"#)
            #expect(expectStoreError(.invalidImport) { _ = try store.importConversation(json: broken) } != nil)
        }
        let noLeaf = exported.replacingOccurrences(of: #""active_leaf":4"#, with: #""active_leaf":7"#)
        #expect(expectStoreError(.invalidImport) { _ = try store.importConversation(json: noLeaf) } != nil)
    }

    @Test func markdownIsTheActivePathWithItsVersions() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let t = try edited(store)
        let markdown = try store.export(t.conversation.id, format: .markdown)
        #expect(markdown.contains("- Messages: 4\n"))
        #expect(markdown.contains("### 3 · User · version 2/2 · "))
        #expect(markdown.contains("### 4 · Assistant · `m` · "))
        #expect(markdown.contains("second question, edited"))
        #expect(!markdown.contains("walruses"))
        #expect(!markdown.contains("### 5"))
    }

    @Test func aPreBranchingExportImportsAsOnePath() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        // Version 1, no tree fields: a prompt, an interrupted reply and its retry (both answering
        // it), a prompt, a reply that records no prompt.
        func message(_ position: Int, _ role: String, _ text: String, _ status: String, replyTo: Int?) -> String {
            """
            {"content":[{"text":"\(text)","type":"text"}],"created_at":"2026-01-01T00:00:00.500Z","error_summary":null,\
            "in_reply_to":\(replyTo.map(String.init) ?? "null"),"model":null,"position":\(position),"request_id":null,\
            "role":"\(role)","status":"\(status)","stop_reason":null,"updated_at":"2026-01-01T00:00:00.500Z","usage":null}
            """
        }
        let messages = [
            message(1, "user", "q1", "complete", replyTo: nil),
            message(2, "assistant", "cut", "interrupted", replyTo: 1),
            message(3, "assistant", "a1", "complete", replyTo: 1),
            message(4, "user", "q2", "complete", replyTo: nil),
            message(5, "assistant", "a2", "complete", replyTo: nil),
        ]
        let document = """
            {"conversation":{"created_at":"2026-01-01T00:00:00.500Z","model":"m","system_prompt":null,"title":"old",\
            "updated_at":"2026-01-01T00:00:00.500Z"},"format":"palaver.conversation","messages":[\
            \(messages.joined(separator: ","))],"version":1}

            """
        let imported = try store.importConversation(json: document)
        #expect(try path(store, imported) == ["q1", "cut", "a1", "q2", "a2"])
        let all = try store.allMessages(in: imported.id)
        #expect(all.map(\.parentID) == [nil, all[0].id, all[1].id, all[2].id, all[3].id])
        #expect(all.map(\.position) == [1, 2, 3, 4, 5])
        #expect(all.allSatisfy { $0.siblingCount == 1 })
        #expect(all[2].replyTo == all[0].id)
        #expect(try store.userMessage(answeredBy: all[4].id)?.id == all[3].id)
        // It is still that shape, so it exports as version 1, byte for byte.
        #expect(try store.export(imported.id, format: .json) == document)
    }
}
