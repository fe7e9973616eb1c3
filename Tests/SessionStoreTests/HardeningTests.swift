import Foundation
import GRDB
import Safety
import TestSupport
import Testing

@testable import SessionStore

/// Issue 11: the store after a full disk, a damaged search index, NULs and odd Unicode, and
/// replies paired with the prompt they answer.
@Suite("Store hardening")
struct HardeningTests {
    // MARK: A checkpoint that ran out of disk space

    /// Builds, at `path`, what a checkpoint that hit ENOSPC leaves: a main file holding only
    /// `keepFraction` of its pages while its header counts them all, and the WAL that holds
    /// them beside it. Returns the page count in the header.
    private func makeCutCheckpoint(at path: String, in dir: TemporaryDirectory, keepFraction: Double = 0.5) throws
        -> Int
    {
        let source = dir.path("source.sqlite")
        let store = try SessionStore(path: source)
        try store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        let conversation = try store.createConversation(title: "disk full", model: "m")
        var wal: [UInt8] = []
        for i in 0..<300 {
            try store.appendUserMessage(
                to: conversation.id, text: "message \(i) " + String(repeating: "x", count: 500),
                status: .complete)
            if i == 299 { wal = fileBytes(source + "-wal") }
        }
        _ = try store.pool.writeWithoutTransaction { try Row.fetchAll($0, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        let main = fileBytes(source)
        try store.close()
        let pageSize = Int(main[16]) << 8 | Int(main[17])
        let pages = main.count / pageSize
        let kept = Int(Double(pages) * keepFraction)
        try Data(main.prefix(kept * pageSize)).write(to: URL(fileURLWithPath: path))
        try Data(wal).write(to: URL(fileURLWithPath: path + "-wal"))
        return pages
    }

    @Test func aMainFileCutShortWithItsWALBesideItOpensWithEverything() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let path = dir.path("palaver.sqlite")
        let pages = try makeCutCheckpoint(at: path, in: dir)
        // The file is what the issue describes: shorter than its header says.
        let size = Int64(fileBytes(path).count)
        let problem = try DatabaseFile.headerProblem(path: path, size: size)
        #expect(problem?.contains("truncated") == true, "\(pages) pages, \(size) bytes")
        #expect(DatabaseFile.hasWriteAheadLog(path))

        let store = try SessionStore(path: path)
        let conversation = try #require(try store.latestConversation())
        #expect(conversation.title == "disk full")
        #expect(try store.messageCount(in: conversation.id) == 300)
        #expect(try store.lastMessages(in: conversation.id, limit: 1).first?.text.hasPrefix("message 299 ") == true)
        try store.appendUserMessage(to: conversation.id, text: "after the disk was freed", status: .complete)
        try store.close()
        // SQLite's own check agrees, and the checkpoint on close made the main file whole again.
        #expect(try withRawDatabase(path) { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try DatabaseFile.headerProblem(path: path, size: Int64(fileBytes(path).count)) == nil)
    }

    @Test func aCutFileWhoseWALLacksTheRestIsCorruptUntouchedAndNobodyIsToldToDeleteIt() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let path = dir.path("palaver.sqlite")
        _ = try makeCutCheckpoint(at: path, in: dir, keepFraction: 0.3)
        // Only the WAL's header survived: it holds none of the missing pages.
        try Data(fileBytes(path + "-wal").prefix(32)).write(to: URL(fileURLWithPath: path + "-wal"))
        let main = fileBytes(path)
        let wal = fileBytes(path + "-wal")
        var thrown: SessionStoreError?
        do { _ = try SessionStore(path: path) } catch { thrown = error }
        #expect(thrown?.code == .corrupt, "\(String(describing: thrown))")
        let text = try #require(thrown?.description)
        #expect(text.contains(path))
        #expect(text.contains(".recover"))
        for advice in ["delete", "remove", "rm ", "move it", "start over", "new database"] {
            #expect(!text.lowercased().contains(advice), "\(text)")
        }
        #expect(fileBytes(path) == main)
        #expect(fileBytes(path + "-wal") == wal)
    }

    @Test func everyStoreErrorMessageAvoidsDeletionAdvice() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let path = dir.path("cut.sqlite")
        let store = try SessionStore(path: path)
        for i in 0..<100 {
            try store.createConversation(title: "c\(i) " + String(repeating: "y", count: 300), model: "m")
        }
        try store.close()
        let whole = fileBytes(path)
        try Data(whole.prefix(whole.count / 2)).write(to: URL(fileURLWithPath: path)) // no WAL: palaver judges
        let error = try #require(expectStoreError(.corrupt) { _ = try SessionStore(path: path) })
        #expect(error.description.contains(".recover"))
        #expect(!error.description.lowercased().contains("delete"))
    }

    // MARK: A damaged full-text index

    /// SQL that damages the index's shadow tables in ways FTS5 notices and ways it does not.
    static let damage = [
        "UPDATE message_search_data SET block = zeroblob(length(block)) WHERE id > 10", // searches quietly miss
        "DELETE FROM message_search_data WHERE id > 10", // searches fail
        "UPDATE message_search_data SET block = X'0102030405' WHERE id = 10", // the index cannot even load
    ]

    @Test(arguments: damage)
    func aDamagedSearchIndexIsRebuiltBeforeAnythingIsWrittenIntoIt(damage: String) throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        var store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(title: "animals", model: "m")
        for i in 0..<200 {
            try store.appendUserMessage(to: conversation.id, text: "zebra number \(i) lorem ipsum", status: .complete)
        }
        #expect(!store.searchIndexRebuilt)
        try store.close()
        func indexIsSound() throws -> Bool {
            try withRawDatabase(dir.database) { db in
                do {
                    try db.execute(
                        sql: "INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 0)")
                    return true
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT { return false }
            }
        }
        try withRawDatabase(dir.database) { try $0.execute(sql: damage) }
        #expect(try !indexIsSound())

        store = try SessionStore(path: dir.database)
        try store.appendUserMessage(to: conversation.id, text: "a zebra after the damage", status: .complete)
        #expect(store.searchIndexRebuilt)
        #expect(try store.search("zebra", limit: 500).count == 201)
        #expect(try store.search("damage").count == 1)
        try store.close()
        #expect(try indexIsSound())
    }

    @Test func aRebuiltIndexLeavesStreamingRowsOutUntilTheyFinish() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        var store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(title: "t", model: "m")
        let prompt = try store.appendUserMessage(to: conversation.id, text: "tell me about okapis", status: .complete)
        try store.close()
        try withRawDatabase(dir.database) { try $0.execute(sql: Self.damage[0]) }
        store = try SessionStore(path: dir.database)
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m", answering: prompt.id)
        let checkpointer = try store.checkpointer(for: reply.id)
        checkpointer.appendText("okapis are giraffids")
        try checkpointer.flush()
        #expect(store.searchIndexRebuilt)
        #expect(try store.search("giraffids").isEmpty)
        try checkpointer.finish()
        #expect(try store.search("giraffids").count == 1)
        #expect(try store.search("okapis").count == 2)
    }

    // MARK: Every string survives, NULs included

    static let oddStrings = [
        "before\u{0}after", "\u{0}", "tab\tcr\rlf\nesc\u{1B}[31m del\u{7F} c1\u{85}\u{9B}",
        "bom\u{FEFF} zwsp\u{200B} zwj\u{200D} rlo\u{202E}txet\u{202C} ls\u{2028}ps\u{2029}",
        "nonchar\u{FFFE}\u{FFFF}\u{10FFFF} private\u{E000}\u{F8FF}",
        "e\u{301} (decomposed) é (composed) \u{301}lone mark",
        "emoji 👩🏽‍💻🏳️‍🌈 cjk 東京 rtl שלום", "\"quotes\" \\backslash\\ \\u0000 (text, not a NUL)",
    ]

    @Test func exportImportExportKeepsEveryStringByteForByte() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        for odd in Self.oddStrings {
            let conversation = try store.createConversation(
                title: "title " + odd, model: "model " + odd,
                systemPrompt: "system " + odd)
            let prompt = try store.appendUserMessage(to: conversation.id, text: "prompt " + odd, status: .complete)
            let reply = try store.beginAssistantMessage(
                in: conversation.id, model: "reply model " + odd, answering: prompt.id)
            try store.finishAssistantMessage(
                reply.id, content: StoredContent([.text("reply " + odd)]), stopReason: "stop " + odd,
                requestID: "req " + odd, status: .failed, errorSummary: "summary " + odd)
            try store.saveDraft("draft " + odd, for: conversation.id)

            let stored = try #require(try store.conversation(conversation.id))
            #expect(Array(stored.title.utf8) == Array(("title " + odd).utf8))
            #expect(Array((stored.systemPrompt ?? "").utf8) == Array(("system " + odd).utf8))
            #expect(Array(stored.model.utf8) == Array(("model " + odd).utf8))
            #expect(Array((try store.draft(for: conversation.id) ?? "").utf8) == Array(("draft " + odd).utf8))
            let back = try #require(try store.message(reply.id))
            #expect(Array((back.errorSummary ?? "").utf8) == Array(("summary " + odd).utf8))
            #expect(Array((back.requestID ?? "").utf8) == Array(("req " + odd).utf8))
            #expect(Array((back.stopReason ?? "").utf8) == Array(("stop " + odd).utf8))
            #expect(Array((back.model ?? "").utf8) == Array(("reply model " + odd).utf8))
            #expect(Array(back.text.utf8) == Array(("reply " + odd).utf8))

            let exported = try store.export(conversation.id, format: .json)
            let imported = try store.importConversation(json: exported)
            #expect(Array(imported.title.utf8) == Array(stored.title.utf8))
            #expect(Array(try store.export(imported.id, format: .json).utf8) == Array(exported.utf8))
            let elsewhere = try SessionStore(path: dir.path("other-\(UUID().uuidString).sqlite"))
            let copy = try elsewhere.importConversation(json: exported)
            #expect(Array(try elsewhere.export(copy.id, format: .json).utf8) == Array(exported.utf8))
        }
    }

    @Test func aNULInAnImportedTitleIsKept() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let document = """
            {"conversation":{"created_at":"2026-01-01T00:00:00.500Z","model":"m","system_prompt":"a\\u0000b",\
            "title":"left\\u0000right","updated_at":"2026-01-01T00:00:00.500Z"},"format":"palaver.conversation",\
            "messages":[],"version":1}

            """
        let imported = try store.importConversation(json: document)
        #expect(imported.title == "left\u{0}right")
        #expect(try store.conversations().first?.title == "left\u{0}right")
        #expect(try store.export(imported.id, format: .json) == document)
    }

    @Test func streamedTextWithANULIsCheckpointedAndRecoveredWhole() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id)
        checkpointer.appendText("start ")
        try checkpointer.flush()
        checkpointer.appendText("nul\u{0}in the middle")
        try checkpointer.flush() // a chunk row
        #expect(try store.message(reply.id)?.text == "start nul\u{0}in the middle")
        try store.setStatus(of: reply.id, to: .interrupted) // folds the chunks
        #expect(try store.message(reply.id)?.text == "start nul\u{0}in the middle")
    }

    // MARK: Replies know their prompt

    @Test func interleavedRepliesArePairedWithTheirOwnPrompts() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        // Two processes continue at once: both prompts land before either reply.
        let a = try store.appendUserMessage(to: conversation.id, text: "A?")
        let b = try store.appendUserMessage(to: conversation.id, text: "B?")
        let replyB = try store.beginAssistantMessage(in: conversation.id, model: "m", answering: b.id)
        let replyA = try store.beginAssistantMessage(in: conversation.id, model: "m", answering: a.id)
        try store.finishAssistantMessage(replyB, content: [.text("answer to B")])
        try store.finishAssistantMessage(
            replyA.id, content: StoredContent([.text("answer to A")]), status: .interrupted)
        #expect(try store.message(replyA.id)?.replyTo == a.id)
        #expect(try store.userMessage(answeredBy: replyA.id)?.id == a.id) // not B, the nearest before it
        #expect(try store.userMessage(answeredBy: replyB.id)?.id == b.id)

        let exported = try store.export(conversation.id, format: .json)
        #expect(exported.contains(#""in_reply_to":2"#) && exported.contains(#""in_reply_to":1"#))
        let imported = try store.importConversation(json: exported)
        let copies = try store.lastMessages(in: imported.id, limit: 10)
        #expect(copies[2].replyTo == copies[1].id)
        #expect(copies[3].replyTo == copies[0].id)
        #expect(try store.export(imported.id, format: .json) == exported)

        // A reply can only answer a user message of its own conversation.
        let other = try store.createConversation(model: "m")
        #expect(
            expectStoreError(.invalidArgument) {
                _ = try store.beginAssistantMessage(in: other.id, model: "m", answering: a.id)
            } != nil)
        #expect(
            expectStoreError(.invalidArgument) {
                _ = try store.beginAssistantMessage(in: conversation.id, model: "m", answering: replyB.id)
            } != nil)
        // An import that points a reply at anything but an earlier prompt is refused.
        let bad = exported.replacingOccurrences(of: #""in_reply_to":2"#, with: #""in_reply_to":4"#)
        #expect(expectStoreError(.invalidImport) { _ = try store.importConversation(json: bad) } != nil)
    }
}

extension SessionStore {
    fileprivate func finishAssistantMessage(_ message: StoredMessage, content: [Block]) throws {
        try finishAssistantMessage(message.id, content: StoredContent(content))
    }
}

/// Redaction on the way into the store when palaver has registered its own key by value.
@Suite("Store redaction with a registered key")
struct RegisteredKeyRedactionTests {
    @Test func anotherKeyWithTheSamePublicPrefixIsMaskedWholeNotHalf() throws {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        func body(_ count: Int) -> String { String((0..<count).map { _ in alphabet.randomElement()! }) }
        let registered = "sk-ant-api03-" + body(80) + "wxyz"
        #expect(Redactor.shared.register(registered))
        let foreignSecret = body(60)
        let foreign = "sk-ant-api03-" + foreignSecret + "ZZyy"

        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(title: "keys \(foreign)", model: "m")
        try store.appendUserMessage(
            to: conversation.id, text: "mine \(registered) theirs \(foreign)", status: .complete)
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        var rest = Substring("echo: \(foreign) and \(registered).")
        while !rest.isEmpty {
            checkpointer.appendText(String(rest.prefix(7)))
            rest = rest.dropFirst(7)
            try checkpointer.flush()
        }
        try checkpointer.finish(status: .interrupted)

        let messages = try store.lastMessages(in: conversation.id, limit: 2)
        #expect(messages[0].text == "mine sk-ant-…wxyz theirs sk-ant-…ZZyy")
        #expect(messages[1].text == "echo: sk-ant-…ZZyy and sk-ant-…wxyz.")
        #expect(try store.conversation(conversation.id)?.title == "keys sk-ant-…ZZyy")
        try store.close()
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasPrefix("palaver.sqlite")
        {
            let bytes = fileBytes(dir.path(file))
            for start in stride(from: 0, to: foreignSecret.utf8.count - 8, by: 4) {
                let piece = Array(foreignSecret.utf8)[start..<start + 8]
                #expect(occurrences(of: Array(piece), in: bytes) == 0, "\(file)")
            }
        }
    }
}
