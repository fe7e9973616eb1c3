import Foundation
import TestSupport
import Testing

@testable import SessionStore

@Suite("Search")
struct SearchTests {
    private func seeded() throws -> (TemporaryDirectory, SessionStore, Conversation, Conversation) {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let rust = try store.createConversation(title: "Rust borrow checker", model: "m")
        let cafe = try store.createConversation(title: "Café notes", model: "m")
        try store.appendUserMessage(
            to: rust.id, text: "Why does the borrow checker reject this closure?", status: .complete)
        let reply = try store.beginAssistantMessage(in: rust.id, model: "m")
        try store.finishAssistantMessage(
            reply.id, content: StoredContent([.text("Because the closure captures a mutable borrow.")]))
        try store.appendUserMessage(to: cafe.id, text: "Un café crème, s'il vous plaît — «merci»", status: .complete)
        try store.appendUserMessage(to: cafe.id, text: "東京の天気 and naïve résumé 🚀", status: .complete)
        return (dir, store, rust, cafe)
    }

    @Test func hitsNameConversationPositionAndSnippet() throws {
        let (dir, store, rust, _) = try seeded()
        defer { withExtendedLifetime(dir) {} }
        let hits = try store.search("closure")
        #expect(hits.count == 2)
        #expect(Set(hits.map(\.position)) == [1, 2])
        #expect(hits.allSatisfy { $0.conversationID == rust.id && $0.conversationTitle == "Rust borrow checker" })
        #expect(hits.contains { $0.snippet.contains("[closure]") && $0.role == .assistant })
        let custom = try store.search("mutable borrow", highlight: ("<b>", "</b>"))
        #expect(custom.map(\.position) == [2])
        #expect(custom[0].snippet.contains("<b>mutable</b> <b>borrow</b>"))
        // All words must match, in any order.
        #expect(try store.search("borrow reject").map(\.position) == [1])
        #expect(try store.search("closure pizza").isEmpty)
        #expect(try store.search("closure", limit: 1).count == 1)
    }

    @Test func diacriticsAndNonASCII() throws {
        let (dir, store, _, cafe) = try seeded()
        defer { withExtendedLifetime(dir) {} }
        #expect(try store.search("cafe").map(\.conversationID) == [cafe.id])
        #expect(try store.search("CAFÉ").map(\.conversationID) == [cafe.id])
        #expect(try store.search("naive resume").map(\.position) == [2])
        #expect(try store.search("東京の天気").map(\.position) == [2])
    }

    @Test(arguments: [
        "\"", "\"\"", "'", "*", "closure*", "\"closure", "closure\"", "AND", "OR closure", "NOT",
        "NEAR(closure borrow)",
        "-closure", "+closure", "title:closure", "text:closure", "^closure", "(closure", "closure)", "{closure}",
        "[a-z]", "%", "_", "\\", ";DROP TABLE messages;--", "\0", "🚀", "   ", "", "a\"b\"c", "«merci»",
    ])
    func userInputNeverBreaksTheQuery(_ input: String) throws {
        let (dir, store, _, _) = try seeded()
        defer { withExtendedLifetime(dir) {} }
        _ = try store.search(input)
        #expect(try store.conversationCount() == 2)
    }

    @Test func syntaxCharactersAreSearchedAsWords() throws {
        let (dir, store, _, _) = try seeded()
        defer { withExtendedLifetime(dir) {} }
        #expect(try store.search("\"closure\"").count == 2)
        #expect(try store.search("closure AND").isEmpty) // "AND" is a word here, and no message has it
        #expect(try store.search("NEAR(closure").count == 0)
        #expect(try store.search("(closure)").count == 2)
        #expect(try store.search("«merci»").count == 1)
    }

    @Test func streamingRepliesAreIndexedWhenTheyFinish() throws {
        let (dir, store, rust, _) = try seeded()
        defer { withExtendedLifetime(dir) {} }
        let reply = try store.beginAssistantMessage(in: rust.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        checkpointer.appendText("Lifetimes elide here")
        try checkpointer.flush()
        #expect(try store.search("lifetimes").isEmpty)
        try checkpointer.finish(content: StoredContent([.text("Lifetimes elide here, finally")]))
        #expect(try store.search("lifetimes").map(\.messageID) == [reply.id])
        #expect(try store.search("finally").map(\.messageID) == [reply.id])
        // Renames show in later results.
        try store.renameConversation(rust.id, to: "Borrowck")
        #expect(try store.search("lifetimes").first?.conversationTitle == "Borrowck")
    }
}
