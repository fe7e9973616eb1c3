import AnthropicAPI
import Benchmark
import Foundation
import SessionStore

// Session store at scale. The fixture (one 100,000-message conversation among 10,000
// conversations) is built once through the public API and cached in the temp folder; delete
// palaver-session-store-bench-*.sqlite there to rebuild it.
//
// Goals (issue 4): opening the store and loading the last 200 messages of the big conversation,
// and listing the conversations (first page of 50 and the count), each under 20 ms.

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .syscalls],
        timeUnits: .microseconds, maxDuration: .seconds(5), maxIterations: 300)

    Benchmark("open store + last 200 of 100k messages", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let store = try SessionStore(path: Fixture.path)
            blackHole(try store.lastMessages(in: Fixture.bigConversation, limit: 200))
            try store.close()
        }
    } setup: {
        _ = Fixture.path
    }

    Benchmark("list 10k conversations: first 50 + count", configuration: configuration) { benchmark in
        let store = try SessionStore(path: Fixture.path)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try store.conversations(limit: 50))
            blackHole(try store.conversationCount())
        }
        benchmark.stopMeasurement()
        try store.close()
    } setup: {
        _ = Fixture.path
    }

    Benchmark("open store + list 10k conversations: first 50 + count", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let store = try SessionStore(path: Fixture.path)
            blackHole(try store.conversations(limit: 50))
            blackHole(try store.conversationCount())
            try store.close()
        }
    } setup: {
        _ = Fixture.path
    }

    Benchmark("scroll back 200 from the middle of 100k messages", configuration: configuration) { benchmark in
        let store = try SessionStore(path: Fixture.path)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try store.messages(in: Fixture.bigConversation, before: 50_000, limit: 200))
        }
        benchmark.stopMeasurement()
        try store.close()
    } setup: {
        _ = Fixture.path
    }

    Benchmark("search a common word across 112k messages (50 newest hits)", configuration: configuration) { benchmark in
        let store = try SessionStore(path: Fixture.path)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try store.search("lighthouse", limit: 50))
        }
        benchmark.stopMeasurement()
        try store.close()
    } setup: {
        _ = Fixture.path
    }

    // The streaming hot path: 1 MB of text in 100-byte deltas into a Checkpointer with the real
    // clock. Measured: the appends only (what the stream's thread pays); the background queue
    // checkpoints meanwhile (every 2 KB here, as the deltas arrive faster than 250 ms) and
    // competes for the two cores. Compare with the plain String append baseline.
    Benchmark(
        "Checkpointer hot path: 1 MB in 100-byte appendText calls",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
            maxDuration: .seconds(5), maxIterations: 50)
    ) { benchmark in
        let scratch = Scratch()
        let store = try SessionStore(path: scratch.database)
        let conversation = try store.createConversation(model: "m")
        let piece = String(repeating: "x", count: 100)
        for _ in benchmark.scaledIterations {
            let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
            let checkpointer = try store.checkpointer(for: reply.id)
            benchmark.startMeasurement()
            for _ in 0..<10_000 { checkpointer.appendText(piece) }
            benchmark.stopMeasurement()
            blackHole(try checkpointer.finish())
        }
        try store.close()
    }

    Benchmark(
        "baseline: 1 MB in 100-byte appends to a String",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
            maxDuration: .seconds(5), maxIterations: 50)
    ) { benchmark in
        let piece = String(repeating: "x", count: 100)
        for _ in benchmark.scaledIterations {
            var text = ""
            for _ in 0..<10_000 { text += piece }
            blackHole(text)
        }
    }

    // Checkpoints of a long reply, on the writer queue: 256 KB is about a 64k-token reply, the
    // largest the API sends. A normal checkpoint appends what arrived (here 2 KB); a whole
    // write (at the start, after replaceContent, every 512 chunks) rewrites everything.
    Benchmark(
        "checkpoint: append 2 KB to a 256 KB streaming reply",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
            maxDuration: .seconds(5), maxIterations: 300)
    ) { benchmark in
        let scratch = Scratch()
        let store = try SessionStore(path: scratch.database)
        let (checkpointer, _) = try longReply(store)
        let delta = String(repeating: "Lorem ipsum dolor sit amet. ", count: 2048 / 28)
        for _ in benchmark.scaledIterations {
            checkpointer.appendText(delta)
            benchmark.startMeasurement()
            try checkpointer.flush()
            benchmark.stopMeasurement()
        }
        try checkpointer.finish()
        try store.close()
    }

    Benchmark(
        "checkpoint: rewrite a whole 256 KB streaming reply",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
            maxDuration: .seconds(5), maxIterations: 100)
    ) { benchmark in
        let scratch = Scratch()
        let store = try SessionStore(path: scratch.database)
        let (checkpointer, text) = try longReply(store)
        for i in benchmark.scaledIterations {
            checkpointer.replaceContent(StoredContent(text: text + String(i)))
            benchmark.startMeasurement()
            try checkpointer.flush()
            benchmark.stopMeasurement()
        }
        try checkpointer.finish()
        try store.close()
    }

    // What part of a whole write is encoding: AnthropicAPI's JSON writer on the same content.
    Benchmark(
        "encode a 256 KB reply as content JSON",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
            maxDuration: .seconds(5), maxIterations: 100)
    ) { benchmark in
        let text = String(repeating: "Lorem ipsum dolor sit amet, \"quoted\"\n", count: 256 * 1024 / 37)
        let blocks: [ContentBlock] = [.text(text)]
        for _ in benchmark.scaledIterations {
            blackHole(JSONValue.array(blocks.map(\.json)).serialized())
        }
    }
}

/// A streaming reply that already holds 256 KB of text, with a checkpointer that writes only
/// when flushed.
func longReply(_ store: SessionStore) throws -> (Checkpointer, String) {
    let conversation = try store.createConversation(model: "m")
    let reply = try store.beginAssistantMessage(in: conversation.id, model: "m")
    let policy = CheckpointPolicy(interval: .seconds(3600), byteThreshold: .max, heartbeatInterval: .seconds(3600))
    let checkpointer = try store.checkpointer(for: reply.id, policy: policy)
    let text = String(repeating: "Lorem ipsum dolor sit amet, \"quoted\"\n", count: 256 * 1024 / 37)
    checkpointer.appendText(text)
    try checkpointer.flush()
    return (checkpointer, text)
}

/// A throwaway folder for one benchmark's database.
final class Scratch {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palaver-bench-\(UUID())")
    var database: String { directory.appendingPathComponent("bench.sqlite").path }
    init() { try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// The cached fixture database.
enum Fixture {
    static let messageCount = 100_000
    static let conversationCount = 10_000
    /// The big conversation is the first one created.
    static let bigConversation = ConversationID(1)

    static let path: String = {
        let final = FileManager.default.temporaryDirectory
            .appendingPathComponent("palaver-session-store-bench-v2.sqlite").path
        if FileManager.default.fileExists(atPath: final) { return final }
        let building = final + ".building-\(getpid())"
        let start = ContinuousClock.now
        do {
            try build(at: building)
            try FileManager.default.moveItem(atPath: building, toPath: final)
        } catch {
            fatalError("building the benchmark fixture failed: \(error)")
        }
        print("built the fixture in \(ContinuousClock.now - start): \(final)")
        return final
    }()

    private static let words = """
        the a of to and in is it you that for on with as this was are be at by not or have from \
        lighthouse harbour swift closure borrow async actor stream token model reply question answer \
        terminal window buffer cursor render layout widget theme search index query schema migration
        """.split(separator: " ").map(String.init)

    /// Deterministic filler text of about `length` bytes.
    private static func text(_ seed: Int, length: Int) -> String {
        var state = UInt64(truncatingIfNeeded: seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var out = ""
        while out.utf8.count < length {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            out += words[Int(state >> 33) % words.count] + " "
        }
        return out
    }

    private static func build(at path: String) throws {
        let store = try SessionStore(path: path)
        // The big conversation, imported in one transaction as an export document.
        let time = JSONValue.string("2026-01-01T00:00:00.000Z")
        var messages: [JSONValue] = []
        messages.reserveCapacity(messageCount)
        for i in 1...messageCount {
            let isUser = i % 2 == 1
            var message: [String: JSONValue] = [
                "position": .int(i), "role": .string(isUser ? "user" : "assistant"), "status": .string("complete"),
                "content": .array([
                    .object([
                        "type": .string("text"),
                        "text": .string(text(i, length: isUser ? 150 : 900)),
                    ])
                ]),
                "created_at": time, "updated_at": time,
            ]
            if !isUser {
                message["model"] = .string("claude-sonnet-4-5")
                message["request_id"] = .string("req_\(i)")
                message["stop_reason"] = .string("end_turn")
                message["usage"] = .object(["input_tokens": .int(1000 + i), "output_tokens": .int(250)])
            }
            messages.append(.object(message))
        }
        let document = JSONValue.object([
            "format": .string("palaver.conversation"), "version": .int(1),
            "conversation": .object([
                "title": .string("The long one"), "model": .string("claude-sonnet-4-5"),
                "system_prompt": .null, "created_at": time, "updated_at": time,
            ]),
            "messages": .array(messages),
        ])
        let big = try store.importConversation(json: document.serialized())
        precondition(big.id == bigConversation)
        // The other conversations, each with a short exchange.
        for i in 1..<conversationCount {
            let conversation = try store.createConversation(title: "Conversation \(i)", model: "claude-sonnet-4-5")
            try store.appendUserMessage(to: conversation.id, text: text(-i, length: 120), status: .complete)
            if i % 5 == 0 {
                let reply = try store.beginAssistantMessage(in: conversation.id, model: "claude-sonnet-4-5")
                try store.finishAssistantMessage(
                    reply.id, content: StoredContent(text: text(i, length: 600)), stopReason: "end_turn")
            }
        }
        try store.close()
    }
}
