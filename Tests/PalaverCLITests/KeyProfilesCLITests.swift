import FakeAnthropic
import Foundation
import TestSupport
import Testing

/// `palaver key set --name`, `key list`, `key use`, `key forget --name`, `--key-profile`, and the
/// rate limits `key status` and `doctor` print, end to end against fake-anthropic.
@Suite struct KeyProfilesCLITests {
    static let work = FakeServerHarness.defaultKey
    static let model = "claude-sonnet-4-5-20250929"

    @Test func profilesAreSavedListedChosenAndForgotten() async throws {
        let personal = FakeServerHarness.randomKey()
        try await withPalaver(key: nil) { fake, palaver in
            fake.state.addKey(personal)
            let set = try await palaver.run(["key", "set", "--name", "work"], stdin: Self.work + "\n")
            #expect(set.status == 0, "\(set.stderr)")
            #expect(set.stdout.contains("Saved sk-ant-…") && set.stdout.contains("as profile work"))
            #expect(set.stderr.contains("palaver key use work"))
            let second = try await palaver.run(
                ["key", "set", "--no-verify", "--name", "personal", "--fallback", "work"], stdin: personal)
            #expect(second.status == 0, "\(second.stderr)")
            let badFallback = try await palaver.run(
                ["key", "set", "--name", "x", "--fallback", "nope"], stdin: personal)
            #expect(badFallback.status == 2)
            #expect(badFallback.stderr.contains("there is no profile nope"), "\(badFallback.stderr)")
            #expect(try await palaver.run(["key", "set", "--name", "bad name"], stdin: personal).status == 2)

            let list = try await palaver.run(["key", "list"])
            #expect(list.status == 0)
            let rows = list.stdout.split(separator: "\n").map(String.init)
            let workRow = try #require(rows.first { $0.contains(" work ") }, "\(list.stdout)")
            #expect(workRow.contains("sk-ant-…") && workRow.contains("verified just now"), "\(workRow)")
            let personalRow = try #require(rows.first { $0.contains(" personal ") })
            #expect(personalRow.contains("fallback: work") && personalRow.contains("not verified yet"))
            #expect(!list.stdout.contains("default ")) // no default key saved

            // Profiles only, none active: no key, and the message says how to choose one.
            let none = try await palaver.run(["key", "status"])
            #expect(none.status == 3)
            #expect(none.stderr.contains("none of them active"), "\(none.stderr)")

            // --key-profile picks a profile for one command; an unknown one names the profiles.
            let asked = try await palaver.run(["ask", "--key-profile", "work", "--model", Self.model, "hi"])
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(fake.state.requests().last?.key?.hasSuffix(String(Self.work.suffix(4))) == true)
            let before = fake.state.requests().count
            let unknown = try await palaver.run(["ask", "--key-profile", "wrok", "--model", Self.model, "hi"])
            #expect(unknown.status == 3)
            #expect(unknown.stderr.contains("no profile wrok") && unknown.stderr.contains("work, personal"))
            #expect(fake.state.requests().count == before)
            #expect(try await palaver.run(["models", "--key-profile", "no good"]).status == 2)

            // key use makes one active; a variable still wins over it, and key use says so.
            let use = try await palaver.run(["key", "use", "personal"])
            #expect(use.status == 0, "\(use.stderr)")
            #expect(use.stdout.contains("Profile personal is now active: sk-ant-…"))
            #expect(use.stdout.contains("Effective key: sk-ant-…") && use.stdout.contains("from profile personal"))
            #expect(try await palaver.run(["key", "status"]).stdout.contains("source: profile personal"))
            #expect(try await palaver.run(["key", "use", "nope"]).status == 2)
            var shadowed = palaver
            shadowed.environment["ANTHROPIC_API_KEY"] = Self.work
            let warned = try await shadowed.run(["key", "use", "work"])
            #expect(warned.stderr.contains("ANTHROPIC_API_KEY is set and takes precedence over profile work"))
            // …but a profile asked for by name ranks above the variable.
            #expect(
                try await shadowed.run(["ask", "--key-profile", "personal", "--model", Self.model, "hi"]).status == 0)
            #expect(fake.state.requests().last?.key?.hasSuffix(String(personal.suffix(4))) == true)
            var chosen = palaver
            chosen.environment["PALAVER_KEY_PROFILE"] = "personal"
            let chosenStatus = try await chosen.run(["key", "status"])
            #expect(chosenStatus.stdout.contains("source: profile personal"))
            #expect(chosenStatus.stdout.contains("fallback: sk-ant-…"), "\(chosenStatus.stdout)")
            #expect(chosenStatus.stdout.contains("from profile work"))
            let failover = try await palaver.run(["doctor", "--no-verify", "--key-profile", "personal"])
            #expect(failover.stdout.contains("  fallback: sk-ant-…"), "\(failover.stdout)")

            let doctor = try await palaver.run(["doctor", "--key-profile", "work"])
            #expect(doctor.status == 0, "\(doctor.stdout)")
            #expect(doctor.stdout.contains("from profile work"))
            #expect(doctor.stdout.contains("chosen by name"))
            #expect(doctor.stdout.contains("profile personal"))

            let forget = try await palaver.run(["key", "forget", "--name", "personal"])
            #expect(forget.status == 0)
            #expect(forget.stdout.contains("Removed profile personal"))
            #expect(!(try await palaver.run(["key", "list"])).stdout.contains("personal"))

            for secret in [Self.work, personal] {
                for output in [set, second, list, none, asked, use, warned, doctor] {
                    #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
                }
                let scan = try PalaverProcess.filesHolding(secret, under: palaver.home.path)
                #expect(scan.holding == [], "these files hold a profile's key")
            }
        }
    }

    @Test func keyStatusAfterAVerifiedSetIsValidAndShowsTheLastLimits() async throws {
        try await withPalaver(key: nil) { fake, palaver in
            fake.state.setRateLimits(
                FakeRateLimits(tokens: .init(limit: 80_000, remaining: 3_200, reset: "2030-01-01T14:32:00Z")))
            #expect(try await palaver.run(["key", "set"], stdin: Self.work).status == 0)
            let status = try await palaver.run(["key", "status"])
            #expect(status.stdout.contains("health: valid (verified just now)"), "\(status.stdout)")
            #expect(status.stdout.contains("rate limits (seen just now):"), "\(status.stdout)")
            #expect(status.stdout.contains("  tokens 3,200 of 80,000 left, resets 2030-01-01 14:32 UTC"))
            #expect(!status.stdout.contains("requests"))

            let doctor = try await palaver.run(["doctor"])
            #expect(
                doctor.stdout.contains("Rate limits:\n  tokens 3,200 of 80,000 left, resets 2030-01-01 14:32 UTC\n"))
            let json = try await palaver.run(["doctor", "--json"])
            #expect(json.stdout.contains("\"remaining\":3200"), "\(json.stdout)")

            fake.state.setRateLimits(FakeRateLimits())
            let verify = try await palaver.run(["key", "verify"])
            #expect(verify.status == 0)
            #expect(!verify.stdout.contains("rate limits"))
            let quiet = try await palaver.run(["doctor"])
            #expect(!quiet.stdout.contains("Rate limits"))
        }
    }
}
