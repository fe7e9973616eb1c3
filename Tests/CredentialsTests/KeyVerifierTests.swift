import AnthropicAPI
import FakeAnthropic
import Foundation
import TestSupport
import Testing

@testable import Credentials

/// Each health transition against fake-anthropic over real HTTP.
@Suite struct KeyVerifierTests {
    private func check(_ fake: FakeServerHarness, _ key: String) async -> KeyHealth {
        let verifier = KeyVerifier(configuration: ClientConfiguration(baseURL: fake.baseURL, credential: nil))
        var machine = KeyHealthMachine(health: .unverified)
        machine.handle(.checkStarted)
        #expect(machine.health == .checking)
        machine.handle(await verifier.verify(Credential(secret: key)).event)
        return machine.health
    }

    @Test func validRevokedForbiddenRateLimitedOffline() async throws {
        let key = FakeServerHarness.defaultKey
        try await FakeServerHarness.with { fake in
            let valid = await check(fake, key)
            if case .valid = valid {} else { Issue.record("expected valid, got \(valid)") }
            #expect(fake.state.requests().last?.path == "/v1/models")

            fake.state.revokeKey(key)
            let revoked = await check(fake, key)
            if case .rejected(let message, let requestID) = revoked {
                #expect(message == "invalid x-api-key")
                #expect(requestID?.hasPrefix("req_") == true)
            } else {
                Issue.record("expected rejected, got \(revoked)")
            }

            fake.state.setKeyStatus(key, .forbidden)
            let forbidden = await check(fake, key)
            if case .forbidden = forbidden {} else { Issue.record("expected forbidden, got \(forbidden)") }

            fake.state.setKeyStatus(key, .valid)
            fake.state.enqueueFault(.status(429, headers: ["retry-after": "20"], path: "/v1/models"))
            let limited = await check(fake, key)
            if case .rateLimited(let until?) = limited {
                #expect(until > Date().addingTimeInterval(10))
            } else {
                Issue.record("expected rate-limited, got \(limited)")
            }
            // A key with no credit can still list models: verification proves the key, not the credit.
            fake.state.setKeyStatus(key, .noCredit)
            let broke = await check(fake, key)
            if case .valid = broke {} else { Issue.record("expected valid, got \(broke)") }
        }
        let verifier = KeyVerifier(configuration: ClientConfiguration(baseURL: "http://127.0.0.1:1", credential: nil))
        var machine = KeyHealthMachine(health: .unverified)
        machine.handle(await verifier.verify(Credential(secret: key)).event)
        if case .offline = machine.health {} else { Issue.record("expected offline, got \(machine.health)") }
    }
}
