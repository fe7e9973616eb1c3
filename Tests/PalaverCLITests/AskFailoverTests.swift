import FakeAnthropic
import Foundation
import TestSupport
import Testing

/// `palaver ask` fails over to a profile's fallback when the profile's key is rejected (401) or
/// out of credit, says so on stderr, and answers once (issue 13, item 3).
@Suite struct AskFailoverTests {
    static let model = "claude-sonnet-4-5-20250929"

    @Test(arguments: [FakeKeyStatus.revoked, .noCredit])
    func aFailingProfileHandsOverToItsFallback(_ status: FakeKeyStatus) async throws {
        let (first, spare) = (FakeServerHarness.randomKey(), FakeServerHarness.randomKey())
        try await withPalaver(key: nil) { fake, palaver in
            fake.state.addKey(first)
            fake.state.addKey(spare)
            fake.server.state.setReply(ReplyConfig(text: "answered by the spare"))
            #expect(try await palaver.run(["key", "set", "--no-verify", "--name", "spare"], stdin: spare).status == 0)
            let set = try await palaver.run(
                ["key", "set", "--no-verify", "--name", "work", "--fallback", "spare"], stdin: first)
            #expect(set.status == 0, "\(set.stderr)")
            fake.state.setKeyStatus(first, status)
            let asked = try await palaver.run(["ask", "--key-profile", "work", "--model", Self.model, "hello"])
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stdout.contains("answered by the spare"))
            let said = status == .revoked ? "was rejected (401)" : "is out of credit"
            #expect(
                asked.stderr.contains("The key of profile work \(said); trying its fallback, sk-ant-…"),
                "\(asked.stderr)")
            #expect(asked.stderr.contains("from profile spare"))
            #expect(fake.state.requests().last?.key?.hasSuffix(String(spare.suffix(4))) == true)
            for secret in [first, spare] {
                #expect(!asked.stdout.contains(secret) && !asked.stderr.contains(secret))
            }
            let shown = try await palaver.run(["sessions", "show", "1"])
            #expect(shown.stdout.contains("answered by the spare"), "\(shown.stdout)")
            #expect(!shown.stdout.contains("failed"), "the failed attempt is not stored as a failure:\n\(shown.stdout)")
            #expect(shown.stdout.components(separatedBy: "## You").count - 1 == 1, "one prompt:\n\(shown.stdout)")
        }
    }

    @Test func withoutAFallbackTheFailureIsReportedAsBefore() async throws {
        let first = FakeServerHarness.randomKey()
        try await withPalaver(key: nil) { fake, palaver in
            fake.state.addKey(first)
            #expect(try await palaver.run(["key", "set", "--no-verify", "--name", "work"], stdin: first).status == 0)
            fake.state.revokeKey(first)
            let asked = try await palaver.run(["ask", "--key-profile", "work", "--model", Self.model, "hello"])
            #expect(asked.status == 4, "\(asked.status) \(asked.stderr)")
            #expect(!asked.stderr.contains("fallback"))
        }
    }
}
