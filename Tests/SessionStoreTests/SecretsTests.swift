import Foundation
import TestSupport
import Testing

@testable import SessionStore

@Suite("The API key never reaches the database")
struct SecretsTests {
    @Test func aKeyInAnErrorSummaryOrAnywhereElseIsNeverWritten() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let key = "sk-ant-api03-" + String(repeating: "Zq7_xK2-", count: 11) + "AAbb"
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(
            title: "title \(key)", model: "m", systemPrompt: "prompt \(key)")
        let question = try store.appendUserMessage(to: conversation.id, text: "my key is \(key), why 401?")
        try store.setStatus(
            of: question.id, to: .failed, errorSummary: "authentication_error (401): invalid x-api-key \(key)")
        try store.saveDraft("draft \(key)", for: conversation.id)
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        checkpointer.appendText("You pasted \(key)")
        try checkpointer.flush()
        try checkpointer.finish(status: .failed, errorSummary: "request failed with key=\(key)")

        let stored = try #require(try store.message(question.id))
        #expect(stored.errorSummary == "authentication_error (401): invalid x-api-key sk-ant-…AAbb")
        #expect(stored.text == "my key is sk-ant-…AAbb, why 401?")
        #expect(try store.conversation(conversation.id)?.title == "title sk-ant-…AAbb")
        let exported =
            try store.export(conversation.id, format: .json) + store.export(conversation.id, format: .markdown)
        #expect(!exported.contains(key))
        try store.close()

        // Every byte SQLite wrote: the database and any WAL or shared-memory file beside it.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.hasPrefix("palaver.sqlite")
        }
        #expect(files.contains("palaver.sqlite"))
        for needle in [key, String(key.dropFirst(13).prefix(24)), "Zq7_xK2-Zq7_xK2-"] {
            for file in files {
                #expect(occurrences(of: Array(needle.utf8), in: fileBytes(dir.path(file))) == 0, "\(needle) in \(file)")
            }
        }
    }

    @Test(arguments: [1, 2, 3, 5, 7, 16])
    func aKeyStreamedInPiecesIsNeverWrittenInPart(pieceLength: Int) throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let body = String(repeating: "Qm9_r8-Lw", count: 10) + "ZZyy"
        let key = "sk-ant-api03-" + body
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        let text = "Here it is: \(key) and again:\(key)\nthe end"
        var rest = Substring(text)
        while !rest.isEmpty {
            checkpointer.appendText(String(rest.prefix(pieceLength)))
            rest = rest.dropFirst(pieceLength)
            try checkpointer.flush() // a checkpoint after every piece: the worst case for splitting
        }
        let streamed = try #require(try store.message(reply.id))
        #expect(streamed.text == "Here it is: sk-ant-…ZZyy and again:sk-ant-…ZZyy\nthe end")
        try store.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.hasPrefix("palaver.sqlite")
        }
        // No run of 6 characters of the key's secret part was written anywhere.
        let secret = Array(body.dropLast(4).utf8)
        for file in files {
            let bytes = fileBytes(dir.path(file))
            for start in stride(from: 0, to: secret.count - 6, by: 3) {
                #expect(occurrences(of: Array(secret[start..<start + 6]), in: bytes) == 0, "\(file)")
            }
        }
    }
}
