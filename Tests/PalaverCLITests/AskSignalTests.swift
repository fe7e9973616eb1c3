import FakeAnthropic
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `palaver ask` stopped by SIGINT, SIGTERM or SIGHUP mid-stream: what arrived stays printed,
/// is stored as an interrupted reply (not a failed one), and the exit status is 128 + signal.
@Suite struct AskSignalTests {
    static let model = "claude-sonnet-4-5-20250929"

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    func aSignalMidStreamStoresThePartialReplyAsInterrupted(signo: Int32) async throws {
        try await FakeServerHarness.with { fake in
            let palaver = try PalaverProcess(baseURL: fake.baseURL, key: FakeServerHarness.defaultKey)
            defer { palaver.cleanUp() }
            fake.state.setReply(
                ReplyConfig(text: (1...300).map { "w\($0)" }.joined(separator: " "), chunkChars: 5, delayMs: 40))
            let running = try palaver.start(["ask", "--model", Self.model, "Count for me"])
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while running.stdoutSoFar.count < 40 && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            running.signal(signo)
            let result = try await running.wait(timeout: .seconds(15))
            #expect(result.status == 128 + signo, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("w1 w2 w3"))
            #expect(result.stderr.contains("interrupted by"))
            #expect(!result.stderr.contains("failed"))
            let printed = result.stdout.trimmingCharacters(in: .newlines)

            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(show.status == 0, "\(show.stderr)")
            #expect(show.stdout.contains("## You\nCount for me\n"), "\(show.stdout)")
            #expect(!show.stdout.contains("(failed"))
            let marker = "## Claude (interrupted)\n"
            let range = try #require(show.stdout.range(of: marker), "\(show.stdout)")
            let stored = String(show.stdout[range.upperBound...]).trimmingCharacters(in: .newlines)
            #expect(stored == printed, "stored \(stored.count) characters, printed \(printed.count)")

            // The prompt can be sent again, with its interrupted reply left out of the history.
            fake.state.setReply(ReplyConfig())
            let retried = try await palaver.run(["ask", "--retry"])
            #expect(retried.status == 0, "\(retried.stderr)")
            #expect(retried.stdout == "Hello from fake-anthropic. You said: Count for me\n")
        }
    }

    @Test func jsonOutputPrintsThePartialMessageWhenStopped() async throws {
        try await FakeServerHarness.with { fake in
            let palaver = try PalaverProcess(baseURL: fake.baseURL, key: FakeServerHarness.defaultKey)
            defer { palaver.cleanUp() }
            fake.state.setReply(
                ReplyConfig(text: (1...300).map { "w\($0)" }.joined(separator: " "), chunkChars: 5, delayMs: 40))
            let running = try palaver.start(["ask", "--json", "--model", Self.model, "Count for me"])
            // Nothing is printed before the end with --json: wait until the store has text of the reply.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while clock.now < deadline {
                let show = try await palaver.run(["sessions", "show", "1"])
                if show.stdout.contains("(still streaming)\nw1 w2") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            running.signal(SIGTERM)
            let result = try await running.wait(timeout: .seconds(15))
            #expect(result.status == 128 + SIGTERM, "\(result.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            let text = ((json["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
            // The store held "w1 w2" (the first chunk) when the signal went: at least that, not all of it.
            #expect(text.hasPrefix("w1 w2") && !text.hasSuffix("w300"), "\(result.stdout)")
            let show = try await palaver.run(["sessions", "show", "1"])
            #expect(show.stdout.contains("## Claude (interrupted)\n" + text), "\(show.stdout)")
        }
    }
}
