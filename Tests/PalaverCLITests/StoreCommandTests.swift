import FakeAnthropic
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The session store under stress from the command line: prompts sent at once on one
/// conversation, a database another process keeps locked, private exports.
@Suite struct StoreCommandTests {
    static let key = FakeServerHarness.defaultKey
    static let model = "claude-sonnet-4-5-20250929"
    static let echo = "Hello from fake-anthropic. You said: "

    /// The messages of the last request the fake received, as (role, text).
    private func lastHistory(_ fake: FakeServerHarness) throws -> [(role: String, text: String)] {
        let sent = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
        let messages = try #require(sent["messages"] as? [[String: Any]])
        return messages.map { message in
            let role = message["role"] as? String ?? "?"
            if let text = message["content"] as? String { return (role, text) }
            let blocks = message["content"] as? [[String: Any]] ?? []
            return (role, blocks.compactMap { $0["text"] as? String }.joined())
        }
    }

    /// Every reply in the history is the fake's echo of the prompt just before it.
    private func expectEachReplyAnswersItsPrompt(_ history: [(role: String, text: String)]) {
        #expect(
            history.map(\.role) == Array(repeating: ["user", "assistant"], count: history.count / 2).flatMap { $0 } + [
                "user"
            ])
        for i in stride(from: 1, to: history.count, by: 2) {
            #expect(
                history[i].text == Self.echo + history[i - 1].text,
                "reply \(i) pairs \(history[i - 1].text) with \(history[i].text)")
        }
    }

    @Test func interleavedRowsFromAnImportStillPairEachPromptWithItsReply() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            // What two `ask -c` at once leave behind: both prompts, then both replies (a rule that
            // pairs a reply with the nearest prompt before it gives A's answer to B).
            func message(_ position: Int, _ role: String, _ text: String, replyTo: Int?) -> String {
                """
                {"content":[{"text":"\(text)","type":"text"}],"created_at":"2026-01-01T00:00:0\(position).000Z","error_summary":null,\
                "in_reply_to":\(replyTo.map(String.init) ?? "null"),"model":\(role == "user" ? "null" : "\"m\""),"position":\(position),\
                "request_id":null,"role":"\(role)","status":"complete","stop_reason":null,\
                "updated_at":"2026-01-01T00:00:0\(position).000Z","usage":null}
                """
            }
            let document = """
                {"conversation":{"created_at":"2026-01-01T00:00:00.000Z","model":"\(Self.model)","system_prompt":null,\
                "title":"raced","updated_at":"2026-01-01T00:00:09.000Z"},"format":"palaver.conversation","messages":[\
                \(message(1, "user", "first", replyTo: nil)),\(message(2, "assistant", Self.echo + "first", replyTo: 1)),\
                \(message(3, "user", "from A", replyTo: nil)),\(message(4, "user", "from B", replyTo: nil)),\
                \(message(5, "assistant", Self.echo + "from A", replyTo: 3)),\(message(6, "assistant", Self.echo + "from B", replyTo: 4))\
                ],"version":1}
                """
            let file = palaver.home.appendingPathComponent("raced.json")
            try document.write(to: file, atomically: true, encoding: .utf8)
            let imported = try await palaver.run(["sessions", "import", file.path])
            #expect(imported.status == 0, "\(imported.stderr)")

            let next = try await palaver.run(["ask", "--model", Self.model, "--session", "1", "next"])
            #expect(next.status == 0, "\(next.stderr)")
            let history = try lastHistory(fake)
            #expect(history.count == 7)
            expectEachReplyAnswersItsPrompt(history)
        }
    }

    @Test func twoContinuesAtOnceKeepEveryPromptWithItsOwnAnswer() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            #expect(try await palaver.run(["ask", "--model", Self.model, "start"]).status == 0)
            fake.state.setReply(ReplyConfig(chunkChars: 3, delayMs: 20))
            let a = try palaver.start(["ask", "--model", Self.model, "-c", "question from A"])
            let b = try palaver.start(["ask", "--model", Self.model, "-c", "question from B"])
            let (ra, rb) = (try await a.wait(timeout: .seconds(30)), try await b.wait(timeout: .seconds(30)))
            #expect(ra.status == 0, "\(ra.stderr)")
            #expect(rb.status == 0, "\(rb.stderr)")
            fake.state.setReply(ReplyConfig())
            #expect(try await palaver.run(["ask", "--model", Self.model, "-c", "and now?"]).status == 0)
            let history = try lastHistory(fake)
            #expect(history.count == 7)
            expectEachReplyAnswersItsPrompt(history)
        }
    }

    /// Holds a write lock on `database` (BEGIN IMMEDIATE in the sqlite3 shell) until `release`.
    private final class LockHolder: Sendable {
        let process = Process()
        private let input = Pipe()
        private let output = Pipe()

        init(database: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [database]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
            let line = output.fileHandleForReading.availableData
            guard String(decoding: line, as: UTF8.self).contains("locked") else { throw NotLocked() }
        }

        /// Ends the transaction and sqlite3. `.quit` rather than only closing stdin: a process
        /// another test starts meanwhile may inherit the pipe's write end, and then EOF never comes
        /// (a run waited 24 minutes on that). Bounded: after 10 s sqlite3 is stopped.
        func release() {
            input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
            try? input.fileHandleForWriting.close()
            let deadline = ContinuousClock.now + .seconds(10)
            while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        struct NotLocked: Error {}
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func aLockedStoreStopsAContinueBeforeSendingAndAPlainAskSaysNothingWasSaved() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            #expect(try await palaver.run(["ask", "--model", Self.model, "kept"]).status == 0)
            let database = palaver.home.appendingPathComponent("data/palaver/palaver.sqlite").path
            let lock = try LockHolder(database: database)
            let sentBefore = fake.state.requests().count
            async let continued = palaver.run(["ask", "--model", Self.model, "-c", "lost?"])
            async let plain = palaver.run(["ask", "--model", Self.model, "plain question"])
            let (c, p) = try await (continued, plain)
            lock.release()

            #expect(c.status == 9, "\(c.stderr)")
            #expect(c.stdout.isEmpty)
            #expect(c.stderr.contains("nothing was sent"))
            #expect(c.stderr.contains("locked"))
            #expect(p.status == 0, "\(p.stderr)")
            #expect(p.stdout == Self.echo + "plain question\n")
            #expect(p.stderr.contains("this exchange was not saved"), "\(p.stderr)")
            #expect(p.stderr.split(separator: "\n").count == 1, "\(p.stderr)")
            #expect(fake.state.requests().count == sentBefore + 1) // only the plain ask was sent

            let list = try await palaver.run(["sessions", "list"])
            #expect(list.stdout.split(separator: "\n").count == 1, "\(list.stdout)")
            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(!show.stdout.contains("lost?"))
            #expect(try await palaver.run(["ask", "--model", Self.model, "-c", "once it is free"]).status == 0)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func searchRebuildsADamagedIndexAndSaysSo() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            for word in ["aardvark", "okapi", "pangolin"] {
                #expect(try await palaver.run(["ask", "--model", Self.model, "tell me about the \(word)"]).status == 0)
            }
            let database = palaver.home.appendingPathComponent("data/palaver/palaver.sqlite").path
            let damage = Process()
            damage.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            damage.arguments = [
                database, "UPDATE message_search_data SET block = zeroblob(length(block)) WHERE id > 10",
            ]
            try damage.run()
            damage.waitUntilExit()
            #expect(damage.terminationStatus == 0)

            let search = try await palaver.run(["sessions", "search", "okapi"])
            #expect(search.status == 0, "\(search.stderr)")
            #expect(search.stdout.split(separator: "\n").count == 2, "\(search.stdout)") // the prompt and its echo
            #expect(search.stderr.contains("rebuilt"))
            let again = try await palaver.run(["sessions", "search", "pangolin"])
            #expect(again.stdout.split(separator: "\n").count == 2)
            #expect(again.stderr.isEmpty, "\(again.stderr)")
        }
    }

    @Test func exportToAFileIsPrivateAndReplacesTheOldOneWhole() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            #expect(try await palaver.run(["ask", "--model", Self.model, "secret plans"]).status == 0)
            let folder = palaver.home.appendingPathComponent("exports")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("talk.json")
            try "old contents, readable by all".write(to: file, atomically: true, encoding: .utf8)
            chmod(file.path, 0o644)

            let exported = try await palaver.run(["sessions", "export", "1", "--format", "json", "-o", file.path])
            #expect(exported.status == 0, "\(exported.stderr)")
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let printed = try await palaver.run(["sessions", "export", "1", "--format", "json"])
            #expect(try String(contentsOf: file, encoding: .utf8) == printed.stdout)
            // No temporary file left.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["talk.json"])

            let fresh = folder.appendingPathComponent("new.md")
            #expect(try await palaver.run(["sessions", "export", "1", "-o", fresh.path]).status == 0)
            #expect(try FileManager.default.attributesOfItem(atPath: fresh.path)[.posixPermissions] as? Int == 0o600)
            #expect(try await palaver.run(["sessions", "export", "1", "-o", "/nonexistent-dir/x.md"]).status != 0)
        }
    }
}
