import Foundation
import TestSupport
import Testing

@testable import SessionStore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Recovery of interrupted streams")
struct RecoveryTests {
    /// The pid of a process that has exited.
    private func deadPID() throws -> Int32 {
        let process = try Process.run(URL(fileURLWithPath: "/bin/true"), arguments: [])
        process.waitUntilExit()
        return process.processIdentifier
    }

    /// A store acting as process `identity`, with a reply it streamed and checkpointed but never finished.
    private func abandonedReply(
        at path: String, identity: ProcessIdentity, clock: TestWallClock? = nil,
        text: String = "Partial answer, cut off"
    ) throws -> (ConversationID, StoredMessage) {
        var options = SessionStore.Options.testing(clock: clock)
        options.identity = identity
        options.recoversOnOpen = false
        let store = try SessionStore(path: path, options: options)
        let conversation = try store.createConversation(model: "m")
        try store.appendUserMessage(to: conversation.id, text: "Tell me everything", status: .complete)
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        checkpointer.appendText(text)
        try checkpointer.flush()
        try store.close()
        return (conversation.id, reply)
    }

    @Test func replyOfADeadProcessBecomesInterruptedAndStaysReadable() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let pid = try deadPID()
        let (conversation, reply) = try abandonedReply(
            at: dir.database, identity: ProcessIdentity(pid: pid, startToken: nil))
        let store = try SessionStore(path: dir.database)
        #expect(store.recoveredOnOpen == [reply.id])
        let recovered = try #require(try store.message(reply.id))
        #expect(recovered.status == .interrupted)
        #expect(recovered.text == "Partial answer, cut off")
        #expect(recovered.errorSummary?.contains("pid \(pid)") == true)
        // Resumable: the retry re-sends the same user message.
        #expect(try store.userMessage(answeredBy: reply.id)?.text == "Tell me everything")
        #expect(try store.lastMessages(in: conversation, limit: 10).map(\.status) == [.complete, .interrupted])
        // Interrupted replies are searchable.
        #expect(try store.search("cut off").map(\.messageID) == [reply.id])
    }

    @Test func replyOfALiveWriterIsLeftAlone() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let writer = try SessionStore(path: dir.database)
        let conversation = try writer.createConversation(model: "m")
        let reply = try writer.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try writer.checkpointer(for: reply.id)
        checkpointer.appendText("still coming")
        try checkpointer.flush()

        let other = try SessionStore(path: dir.database) // a second store: its own connections
        #expect(other.recoveredOnOpen.isEmpty)
        #expect(try other.recoverAbandonedStreams().isEmpty)
        #expect(try other.message(reply.id)?.status == .streaming)
        #expect(try other.message(reply.id)?.text == "still coming")

        checkpointer.appendText(", and done.")
        try checkpointer.finish()
        #expect(try other.message(reply.id)?.text == "still coming, and done.")
        #expect(try other.message(reply.id)?.status == .complete)
    }

    @Test func aLiveWriterThatStoppedBeatingIsAbandonedAfter30s() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let (_, reply) = try abandonedReply(at: dir.database, identity: .current, clock: clock)
        clock.advance(by: 29)
        #expect(try SessionStore(path: dir.database, options: .testing(clock: clock)).recoveredOnOpen.isEmpty)
        clock.advance(by: 2)
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        #expect(store.recoveredOnOpen == [reply.id])
        #expect(try store.message(reply.id)?.errorSummary?.contains("stopped responding") == true)
    }

    @Test func aReusedPIDDoesNotKeepAReplyAlive() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        // Our own pid, but the start token of another process that once had it.
        let identity = ProcessIdentity(pid: getpid(), startToken: "other-boot:12345")
        let (_, reply) = try abandonedReply(at: dir.database, identity: identity)
        #if os(Linux)
            #expect(try SessionStore(path: dir.database).recoveredOnOpen == [reply.id])
        #endif
    }

    @Test func aWriterMistakenlyMarkedInterruptedTakesItsReplyBack() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let writer = try SessionStore(path: dir.database, options: .testing(clock: clock))
        let conversation = try writer.createConversation(model: "m")
        let reply = try writer.beginAssistantMessage(in: conversation.id, model: "m")
        let checkpointer = try writer.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        checkpointer.appendText("before the pause")
        try checkpointer.flush()
        // The writer was suspended past the heartbeat limit; another process recovers the row.
        clock.advance(by: 60)
        #expect(try SessionStore(path: dir.database, options: .testing(clock: clock)).recoveredOnOpen == [reply.id])
        // The writer wakes up and goes on: its next checkpoint takes the row back.
        checkpointer.appendText(", after it")
        try checkpointer.flush()
        #expect(try writer.message(reply.id)?.status == .streaming)
        let done = try checkpointer.finish()
        #expect(done.text == "before the pause, after it")
        #expect(done.status == .complete)
    }

    @Test(.enabled(if: ChildProcess.isSupported))
    func kill9MidStreamLeavesTheUserMessageAndTheLastCheckpoint() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let conversation = try store.createConversation(model: "m")
        let question = try store.appendUserMessage(to: conversation.id, text: "Write a long story")
        let text = (0..<400).map { "word\($0)" }.joined(separator: " ")
        let ready = dir.path("ready")
        let child = try ChildProcess.start(
            "streamer",
            arguments: [
                "PATH": dir.database, "CONVERSATION": conversation.id.description, "TEXT": text, "READY_FILE": ready,
            ], in: dir)
        let report = try #require(ChildProcess.waitForFile(ready), "the streaming child never became ready")
        let fields = report.split(whereSeparator: \.isWhitespace)
        let replyID = try #require(MessageID(String(fields[0])))

        // While the child lives, its reply is left alone.
        #expect(try SessionStore(path: dir.database).recoveredOnOpen.isEmpty)
        #expect(try store.message(replyID)?.status == .streaming)

        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)

        let reopened = try SessionStore(path: dir.database)
        #expect(reopened.recoveredOnOpen == [replyID])
        let messages = try reopened.lastMessages(in: conversation.id, limit: 10)
        #expect(messages.map(\.id) == [question.id, replyID])
        #expect(messages[0].text == "Write a long story")
        #expect(messages[1].status == .interrupted)
        // Everything up to the last checkpoint (the flushed text, maybe some "…" after it).
        #expect(messages[1].text.hasPrefix(text + " "))
        #expect(try reopened.userMessage(answeredBy: replyID)?.id == question.id)
    }
}
