import FakeAnthropic
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `palaver ask` storing its exchanges, `--continue`/`--session`, `palaver sessions …`, and kill -9.
@Suite struct SessionsCommandTests {
    static let key = FakeServerHarness.defaultKey
    static let model = "claude-sonnet-4-5-20250929"

    private func ask(_ palaver: PalaverProcess, _ arguments: [String]) async throws -> PalaverProcess.Result {
        try await palaver.run(["ask", "--model", Self.model] + arguments)
    }

    @Test func askStoresTheExchangeAndContinueSendsTheHistory() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            #expect(try await ask(palaver, ["What is a monad?"]).status == 0)
            let list = try await palaver.run(["sessions", "list"])
            #expect(list.status == 0)
            #expect(list.stdout.contains("What is a monad?"))
            #expect(list.stdout.hasPrefix("1 "))

            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(show.stdout.contains("## You\nWhat is a monad?\n"))
            #expect(show.stdout.contains("## Claude\nHello from fake-anthropic. You said: What is a monad?\n"))

            let second = try await ask(palaver, ["-c", "And a functor?"])
            #expect(second.status == 0)
            let sent = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
            let messages = try #require(sent["messages"] as? [[String: Any]])
            #expect(messages.count == 3)
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "user"])
            #expect((messages.last?["content"] as? String) == "And a functor?")

            #expect(try await ask(palaver, ["--session", "1", "Third"]).status == 0)
            let third = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
            #expect((third["messages"] as? [[String: Any]])?.count == 5)
            #expect(try await palaver.run(["sessions", "list"]).stdout.split(separator: "\n").count == 1)

            #expect(try await ask(palaver, ["--no-save", "not kept"]).status == 0)
            #expect(try await ask(palaver, ["a new one"]).status == 0)
            let after = try await palaver.run(["sessions", "list"])
            #expect(after.stdout.split(separator: "\n").count == 2)
            #expect(!after.stdout.contains("not kept"))

            #expect(try await ask(palaver, ["--session", "99", "x"]).status == 2)
        }
    }

    @Test func searchExportImportRemove() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            #expect(try await ask(palaver, ["Tell me about zebras and 你好"]).status == 0)
            let hits = try await palaver.run(["sessions", "search", "zebras"])
            #expect(hits.status == 0)
            #expect(hits.stdout.contains("conversation 1"))
            #expect(hits.stdout.contains("[zebras]"))
            #expect(try await palaver.run(["sessions", "search", "\"unbalanced (quote"]).status == 0)

            let markdown = try await palaver.run(["sessions", "export", "1", "--format", "md"])
            #expect(markdown.status == 0)
            #expect(markdown.stdout.contains("Tell me about zebras and 你好"))

            let json = try await palaver.run(["sessions", "export", "1", "--format", "json"])
            #expect(json.status == 0)
            let file = palaver.home.appendingPathComponent("export.json")
            try json.stdout.write(to: file, atomically: true, encoding: .utf8)
            let imported = try await palaver.run(["sessions", "import", file.path])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("conversation 2"))
            let again = try await palaver.run(["sessions", "export", "2", "--format", "json"])
            #expect(again.stdout == json.stdout)

            #expect(try await palaver.run(["sessions", "rm", "1"]).status == 0)
            #expect(try await palaver.run(["sessions", "show", "1"]).status == 2)
            #expect(try await palaver.run(["sessions", "show", "2"]).status == 0)
        }
    }

    @Test func aFailedRequestKeepsThePromptMarkedFailed() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.revokeKey(Self.key)
            #expect(try await ask(palaver, ["Please keep this text"]).status == 4)
            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(show.stdout.contains("## You (failed: The API rejected the key"))
            #expect(show.stdout.contains("Please keep this text"))
            #expect(!show.stdout.contains(Self.key))
        }
    }

    @Test func killNineMidStreamLeavesThePromptAndTheCheckpointedReply() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.setReply(
                ReplyConfig(text: (1...200).map { "w\($0)" }.joined(separator: " "), chunkChars: 6, delayMs: 40))
            let running = try palaver.start(["ask", "--model", Self.model, "Count slowly"])
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while running.stdoutSoFar.count < 120 && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(400)) // past at least one 250 ms checkpoint
            running.signal(SIGKILL)
            let killed = try await running.wait(timeout: .seconds(10))
            #expect(killed.status != 0)
            let printed = killed.stdout

            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(show.status == 0, "\(show.stderr)")
            #expect(
                show.stdout.contains("## You (not answered)\nCount slowly\n")
                    || show.stdout.contains("## You\nCount slowly\n"))
            let marker = "## Claude (interrupted)\n"
            let range = try #require(show.stdout.range(of: marker), "\(show.stdout)")
            let stored = String(show.stdout[range.upperBound...]).trimmingCharacters(in: .newlines)
            #expect(stored.count >= 60, "stored \(stored.count) characters")
            #expect(printed.hasPrefix(stored) || stored.hasPrefix(printed.trimmingCharacters(in: .newlines)))
        }
    }

    @Test func aCorruptDatabaseIsNamedAndLeftAlone() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            let dir = palaver.home.appendingPathComponent("data/palaver")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let database = dir.appendingPathComponent("palaver.sqlite")
            let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            try garbage.write(to: database)

            let answered = try await ask(palaver, ["still answer me"])
            #expect(answered.status == 0)
            #expect(answered.stdout.contains("You said: still answer me"))
            #expect(answered.stderr.contains(database.path))
            #expect(answered.stderr.contains("will not be saved"))

            let list = try await palaver.run(["sessions", "list"])
            #expect(list.status == 2)
            #expect(list.stderr.contains(database.path))
            #expect(try Data(contentsOf: database) == garbage)
            #expect(try await ask(palaver, ["--continue", "x"]).status == 9) // the store is needed: nothing sent
        }
    }

    /// A conversation whose second prompt was edited: "Name a fruit" (answered "Apple") and its
    /// newer version "Name a vegetable" (answered "Carrot", the active path).
    static let branchedExport: String = {
        func message(_ position: Int, _ role: String, _ text: String, parent: Int?) -> String {
            """
            {"content":[{"text":"\(text)","type":"text"}],"created_at":"2026-01-01T00:00:0\(position).000Z",\
            "error_summary":null,"in_reply_to":\(role == "user" ? "null" : String(parent ?? 0)),"model":null,\
            "parent":\(parent.map(String.init) ?? "null"),"position":\(position),"request_id":null,"role":"\(role)",\
            "status":"complete","stop_reason":null,"updated_at":"2026-01-01T00:00:0\(position).000Z","usage":null}
            """
        }
        let messages = [
            message(1, "user", "Name a colour", parent: nil), message(2, "assistant", "Red", parent: 1),
            message(3, "user", "Name a fruit", parent: 2), message(4, "assistant", "Apple", parent: 3),
            message(5, "user", "Name a vegetable", parent: 2), message(6, "assistant", "Carrot", parent: 5),
        ]
        return """
            {"conversation":{"active_leaf":6,"created_at":"2026-01-01T00:00:00.000Z","model":"\(model)",\
            "system_prompt":null,"title":"Branched","updated_at":"2026-01-01T00:00:06.000Z"},\
            "format":"palaver.conversation","messages":[\(messages.joined(separator: ","))],"version":2}

            """
    }()

    @Test func aBranchedConversationShowsItsActivePathAndContinuesIt() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            let file = palaver.home.appendingPathComponent("branched.json")
            try Self.branchedExport.write(to: file, atomically: true, encoding: .utf8)
            let imported = try await palaver.run(["sessions", "import", file.path])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(
                try await palaver.run(["sessions", "export", "1", "--format", "json"]).stdout == Self.branchedExport)

            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(show.status == 0)
            #expect(
                show.stdout.hasSuffix(
                    """

                    ## You
                    Name a colour

                    ## Claude
                    Red

                    ## You ‹ 2/2 ›
                    Name a vegetable
                    (1 other version of this message: 1/2 "Name a fruit")

                    ## Claude
                    Carrot

                    """), "\(show.stdout)")
            #expect(!show.stdout.contains("Apple"))
            let last = try await palaver.run(["sessions", "show", "1", "--last", "2"])
            #expect(last.stdout.contains("## You ‹ 2/2 ›\nName a vegetable\n(1 other version"))
            #expect(!last.stdout.contains("Red"))
            #expect(try await palaver.run(["sessions", "list"]).stdout.contains("    4 msgs"))
            let markdown = try await palaver.run(["sessions", "export", "1", "--format", "md"])
            #expect(markdown.stdout.contains("### 3 · User · version 2/2 · "))
            #expect(!markdown.stdout.contains("Apple"))

            // `ask -c` sends the active path and continues it.
            #expect(try await ask(palaver, ["-c", "And a nut?"]).status == 0)
            let sent = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
            let messages = try #require(sent["messages"] as? [[String: Any]])
            #expect(
                messages.map { $0["content"] as? String } == [
                    "Name a colour", "Red", "Name a vegetable", "Carrot", "And a nut?",
                ])
            let after = try await palaver.run(["sessions", "show", "1", "--last", "2"])
            #expect(
                after.stdout.hasSuffix(
                    "\n## You\nAnd a nut?\n\n## Claude\nHello from fake-anthropic. You said: And a nut?\n"),
                "\(after.stdout)")
            let json = try await palaver.run(["sessions", "export", "1", "--format", "json"])
            #expect(json.stdout.contains(#""active_leaf":8"#))
            #expect(json.stdout.contains(#""parent":6,"position":7"#))
        }
    }
}

/// `palaver ask --retry`: a failed or interrupted prompt is sent again, in place.
@Suite struct AskRetryTests {
    static let model = "claude-sonnet-4-5-20250929"

    @Test func retrySendsTheFailedPromptAgainWithTheSameHistory() async throws {
        try await FakeServerHarness.with { fake in
            let palaver = try PalaverProcess(baseURL: fake.baseURL, key: FakeServerHarness.defaultKey)
            defer { palaver.cleanUp() }
            #expect(try await palaver.run(["ask", "--model", Self.model, "first"]).status == 0)
            #expect(try await palaver.run(["ask", "--retry"]).status == 2) // nothing failed yet

            fake.state.enqueueFault(.status(500))
            #expect(try await palaver.run(["ask", "-c", "--max-retries", "0", "second, lost?"]).status == 8)
            let retried = try await palaver.run(["ask", "--retry"])
            #expect(retried.status == 0, "\(retried.stderr)")
            #expect(retried.stdout == "Hello from fake-anthropic. You said: second, lost?\n")
            let sent = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
            let messages = try #require(sent["messages"] as? [[String: Any]])
            #expect(
                messages.map { $0["content"] as? String } == [
                    "first", "Hello from fake-anthropic. You said: first", "second, lost?",
                ])

            // An interrupted reply: the same prompt again, and the history skips the broken reply.
            fake.state.setReply(ReplyConfig(text: "a long answer that will break", chunkChars: 4))
            fake.state.enqueueFault(.drop(afterEvents: 2))
            #expect(try await palaver.run(["ask", "-c", "third"]).status == 7)
            fake.state.setReply(ReplyConfig())
            #expect(try await palaver.run(["ask", "--session", "1", "--retry"]).status == 0)
            #expect(try await palaver.run(["ask", "-c", "fourth"]).status == 0)
            let last = try #require(fake.state.requests().last?.jsonBody as? [String: Any])
            let roles = (last["messages"] as? [[String: Any]])?.map { $0["role"] as? String }
            #expect(roles == ["user", "assistant", "user", "assistant", "user", "assistant", "user"])

            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(show.stdout.components(separatedBy: "## You").count - 1 == 4) // no duplicated prompts
            #expect(show.stdout.contains("## Claude (interrupted)"))
            #expect(!show.stdout.contains("(failed"))
        }
    }
}
