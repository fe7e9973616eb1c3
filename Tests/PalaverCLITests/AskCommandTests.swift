import FakeAnthropic
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `palaver ask` as a user runs it: the real binary against fake-anthropic over HTTP.
@Suite struct AskCommandTests {
    static let key = FakeServerHarness.defaultKey

    /// Runs `body` with a fake server and a palaver environment pointed at it.
    /// The key must never appear anywhere the user or a log could see it.
    private func expectNoKey(
        _ result: PalaverProcess.Result, key: String = AskCommandTests.key,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!result.stdout.contains(key), sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(key), sourceLocation: sourceLocation)
    }

    @Test func streamsTheReplyAndExitsZero() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.server.state.setReply(ReplyConfig(text: "Streamed answer: 你好 🙂", chunkChars: 3))
            let result = try await palaver.run(["ask", "--model", "claude-sonnet-4-5-20250929", "What", "is", "up?"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "Streamed answer: 你好 🙂\n")
            #expect(result.stderr.isEmpty)
            let body = try #require(fake.server.state.requests().last?.body)
            #expect(body.contains("\"What is up?\""))
            #expect(body.contains("\"stream\":true"))
            expectNoKey(result)
        }
    }

    @Test func promptFromStandardInputAndDash() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            let piped = try await palaver.run(
                ["ask", "--model", "claude-sonnet-4-5-20250929"], stdin: "piped question\n")
            #expect(piped.status == 0)
            #expect(piped.stdout == "Hello from fake-anthropic. You said: piped question\n")
            let dash = try await palaver.run(
                ["ask", "--model", "claude-sonnet-4-5-20250929", "Review:", "-"], stdin: "the diff")
            #expect(dash.stdout == "Hello from fake-anthropic. You said: Review: the diff\n")
        }
    }

    @Test func noStreamAndJSON() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            let plain = try await palaver.run([
                "ask", "--no-stream", "--model", "claude-sonnet-4-5-20250929", "--system", "Be brief", "hi",
            ])
            #expect(plain.status == 0)
            #expect(plain.stdout == "Hello from fake-anthropic. You said: hi\n")
            let sent = try #require(fake.server.state.requests().last?.body)
            #expect(!sent.contains("\"stream\""))
            #expect(sent.contains("\"system\":\"Be brief\""))

            let json = try await palaver.run([
                "ask", "--json", "--model", "claude-sonnet-4-5-20250929", "--max-tokens", "50", "hi",
            ])
            #expect(json.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["type"] as? String == "message")
            #expect(object?["stop_reason"] as? String == "end_turn")
            let content = object?["content"] as? [[String: Any]]
            #expect(content?.first?["text"] as? String == "Hello from fake-anthropic. You said: hi")
            #expect(fake.server.state.requests().last?.body?.contains("\"max_tokens\":50") == true)
        }
    }

    @Test func modelDefaultsToTheNewestListedAndIsRemembered() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            let first = try await palaver.run(["ask", "hi"])
            #expect(first.status == 0, "\(first.stderr)")
            let paths = fake.server.state.requests().map(\.path)
            #expect(paths == ["/v1/models", "/v1/messages"])
            #expect(fake.server.state.requests().last?.body?.contains("claude-sonnet-4-5-20250929") == true)

            fake.server.state.clearRequests()
            let second = try await palaver.run(["ask", "hi"])
            #expect(second.status == 0)
            #expect(fake.server.state.requests().map(\.path) == ["/v1/messages"])

            // The remembered model is retired: the API answers 404, palaver lists again and retries.
            fake.server.state.setModels([
                FakeAnthropic.ModelInfo(
                    id: "claude-next-20270101", displayName: "Claude Next", createdAt: "2027-01-01T00:00:00Z")
            ])
            fake.server.state.clearRequests()
            let third = try await palaver.run(["ask", "hi"])
            #expect(third.status == 0, "\(third.stderr)")
            #expect(third.stderr.contains("claude-next-20270101"))
            #expect(fake.server.state.requests().map(\.path) == ["/v1/messages", "/v1/models", "/v1/messages"])
            #expect(fake.server.state.requests().last?.body?.contains("claude-next-20270101") == true)
        }
    }

    @Test func usageErrorsExitTwo() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            #expect(try await palaver.run(["ask", "--max-tokens", "0", "hi"]).status == 2)
            #expect(try await palaver.run(["ask", "--bogus-flag", "hi"]).status == 2)
            #expect(try await palaver.run(["ask"], stdin: "   \n").status == 2)
            try palaver.writeConfig("model = \"x\"\nmax_tokens = = 2\n")
            let broken = try await palaver.run(["ask", "hi"])
            #expect(broken.status == 2)
            #expect(broken.stderr.contains("config.toml:2"))
            #expect(fake.server.state.requests().isEmpty)
        }
    }

    @Test func plainHTTPToARemoteHostIsRefused() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            let result = try await palaver.run(["ask", "--base-url", "http://gateway.example.com/anthropic", "hi"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("plain http"))
            expectNoKey(result)
        }
    }

    @Test func missingOrMalformedKeyExitsThreeAndSendsNothing() async throws {
        try await withPalaver(key: nil) { fake, palaver in
            let missing = try await palaver.run(["ask", "hi"])
            #expect(missing.status == 3)
            #expect(missing.stderr.contains("ANTHROPIC_API_KEY is not set"))
            var quoted = palaver
            quoted.environment["ANTHROPIC_API_KEY"] = "\"\(Self.key)\""
            let bad = try await quoted.run(["ask", "hi"])
            #expect(bad.status == 3)
            #expect(bad.stderr.contains("quote"))
            expectNoKey(bad)
            #expect(fake.server.state.requests().isEmpty)
        }
    }

    @Test func rejectedKeyExitsFourWithTheFullStory() async throws {
        let wrong = "sk-ant-api03-" + String(repeating: "z", count: 93) + "AA"
        try await withPalaver(key: wrong) { _, palaver in
            let result = try await palaver.run(["ask", "--model", "claude-sonnet-4-5-20250929", "hi"])
            #expect(result.status == 4)
            for fact in [
                "sk-ant-…zzAA from ANTHROPIC_API_KEY", "HTTP 401", "authentication_error", "invalid x-api-key",
                "request req_", "console.anthropic.com",
            ] {
                #expect(result.stderr.contains(fact), "missing \(fact) in \(result.stderr)")
            }
            #expect(result.stderr.split(separator: "\n").count == 1)
            expectNoKey(result, key: wrong)
        }
    }

    @Test func permissionAndCreditExitFive() async throws {
        let forbidden = "sk-ant-api03-" + String(repeating: "f", count: 93) + "AA"
        try await withPalaver(key: forbidden) { fake, palaver in
            fake.server.state.addKey(forbidden, status: .forbidden)
            #expect(try await palaver.run(["ask", "--model", "claude-sonnet-4-5-20250929", "hi"]).status == 5)
            fake.server.state.setKeyStatus(forbidden, .noCredit)
            let broke = try await palaver.run(["ask", "--model", "claude-sonnet-4-5-20250929", "hi"])
            #expect(broke.status == 5)
            #expect(broke.stderr.contains("credit"))
        }
    }

    @Test func rateLimitedAfterRetriesExitsSix() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.server.state.enqueueFault(.status(429, headers: ["retry-after-ms": "20"], times: 3))
            let result = try await palaver.run(["ask", "--model", "claude-sonnet-4-5-20250929", "hi"])
            #expect(result.status == 6)
            #expect(result.stderr.contains("retrying"))
            #expect(result.stderr.contains("after 3 attempts"))
            #expect(fake.server.state.requests().count == 3)
        }
    }

    @Test func networkFailuresExitSeven() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            let refused = try await palaver.run([
                "ask", "--base-url", "http://127.0.0.1:1", "--max-retries", "0", "--model", "m", "hi",
            ])
            #expect(refused.status == 7)
            #expect(refused.stderr.contains("Could not reach the API"))

            fake.server.state.setReply(ReplyConfig(text: "partial reply text", chunkChars: 4))
            fake.server.state.enqueueFault(.drop(afterEvents: 2))
            let dropped = try await palaver.run(["ask", "--model", "claude-sonnet-4-5-20250929", "hi"])
            #expect(dropped.status == 7)
            #expect(dropped.stdout == "partial \n")
            #expect(dropped.stderr.contains("interrupted"))

            fake.server.state.enqueueFault(.stall(seconds: 10, afterEvents: 1))
            let stalled = try await palaver.run([
                "ask", "--idle-timeout", "0.5", "--max-retries", "0", "--model", "claude-sonnet-4-5-20250929", "hi",
            ])
            #expect(stalled.status == 7)
        }
    }

    @Test func proxyVariablesWorkAsInCurl() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            var proxied = palaver
            proxied.environment["http_proxy"] = "http://127.0.0.1:1"
            let refused = try await proxied.run([
                "ask", "--max-retries", "0", "--model", "claude-sonnet-4-5-20250929", "hi",
            ])
            #expect(refused.status == 7, "\(refused.stderr)")
            #expect(fake.server.state.requests().isEmpty)
            proxied.environment["no_proxy"] = "127.0.0.1"
            #expect(try await proxied.run(["ask", "--model", "claude-sonnet-4-5-20250929", "hi"]).status == 0)
        }
    }

    @Test func otherAPIErrorsExitEight() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            let unknownModel = try await palaver.run(["ask", "--model", "claude-nope", "hi"])
            #expect(unknownModel.status == 8)
            #expect(unknownModel.stderr.contains("claude-nope"))
            fake.server.state.enqueueFault(.status(500))
            #expect(
                try await palaver.run(["ask", "--max-retries", "0", "--model", "claude-sonnet-4-5-20250929", "hi"])
                    .status == 8)
        }
    }

    @Test func interruptExits130AndKeepsWhatArrived() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.server.state.setReply(
                ReplyConfig(text: String(repeating: "word ", count: 100), chunkChars: 5, delayMs: 100))
            let running = try palaver.start(["ask", "--model", "claude-sonnet-4-5-20250929", "hi"])
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while running.stdoutSoFar.count < 10 && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            running.signal(SIGINT)
            let result = try await running.wait(timeout: .seconds(10))
            #expect(result.status == 130)
            #expect(result.stdout.hasPrefix("word word"))
            #expect(result.stderr.contains("interrupted"))
            // The transfer was aborted: the fake sees no stream still being written.
            while fake.server.state.activeResponses() > 0 && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(fake.server.state.activeResponses() == 0)
        }
    }

    @Test func modelsCommandListsNewestFirst() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            let result = try await palaver.run(["models"])
            #expect(result.status == 0)
            let ids = result.stdout.split(separator: "\n").map { String($0.split(separator: " ").first ?? "") }
            #expect(ids.first == "claude-sonnet-4-5-20250929")
            #expect(ids.count == 3)
        }
    }
}
