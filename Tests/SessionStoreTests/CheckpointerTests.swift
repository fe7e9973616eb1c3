import Foundation
import GRDB
import PlainJSON
import TestSupport
import Testing

@testable import SessionStore

@Suite("Streaming checkpoints")
struct CheckpointerTests {
    // MARK: The schedule alone

    @Test func scheduleCheckpointsEvery2KBWhenTimeStandsStill() {
        var schedule = CheckpointSchedule(policy: CheckpointPolicy(), now: .zero)
        var actions: [CheckpointSchedule.Action] = []
        for _ in 0..<100 { actions.append(schedule.received(bytes: 100, at: .zero)) }
        // 10,000 bytes in 100-byte pieces: a checkpoint every 21st piece (2,100 ≥ 2,048 bytes).
        #expect(actions.filter { $0 == .checkpoint }.count == 4)
        #expect(actions.firstIndex(of: .checkpoint) == 20)
        // Only the first piece after start arms a timer.
        #expect(actions.filter { if case .armTimer = $0 { true } else { false } }.count == 1)
    }

    @Test func scheduleCheckpointsAfter250msAndArmsATimerForAPause() {
        var schedule = CheckpointSchedule(policy: CheckpointPolicy(), now: .zero)
        #expect(schedule.received(bytes: 5, at: .milliseconds(100)) == .armTimer(after: .milliseconds(150)))
        #expect(schedule.received(bytes: 5, at: .milliseconds(200)) == .none)
        #expect(schedule.received(bytes: 5, at: .milliseconds(250)) == .checkpoint)
        // The timer armed at 100 ms fires at 250 ms with nothing pending: nothing to do.
        #expect(schedule.timerFired(at: .milliseconds(250)) == .none)
        #expect(schedule.received(bytes: 5, at: .milliseconds(300)) == .armTimer(after: .milliseconds(200)))
        // The stream pauses; the timer writes what arrived.
        #expect(schedule.timerFired(at: .milliseconds(500)) == .checkpoint)
        #expect(schedule.timerFired(at: .milliseconds(900)) == .none)
    }

    // MARK: The checkpointer against a real database

    private func streamingReply(_ store: SessionStore) throws -> StoredMessage {
        let conversation = try store.createConversation(model: "m")
        try store.appendUserMessage(to: conversation.id, text: "go", status: .complete)
        return try store.beginAssistantMessage(in: conversation.id, model: "m")
    }

    @Test func tenKilobytesIn100BytePiecesWritesAboutFiveTimesNotAHundred() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        let clock = ManualCheckpointClock()
        let checkpointer = try store.checkpointer(for: reply.id, clock: clock)
        let piece = String(repeating: "é", count: 50) // 100 UTF-8 bytes
        for _ in 0..<100 { checkpointer.appendText(piece) }
        checkpointer.drain()
        let streamed = try #require(try store.message(reply.id))
        #expect(streamed.status == .streaming)
        // Four checkpoints were triggered, the last after 8,400 bytes; a coalesced write takes
        // whatever is pending when it runs.
        #expect((8400...10_000).contains(streamed.text.utf8.count))
        let done = try checkpointer.finish(usage: TokenCounts(output: 2500), stopReason: "end_turn")
        let stats = checkpointer.statistics
        #expect(stats.checkpointsTriggered == 4)
        #expect((1...4).contains(stats.checkpointWrites)) // coalesced writes never exceed triggers
        #expect(stats.bytesReceived == 10_000)
        #expect(done.text == String(repeating: piece, count: 100))
        #expect(done.status == .complete)
        #expect(done.content.blocks?.count == 1)
    }

    @Test func aPausedStreamIsWrittenWithin250ms() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        let clock = ManualCheckpointClock()
        let checkpointer = try store.checkpointer(for: reply.id, clock: clock)
        checkpointer.appendText("The answer")
        clock.advance(by: .milliseconds(249))
        checkpointer.drain()
        #expect(try store.message(reply.id)?.text == "")
        clock.advance(by: .milliseconds(1))
        checkpointer.drain()
        #expect(try store.message(reply.id)?.text == "The answer")
        checkpointer.appendText(" is 42.")
        clock.advance(by: .milliseconds(250))
        checkpointer.drain()
        #expect(try store.message(reply.id)?.text == "The answer is 42.")
        #expect(checkpointer.statistics.checkpointsTriggered == 2)
        try checkpointer.finish()
    }

    @Test func steadyStreamIsCheckpointedEvery250ms() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        let clock = ManualCheckpointClock()
        let checkpointer = try store.checkpointer(for: reply.id, clock: clock)
        // 2 seconds of 10-byte pieces every 50 ms.
        for _ in 0..<40 {
            checkpointer.appendText("0123456789")
            clock.advance(by: .milliseconds(50))
        }
        checkpointer.drain()
        #expect(checkpointer.statistics.checkpointsTriggered == 8)
        #expect(try store.message(reply.id)?.text.count == 400)
        try checkpointer.finish()
    }

    @Test func heartbeatKeepsAQuietStreamAlive() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let wall = TestWallClock()
        let store = try SessionStore(path: dir.database, options: .testing(clock: wall))
        let reply = try streamingReply(store)
        let clock = ManualCheckpointClock()
        let checkpointer = try store.checkpointer(for: reply.id, clock: clock)
        wall.advance(by: 10)
        clock.advance(by: .seconds(10))
        checkpointer.drain()
        #expect(checkpointer.statistics.heartbeatWrites == 1)
        #expect(sameMillisecond(try store.message(reply.id)?.owner?.heartbeatAt, wall.date))
        try checkpointer.finish(status: .interrupted)
        clock.advance(by: .seconds(30))
        checkpointer.drain()
        #expect(checkpointer.statistics.heartbeatWrites == 1)
    }

    @Test func replaceContentCarriesToolUseAndThinking() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        checkpointer.appendText("ignored: replaced below")
        let blocks: [Block] = [
            .thinking("hmm", signature: "sig"),
            .text("Calling the tool."),
            .toolUse(id: "toolu_1", name: "search", input: .object(["q": .string("swift")])),
        ]
        checkpointer.replaceContent(StoredContent(blocks))
        try checkpointer.flush()
        #expect(try store.message(reply.id)?.content == StoredContent(blocks))
        checkpointer.appendText("After the tool.")
        let done = try checkpointer.finish(stopReason: "end_turn")
        #expect(done.content == StoredContent(blocks + [.text("After the tool.")]))
        #expect(expectStoreError(.invalidArgument) { try checkpointer.finish() } != nil)
    }

    @Test func onlyTheOwningProcessGetsACheckpointer() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        var options = SessionStore.Options()
        options.identity = ProcessIdentity(pid: getpid(), startToken: "another-process")
        let impostor = try SessionStore(path: dir.database, options: options)
        #expect(expectStoreError(.invalidArgument) { _ = try impostor.checkpointer(for: reply.id) } != nil)
        try store.finishAssistantMessage(reply.id, content: StoredContent([.text("done")]))
        #expect(expectStoreError(.invalidArgument) { _ = try store.checkpointer(for: reply.id) } != nil)
    }

    @Test func appendingOnTheHotPathIsCheap() throws {
        // Not a timing goal (the benchmark has those): the hot path must not wait for SQLite,
        // so 1 MB in 100-byte pieces under the real clock takes far less than a write per piece.
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        let checkpointer = try store.checkpointer(for: reply.id)
        let piece = String(repeating: "x", count: 100)
        let start = ContinuousClock.now
        for _ in 0..<10_000 { checkpointer.appendText(piece) }
        let elapsed = ContinuousClock.now - start
        let done = try checkpointer.finish()
        #expect(done.text.utf8.count == 1_000_000)
        #expect(checkpointer.statistics.checkpointWrites <= checkpointer.statistics.checkpointsTriggered)
        #expect(checkpointer.statistics.checkpointsTriggered <= 489) // ≤ one per 2,048 bytes
        // A gross-regression guard; speed lives in the benchmark.
        #expect(elapsed < .seconds(10), "appending took \(elapsed)")
    }

    // MARK: Chunks

    private func chunkCount(_ path: String, _ id: MessageID) throws -> Int {
        try withRawDatabase(path) { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM message_chunks WHERE message_id = ?", arguments: [id.rawValue]) ?? 0
        }
    }

    @Test func checkpointsAppendChunksThatReadersAndRecoveryFold() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let clock = TestWallClock()
        let store = try SessionStore(path: dir.database, options: .testing(clock: clock))
        let reply = try streamingReply(store)
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        var expected = ""
        for i in 0..<5 {
            let piece = "Paragraph \(i): Grüße aus Zürich 🚀. "
            checkpointer.appendText(piece)
            expected += piece
            try checkpointer.flush()
        }
        #expect(try chunkCount(dir.database, reply.id) == 5)
        // Another store (another process, as far as SQLite is concerned) sees the whole text.
        let reader = try SessionStore(path: dir.database, options: .testing(clock: clock))
        #expect(try reader.message(reply.id)?.content == StoredContent([.text(expected)]))
        #expect(try reader.lastMessages(in: reply.conversationID, limit: 5).last?.text == expected)
        let exported = try reader.export(reply.conversationID, format: .json)
        #expect(exported.contains(expected))
        // The writer goes quiet; recovery folds the chunks into the row and indexes it.
        clock.advance(by: 60)
        let recovering = try SessionStore(path: dir.database, options: .testing(clock: clock))
        #expect(recovering.recoveredOnOpen == [reply.id])
        #expect(try chunkCount(dir.database, reply.id) == 0)
        #expect(try recovering.message(reply.id)?.content == StoredContent([.text(expected)]))
        #expect(try recovering.search("Zürich").map(\.messageID) == [reply.id])
    }

    @Test func textAfterAToolCallIsChunkedIntoANewTextBlock() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        let tool: Block = .toolUse(id: "t1", name: "calc", input: .object(["x": .int(1)]))
        checkpointer.replaceContent(StoredContent([.text("Let me compute."), tool]))
        try checkpointer.flush()
        checkpointer.appendText("The result ")
        try checkpointer.flush()
        checkpointer.appendText("is 2.")
        try checkpointer.flush()
        #expect(try chunkCount(dir.database, reply.id) == 2)
        let expected: [Block] = [.text("Let me compute."), tool, .text("The result is 2.")]
        #expect(try store.message(reply.id)?.content == StoredContent(expected))
        try store.setStatus(of: reply.id, to: .failed, errorSummary: "cancelled")
        #expect(try chunkCount(dir.database, reply.id) == 0)
        #expect(try store.message(reply.id)?.content == StoredContent(expected))
    }

    @Test func manyChunksAreFoldedIntoAWholeWrite() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        let store = try SessionStore(path: dir.database)
        let reply = try streamingReply(store)
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        for i in 0..<(Checkpointer.chunksBeforeFullWrite + 3) {
            checkpointer.appendText("\(i),")
            try checkpointer.flush()
        }
        #expect(try chunkCount(dir.database, reply.id) == 2)
        let expected = (0..<(Checkpointer.chunksBeforeFullWrite + 3)).map { "\($0)," }.joined()
        #expect(try store.message(reply.id)?.text == expected)
        #expect(try checkpointer.finish().text == expected)
    }

    @Test(arguments: [
        ("plain text.", "plain text.", ""),
        ("my key: sk-ant-api03-abc", "my key: ", "sk-ant-api03-abc"),
        ("ends with s", "ends with ", "s"),
        ("ends with sk", "ends with ", "sk"),
        ("desk-top", "de", "sk-top"),
        ("skip", "skip", ""),
        ("sk", "", "sk"),
        ("sk-" + String(repeating: "a", count: 300), "sk-" + String(repeating: "a", count: 300), ""),
        ("é sk-ant", "é ", "sk-ant"),
    ])
    func safeCutHoldsBackWhatMayBeAKey(text: String, head: String, tail: String) {
        #expect(StoredBlocks.safeCut(text) == (head, tail))
    }

    @Test func aFailedCheckpointIsRetriedByTheNextOne() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-store-tests")
        var options = SessionStore.Options()
        options.busyTimeout = 0.05
        let store = try SessionStore(path: dir.database, options: options)
        let reply = try streamingReply(store)
        let checkpointer = try store.checkpointer(for: reply.id, clock: ManualCheckpointClock())
        checkpointer.appendText("first part, ")
        try checkpointer.flush()

        // Another connection holds the write lock past the busy timeout.
        var blockerConfiguration = Configuration()
        blockerConfiguration.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: dir.database, configuration: blockerConfiguration)
        try blocker.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        checkpointer.appendText("second part")
        #expect(throws: SessionStoreError.self) { try checkpointer.flush() }
        #expect(checkpointer.lastError?.code == .busy)
        try blocker.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        try blocker.close()

        try checkpointer.flush() // nothing new arrived; the failed text is written now
        #expect(checkpointer.lastError == nil)
        #expect(try store.message(reply.id)?.text == "first part, second part")
        #expect(try checkpointer.finish().text == "first part, second part")
    }
}
