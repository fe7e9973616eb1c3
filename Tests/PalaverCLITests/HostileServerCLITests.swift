import FakeAnthropic
import Foundation
import TestSupport
import Testing

/// The real `palaver` binary against a fake-anthropic that misbehaves: no crash, a true sentence,
/// the exit code from README's table.
@Suite struct HostileServerCLITests {
    static let key = FakeServerHarness.defaultKey
    static let model = "claude-sonnet-4-5-20250929"

    private func ask(_ palaver: PalaverProcess, _ extra: [String] = []) async throws -> PalaverProcess.Result {
        try await palaver.run(["ask", "--model", Self.model, "--max-retries", "0"] + extra + ["hi"])
    }

    @Test func anInfiniteRetryAfterIsAnErrorWithASensibleWait() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.status(429, headers: ["retry-after": "inf"]))
            let asked = try await ask(palaver)
            #expect(asked.status == 6, "\(asked.stderr)")
            #expect(asked.stderr.contains("Wait more than a year"), "\(asked.stderr)")
            #expect(!asked.stderr.contains("16666667"))

            fake.state.enqueueFault(.status(429, headers: ["retry-after-ms": "9.3e18"], path: "/v1/models"))
            let models = try await palaver.run(["models"])
            #expect(models.status == 6, "\(models.stderr)")
        }
    }

    @Test(arguments: [["doctor"], ["key", "verify"]])
    func keyChecksSurviveAbsurdWaits(_ command: [String]) async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.status(429, headers: ["retry-after": "1e300"], path: "/v1/models", times: 5))
            let result = try await palaver.run(command)
            #expect(result.status < 128, "crashed: \(result.status) \(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("Fatal error"))
        }
    }

    @Test func aBaseURLWithALineBreakIsAUsageErrorAndSendsNothing() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            var broken = palaver
            broken.environment["ANTHROPIC_BASE_URL"] = fake.baseURL + "\r\n"
            let fromEnvironment = try await ask(broken)
            #expect(fromEnvironment.status == 2, "\(fromEnvironment.stderr)")
            #expect(fromEnvironment.stderr.contains("carriage return"), "\(fromEnvironment.stderr)")

            var configured = palaver
            configured.environment["ANTHROPIC_BASE_URL"] = nil
            try configured.writeConfig("base_url = \"\(fake.baseURL)/\\nX-Injected: 1\"\n")
            let fromConfig = try await ask(configured)
            #expect(fromConfig.status == 2, "\(fromConfig.stderr)")
            #expect(fromConfig.stderr.contains("line feed"), "\(fromConfig.stderr)")
            #expect(fake.state.requests().isEmpty)
        }
    }

    @Test func endlessPingsMeetTheReplyTimeoutAndKeepTheText() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.pings(intervalMs: 100, afterEvents: 1))
            // Generous so a loaded machine still delivers the first delta before the deadline.
            let result = try await ask(palaver, ["--reply-timeout", "8"])
            #expect(result.status == 7, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("Hello fr"), "\(result.stdout)")
            #expect(result.stderr.contains("limit for a whole reply"), "\(result.stderr)")
            #expect(result.stderr.contains("--reply-timeout"))
        }
    }

    @Test func replyTimeoutInConfigAppliesToATrickle() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            try palaver.writeConfig("reply_timeout = 1\n")
            fake.state.enqueueFault(.trickle(intervalMs: 100, afterEvents: 1))
            let result = try await ask(palaver)
            #expect(result.status == 7, "\(result.stderr)")
            #expect(result.stderr.contains("after 1 s"), "\(result.stderr)")
        }
    }

    @Test func aRedirectIsNamedAndNotFollowed() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.redirect(location: "https://user:pw@evil.example:8443/steal?x=1"))
            let result = try await ask(palaver)
            #expect(result.status == 8, "\(result.stderr)")
            #expect(result.stderr.contains("redirected"), "\(result.stderr)")
            #expect(result.stderr.contains("evil.example:8443"))
            #expect(!result.stderr.contains("pw@") && !result.stderr.contains("/steal"))
            #expect(fake.state.requests().count == 1)
        }
    }

    @Test func unaskedGzipIsNamed() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.gzip())
            let result = try await ask(palaver)
            #expect(result.status == 8, "\(result.stderr)")
            #expect(result.stderr.contains("gzip-encoded body that palaver did not ask for"), "\(result.stderr)")
        }
    }

    @Test func wrongShapedJSONSaysWhatWasExpected() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.wrongShape())
            let result = try await ask(palaver, ["--no-stream"])
            #expect(result.status == 8, "\(result.stderr)")
            #expect(result.stderr.contains("JSON but not a message"), "\(result.stderr)")
            #expect(!result.stderr.contains("not valid JSON"))
        }
    }

    @Test func htmlErrorPageGetsItsTitle() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(
                .rawBody(
                    status: 502,
                    body: "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>…</body></html>"))
            let result = try await ask(palaver)
            #expect(result.status == 8, "\(result.stderr)")
            #expect(result.stderr.contains("HTML page titled \"502 Bad Gateway\""), "\(result.stderr)")
        }
    }

    @Test func aSeventeenMebibyteLineStopsWithTheTextSoFar() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.enqueueFault(.hugeLine(megabytes: 17, afterEvents: 1))
            let result = try await ask(palaver)
            #expect(result.status == 8, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("Hello fr"))
            #expect(result.stderr.contains("longer than 16 MiB"), "\(result.stderr)")
        }
    }

    @Test func oneAbsurdModelIdDoesNotPadEveryLine() async throws {
        try await withPalaver(key: Self.key) { fake, palaver in
            fake.state.setModels([
                FakeAnthropic.ModelInfo(
                    id: String(repeating: "m", count: 100_000), displayName: "Huge", createdAt: "2025-01-01T00:00:00Z"),
                FakeAnthropic.ModelInfo(id: "claude-short", displayName: "Short", createdAt: "2025-02-01T00:00:00Z"),
            ])
            let result = try await palaver.run(["models"])
            #expect(result.status == 0, "\(result.stderr)")
            let short = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("claude-short") })
            #expect(short.count < 100, "\(short.count) characters")
        }
    }

    @Test func anAbsurdIdleTimeoutFlagDoesNotTrap() async throws {
        try await withPalaver(key: Self.key) { _, palaver in
            let result = try await ask(palaver, ["--idle-timeout", "1e300"])
            #expect(result.status == 0, "\(result.status) \(result.stderr)")
            #expect(result.stdout.hasPrefix("Hello from fake-anthropic"))
        }
    }
}
