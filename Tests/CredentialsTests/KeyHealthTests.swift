import AnthropicAPI
import Foundation
import Testing

@testable import Credentials

/// Every transition of the key-health state machine.
@Suite struct KeyHealthTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let usable = KeyDiagnosis.inspect(Keys.make("h"), source: .environment("ANTHROPIC_API_KEY"))
    let malformed = KeyDiagnosis.inspect("\"x\"", source: .environment("ANTHROPIC_API_KEY"))

    private func machine(_ health: KeyHealth) -> KeyHealthMachine { KeyHealthMachine(health: health) }
    private func error(_ kind: APIError.Kind, retryAfter: Duration? = nil) -> APIError {
        APIError(kind: kind, message: "m", requestID: "req_1", retryAfter: retryAfter)
    }
    private func after(_ start: KeyHealth, _ events: KeyHealthMachine.Event...) -> KeyHealth {
        var m = machine(start)
        for e in events { m.handle(e) }
        return m.health
    }

    @Test func keyChanges() {
        #expect(after(.valid(verifiedAt: now), .keyChanged(nil)) == .missing)
        #expect(after(.missing, .keyChanged(usable)) == .unverified)
        if case .malformed(let reason) = after(.valid(verifiedAt: now), .keyChanged(malformed)) {
            #expect(reason.contains("quote"))
        } else {
            Issue.record("not malformed")
        }
        #expect(after(.rejected(message: "x", requestID: nil), .keyChanged(usable)) == .unverified)
    }

    @Test func checkingAndItsOutcomes() {
        #expect(after(.unverified, .checkStarted) == .checking)
        #expect(after(.unverified, .checkStarted, .succeeded(at: now)) == .valid(verifiedAt: now))
        #expect(
            after(.unverified, .checkStarted, .failed(error(.authentication), at: now))
                == .rejected(message: "m", requestID: "req_1"))
        #expect(after(.unverified, .checkStarted, .failed(error(.permission), at: now)) == .forbidden(message: "m"))
        #expect(after(.unverified, .checkStarted, .failed(error(.billing), at: now)) == .noCredit(message: "m"))
        #expect(after(.unverified, .checkStarted, .failed(error(.noCredit), at: now)) == .noCredit(message: "m"))
        #expect(
            after(.unverified, .checkStarted, .failed(error(.rateLimited, retryAfter: .seconds(30)), at: now))
                == .rateLimited(until: now.addingTimeInterval(30)))
        #expect(after(.unverified, .checkStarted, .failed(error(.rateLimited), at: now)) == .rateLimited(until: nil))
        #expect(after(.unverified, .checkStarted, .failed(error(.network), at: now)) == .offline("m"))
        #expect(after(.unverified, .checkStarted, .failed(error(.timeout), at: now)) == .offline("m"))
    }

    @Test func failuresThatSayNothingAboutTheKeyRestoreTheStateBefore() {
        let earlier = now.addingTimeInterval(-60)
        #expect(
            after(.valid(verifiedAt: earlier), .checkStarted, .failed(error(.overloaded), at: now))
                == .valid(verifiedAt: earlier))
        #expect(after(.unverified, .checkStarted, .failed(error(.apiError), at: now)) == .unverified)
        #expect(after(.unverified, .checkStarted, .failed(error(.cancelled), at: now)) == .unverified)
        #expect(after(.offline("x"), .failed(error(.invalidRequest), at: now)) == .offline("x"))
    }

    @Test func chatResponsesUpdateHealthToo() {
        #expect(
            after(.valid(verifiedAt: now), .failed(error(.authentication), at: now))
                == .rejected(message: "m", requestID: "req_1"))
        #expect(after(.rejected(message: "m", requestID: nil), .succeeded(at: now)) == .valid(verifiedAt: now))
        #expect(after(.offline("x"), .succeeded(at: now)) == .valid(verifiedAt: now))
        #expect(after(.forbidden(message: "m"), .succeeded(at: now)) == .valid(verifiedAt: now))
    }

    @Test func rateLimitEndsWhenItsTimeIsUp() {
        let limited = KeyHealth.rateLimited(until: now)
        #expect(after(limited, .tick(now.addingTimeInterval(-1))) == limited)
        #expect(after(limited, .tick(now)) == .valid(verifiedAt: now))
        #expect(after(.rateLimited(until: nil), .tick(now)) == .rateLimited(until: nil))
    }

    @Test func missingAndMalformedCannotBeCheckedOrChanged() {
        #expect(after(.missing, .checkStarted) == .missing)
        #expect(after(.missing, .succeeded(at: now)) == .missing)
        #expect(after(.malformed("q"), .failed(error(.authentication), at: now)) == .malformed("q"))
        #expect(!KeyHealth.missing.canSend && !KeyHealth.malformed("q").canSend && KeyHealth.unverified.canSend)
    }

    @Test func wordsForTheStatusBar() {
        let words = [
            KeyHealth.missing, .malformed("x"), .unverified, .checking, .valid(verifiedAt: now),
            .rejected(message: "", requestID: nil),
            .forbidden(message: ""), .noCredit(message: ""), .rateLimited(until: nil), .offline(""),
        ].map(\.word)
        #expect(
            words == [
                "missing", "malformed", "unverified", "checking", "valid", "rejected", "forbidden", "no credit",
                "rate-limited", "offline",
            ])
    }
}
