import AnthropicAPI
import ChatCore
import FakeAnthropic
import Foundation
import SessionStore
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

/// The app and its runtime over real HTTP against fake-anthropic, with a real store.
@Suite struct ChatRuntimeTests {
    /// An app wired to a runtime whose results arrive on a stream that `pump` awaits.
    final class Rig {
        var app: ChatApp
        let runtime: ChatRuntime
        /// What the runtime emits, in order; `emit` yields into it.
        let actions: AsyncStream<ChatAction>
        private let emit: AsyncStream<ChatAction>.Continuation
        let store: SessionStore
        let directory: String
        let keys: KeySetup

        /// A chat over `fake` whose requests start with `key`; the key sources see `keyEnvironment`
        /// (by default ANTHROPIC_API_KEY holding the fake's key) and an empty credentials file.
        init(
            fake: FakeServerHarness, now: @escaping @Sendable () -> Date = Date.init,
            key: String = FakeServerHarness.defaultKey, source: KeySource = .environment("ANTHROPIC_API_KEY"),
            keyEnvironment: [String: String] = ["ANTHROPIC_API_KEY": FakeServerHarness.defaultKey]
        ) throws {
            directory = NSTemporaryDirectory() + "palaver-chat-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            store = try SessionStore(path: directory + "/palaver.sqlite")
            var environment = ["HOME": directory]
            environment["XDG_STATE_HOME"] = directory + "/state"
            let paths = Paths(environment: environment)
            let configuration = ClientConfiguration(
                baseURL: fake.baseURL, credential: Credential(secret: key))
            let chat = ChatState(
                settings: .init(
                    baseURL: fake.baseURL, fallbackModel: "claude-sonnet-4-5-20250929", modelIsExplicit: true),
                key: KeyStatus(health: .unverified, masked: Secrets.mask(key), source: source),
                now: Date())
            app = makeApp(chat: chat)
            // Keys as the app sees them: the variable holds the fake's key; the credentials file is empty.
            keys = KeySetup(paths: paths, environment: keyEnvironment)
            (actions, emit) = AsyncStream.makeStream(of: ChatAction.self)
            runtime = ChatRuntime(
                store: store, paths: paths, configuration: configuration, keys: keys, now: now,
                emit: { [emit] in emit.yield($0) })
        }

        deinit {
            emit.finish()
            try? FileManager.default.removeItem(atPath: directory)
        }

        struct Timeout: Error, CustomStringConvertible {
            var description: String { "nothing more arrived from the runtime within 10 s" }
        }

        /// Feeds results back until `done` holds; throws if it does not within 10 s.
        func pump(until done: (ChatApp) -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !done(app) {
                runtime.perform(app.apply(try await next(before: deadline)))
            }
        }

        /// The next action the runtime emits, awaited (no polling) until `deadline`.
        func next(before deadline: ContinuousClock.Instant) async throws -> ChatAction {
            let actions = actions
            let first = await withTaskGroup(of: ChatAction?.self) { group in
                group.addTask { await actions.first { _ in true } }
                group.addTask {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    return nil
                }
                defer { group.cancelAll() }
                return await group.next() ?? nil
            }
            guard let first else { throw Timeout() }
            return first
        }

        func send(_ text: String) {
            app.type(text)
            runtime.perform(app.press(KeyEvent(.enter)))
        }

        /// The fake's key is revoked and `text` sent: returns once the reload found no other key
        /// and the message waits for one.
        func sendWithTheKeyRevoked(_ text: String, fake: FakeServerHarness) async throws {
            fake.state.revokeKey(FakeServerHarness.defaultKey)
            send(text)
            try await pump { !$0.chat.reloadingKey && $0.chat.awaitingKeyTurn != nil && $0.chat.notice != nil }
        }
    }

    @Test func aMessageStreamsInAndIsStored() async throws {
        try await FakeServerHarness.with(reply: ReplyConfig(text: "Hello from the fake", chunkChars: 4)) { fake in
            let rig = try Rig(fake: fake)
            rig.runtime.perform(rig.app.start(resume: nil))
            rig.send("Hi there")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            #expect(
                rig.app.chat.transcript.map(\.text) == ["Hi there", "Hello from the fake"],
                "\(rig.app.chat.transcript.map(\.state))")
            #expect(rig.app.chat.key.health.word == "valid")
            rig.runtime.flush()
            let conversation = try #require(try rig.store.latestConversation())
            #expect(conversation.title == "Hi there")
            let stored = try rig.store.lastMessages(in: conversation.id, limit: 10)
            #expect(stored.map(\.text) == ["Hi there", "Hello from the fake"])
            #expect(stored.map(\.status) == [.complete, .complete])
            #expect(rig.app.chat.conversations.first?.id == conversation.id)
        }
    }

    @Test func escStopsAReplyAndTheStoreKeepsItInterrupted() async throws {
        try await FakeServerHarness.with(
            reply: ReplyConfig(text: String(repeating: "slow words ", count: 200), chunkChars: 5, delayMs: 20)
        ) { fake in
            let rig = try Rig(fake: fake)
            rig.send("Tell me a long story")
            try await rig.pump { $0.chat.transcript.count == 2 && $0.chat.transcript[1].text.count > 20 }
            rig.runtime.perform(rig.app.press(KeyEvent(.escape)))
            try await rig.pump { !$0.chat.isStreaming }
            let reply = rig.app.chat.transcript[1]
            guard case .interrupted = reply.state else {
                Issue.record("not interrupted: \(reply.state)")
                return
            }
            rig.runtime.flush()
            let conversation = try #require(try rig.store.latestConversation())
            let stored = try rig.store.lastMessages(in: conversation.id, limit: 10)
            #expect(stored.last?.status == .interrupted)
            #expect(stored.last.map { reply.text.hasPrefix($0.text) } == true)
        }
    }

    @Test func aFailedRequestIsRetriedInPlaceWithCtrlR() async throws {
        try await FakeServerHarness.with(reply: ReplyConfig(text: "Recovered")) { fake in
            let rig = try Rig(fake: fake)
            var configuration = rig.runtime.clientConfiguration
            configuration.retryPolicy.maxRetries = 0
            rig.runtime.clientConfiguration = configuration
            fake.state.enqueueFault(.status(500, message: "boom"))
            rig.send("Please answer")
            try await rig.pump { !$0.chat.isStreaming }
            guard case .failed(let report) = rig.app.chat.transcript[0].state else {
                Issue.record("not failed")
                return
            }
            #expect(report.contains("500"))
            rig.runtime.perform(rig.app.press(.ctrl("r")))
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            #expect(rig.app.chat.transcript.map(\.text) == ["Please answer", "Recovered"])
            rig.runtime.flush()
            let conversation = try #require(try rig.store.latestConversation())
            let stored = try rig.store.lastMessages(in: conversation.id, limit: 10)
            #expect(stored.map(\.text) == ["Please answer", "Recovered"]) // the same prompt row, not a copy
        }
    }

    @Test func conversationsReopenWithTheirDraft() async throws {
        try await FakeServerHarness.with(reply: ReplyConfig(text: "ok")) { fake in
            let rig = try Rig(fake: fake)
            rig.send("first conversation")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            let first = try #require(rig.app.chat.conversation?.id)
            rig.app.type("half-written thought")
            rig.runtime.perform(rig.app.press(.ctrl("n")))
            rig.send("second conversation")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            rig.runtime.perform(rig.app.chat.update(.open(first)))
            try await rig.pump { $0.chat.conversation?.id == first }
            #expect(rig.app.ui.composer.text == "half-written thought")
            #expect(rig.app.chat.transcript.map(\.text) == ["first conversation", "ok"])
        }
    }
}

extension ChatRuntimeTests {
    @Test func exportWritesANewFileInTheSessionsFormat() async throws {
        try await FakeServerHarness.with(reply: ReplyConfig(text: "ok")) { fake in
            let rig = try Rig(fake: fake)
            rig.send("Export me please")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            let id = try #require(rig.app.chat.conversation?.id)
            for _ in 0..<2 { rig.runtime.perform(.export(id, .markdown, directory: rig.directory)) }
            try await rig.pump { $0.chat.notice?.text.contains("-2.md") == true }
            let path = rig.directory + "/palaver-\(id)-export-me-please.md"
            #expect(try String(contentsOfFile: path, encoding: .utf8) == (try rig.store.export(id, format: .markdown)))
            #expect(FileManager.default.fileExists(atPath: rig.directory + "/palaver-\(id)-export-me-please-2.md"))
            rig.runtime.perform(.searchAll("please"))
            var hits: [SearchHit] = []
            let deadline = ContinuousClock.now + .seconds(10)
            while hits.isEmpty {
                if case .searchResults(_, let h) = try await rig.next(before: deadline) { hits = h }
            }
            #expect(hits.first?.conversationID == id)
        }
    }
}

extension ChatRuntimeTests {
    @Test func aKeySavedFromAnotherTerminalIsPickedUpAfterA401WithoutAsking() async throws {
        let newKey = FakeServerHarness.randomKey()
        try await FakeServerHarness.with(reply: ReplyConfig(text: "still here")) { fake in
            let rig = try Rig(fake: fake)
            // Another terminal ran `palaver key set` with a new key, then the old one was revoked.
            try rig.keys.file.write(newKey)
            fake.state.addKey(newKey)
            fake.state.revokeKey(FakeServerHarness.defaultKey)
            rig.send("Are you there?")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            #expect(rig.app.chat.keyPrompt == nil)
            #expect(rig.app.chat.transcript.map(\.text) == ["Are you there?", "still here"])
            #expect(rig.app.chat.key.source == .credentialsFile(rig.keys.file.path))
            #expect(rig.app.chat.notice?.text.contains("changed while palaver was running") == true)
            // The rejected variable's key is remembered, so the next start skips it (the stale-variable trap).
            #expect(rig.keys.memory.rejectedAt(FakeServerHarness.defaultKey) != nil)
            rig.runtime.flush()
            let stored = try rig.store.lastMessages(in: try #require(rig.app.chat.conversation?.id), limit: 10)
            #expect(stored.map(\.text) == ["Are you there?", "still here"]) // answered in place, one prompt row
        }
    }

    @Test func withNoOtherKeyTheMessageWaitsAndEnterOpensTheRejectedDialog() async throws {
        try await FakeServerHarness.with { fake in
            let rig = try Rig(fake: fake)
            try await rig.sendWithTheKeyRevoked("Hello?", fake: fake)
            // The reload found nothing: no dialog takes the keyboard by itself.
            #expect(rig.app.chat.keyPrompt == nil)
            #expect(rig.app.chat.transcript[0].state == .pending("waiting for a valid key: F10 enters one"))
            rig.runtime.perform(rig.app.press(KeyEvent(.enter)))
            guard case .rejected? = rig.app.chat.keyPrompt?.reason else {
                Issue.record("no dialog")
                return
            }
            #expect(rig.app.chat.keyPrompt?.messageWaits == true)
        }
    }
}

extension ChatRuntimeTests {
    /// `waitUntilIdle` off the test's own thread (it blocks, as the loop thread does at quit),
    /// with how long it took.
    private func waitUntilIdle(_ runtime: ChatRuntime, timeout: Duration) async -> (idle: Bool, waited: Duration) {
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                let clock = ContinuousClock()
                let start = clock.now
                let idle = runtime.waitUntilIdle(timeout: timeout)
                done.resume(returning: (idle, start.duration(to: clock.now)))
            }
        }
    }

    @Test func quittingWaitsForACancelledTurnToEndButNeverPastTheBound() async throws {
        try await FakeServerHarness.with(
            reply: ReplyConfig(text: String(repeating: "slow words ", count: 200), chunkChars: 5, delayMs: 20)
        ) { fake in
            let rig = try Rig(fake: fake)
            rig.send("Tell me a long story")
            try await rig.pump { $0.chat.transcript.count == 2 && $0.chat.transcript[1].text.count > 20 }
            // Still streaming (about 9 s of reply) and not cancelled: it gives up at the bound, not later.
            let running = await waitUntilIdle(rig.runtime, timeout: .milliseconds(300))
            #expect(!running.idle)
            #expect(running.waited >= .milliseconds(300) && running.waited < .seconds(2), "\(running.waited)")
            #expect(rig.runtime.activeTurns == 1)
            // Cancelled: it returns once the turn has ended, and by then the reply is stored as interrupted.
            rig.runtime.cancelAll()
            let stopped = await waitUntilIdle(rig.runtime, timeout: .seconds(3))
            #expect(stopped.idle)
            #expect(stopped.waited < .seconds(2), "\(stopped.waited)")
            #expect(rig.runtime.activeTurns == 0)
            let conversation = try #require(try rig.store.latestConversation())
            let stored = try rig.store.lastMessages(in: conversation.id, limit: 10)
            #expect(stored.map(\.status) == [.complete, .interrupted])
            #expect(stored.last.map { $0.text.count > 20 } == true)
        }
    }

    @Test func keyChecksAreStampedWithTheRuntimesClock() async throws {
        let fixed = Date(timeIntervalSince1970: 1_700_000_000)
        try await FakeServerHarness.with { fake in
            let rig = try Rig(fake: fake, now: { fixed })
            rig.runtime.perform(.verifyKey)
            let deadline = ContinuousClock.now + .seconds(10)
            var checked: (at: Date, failed: Bool)?
            while checked == nil {
                if case .keyChecked(let outcome) = try await rig.next(before: deadline) {
                    checked = (outcome.at, outcome.error != nil)
                }
            }
            #expect(checked?.failed == false)
            #expect(checked?.at == fixed)
        }
    }
}
