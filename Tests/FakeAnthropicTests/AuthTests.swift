import FakeAnthropic
import Foundation
import TestSupport
import Testing

@Suite("Auth and headers")
struct AuthTests {
    @Test func validUnknownAndMissingKey() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }

        #expect(try await postMessages(fake, json: messagesJSON()).status == 200)

        let unknown = try await postMessages(fake, json: messagesJSON(), key: FakeServerHarness.randomKey())
        expectError(unknown, status: 401, type: "authentication_error", message: "invalid x-api-key")

        let missing = try await postMessages(fake, json: messagesJSON(), key: nil)
        expectError(missing, status: 401, type: "authentication_error", message: "x-api-key header is required")

        let empty = try await postMessages(fake, json: messagesJSON(), key: "")
        expectError(empty, status: 401, type: "authentication_error", message: "x-api-key header is required")

        let models = try await getModels(fake, key: FakeServerHarness.randomKey())
        expectError(models, status: 401, type: "authentication_error", message: "invalid x-api-key")
    }

    @Test func bearerToken() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let ok = try await postMessages(
            fake, json: messagesJSON(), key: nil,
            extraHeaders: ["authorization": "Bearer \(FakeServerHarness.defaultKey)"])
        #expect(ok.status == 200)
        let bad = try await postMessages(
            fake, json: messagesJSON(), key: nil,
            extraHeaders: ["authorization": "Bearer sk-ant-oat01-unknown-token-1234"])
        expectError(bad, status: 401, type: "authentication_error", message: "invalid x-api-key")
        let basic = try await postMessages(
            fake, json: messagesJSON(), key: nil,
            extraHeaders: ["authorization": "Basic abc"])
        expectError(basic, status: 401, type: "authentication_error", message: "x-api-key header is required")
    }

    @Test func keyStatuses() async throws {
        let forbidden = FakeServerHarness.randomKey()
        let billing = FakeServerHarness.randomKey()
        let noCredit = FakeServerHarness.randomKey()
        let fake = try await FakeServerHarness.start(configure: {
            $0.keys[forbidden] = .forbidden
            $0.keys[billing] = .billing
        })
        defer { Task { await fake.stop() } }
        fake.state.addKey(noCredit, status: .noCredit)

        let f = try await postMessages(fake, json: messagesJSON(), key: forbidden)
        expectError(
            f, status: 403, type: "permission_error",
            message: "Your API key does not have permission to use the specified resource.")
        expectError(try await getModels(fake, key: forbidden), status: 403, type: "permission_error")

        let b = try await postMessages(fake, json: messagesJSON(), key: billing)
        expectError(b, status: 402, type: "billing_error")
        #expect(try await getModels(fake, key: billing).status == 200)

        let n = try await postMessages(fake, json: messagesJSON(), key: noCredit)
        expectError(
            n, status: 400, type: "invalid_request_error",
            message:
                "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."
        )
        #expect(try await getModels(fake, key: noCredit).status == 200)
        let count = try await RawHTTPClient.api(
            port: fake.port, path: "/v1/messages/count_tokens", key: noCredit,
            json: messagesJSON(maxTokens: nil))
        expectError(count, status: 400, type: "invalid_request_error")
    }

    @Test func revokeAtRuntimeThroughControlEndpoint() async throws {
        let key = FakeServerHarness.randomKey()
        let fake = try await FakeServerHarness.start(keys: [key])
        defer { Task { await fake.stop() } }
        #expect(try await postMessages(fake, json: messagesJSON(), key: key).status == 200)

        let revoke = try await fake.control("POST", "/_control/keys/revoke", json: "{\"key\":\"\(key)\"}")
        #expect(revoke.status == 200)
        #expect(!revoke.text.contains(key))
        expectError(
            try await postMessages(fake, json: messagesJSON(), key: key),
            status: 401, type: "authentication_error", message: "invalid x-api-key")
        #expect(fake.state.keyStatus(key) == .revoked)

        // and back, plus a status set over HTTP
        let add = try await fake.control(
            "POST", "/_control/keys", json: "{\"key\":\"\(key)\",\"status\":\"no_credit\"}")
        #expect(add.status == 200)
        expectError(
            try await postMessages(fake, json: messagesJSON(), key: key), status: 400, type: "invalid_request_error")
        _ = try await fake.control("POST", "/_control/keys", json: "{\"key\":\"\(key)\"}")
        #expect(try await postMessages(fake, json: messagesJSON(), key: key).status == 200)

        let badStatus = try await fake.control("POST", "/_control/keys", json: "{\"key\":\"k\",\"status\":\"nope\"}")
        #expect(badStatus.status == 400)
    }

    @Test func anthropicVersionRequired() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let r = try await RawHTTPClient.send(
            port: fake.port, method: "POST", path: "/v1/messages",
            headers: ["x-api-key": FakeServerHarness.defaultKey, "content-type": "application/json"],
            body: Data(messagesJSON().utf8))
        expectError(r, status: 400, type: "invalid_request_error", message: "anthropic-version: header is required")
        let models = try await RawHTTPClient.send(
            port: fake.port, method: "GET", path: "/v1/models", headers: ["x-api-key": FakeServerHarness.defaultKey])
        expectError(
            models, status: 400, type: "invalid_request_error", message: "anthropic-version: header is required")
        // auth is checked first
        let both = try await RawHTTPClient.send(
            port: fake.port, method: "POST", path: "/v1/messages",
            headers: [:], body: Data(messagesJSON().utf8))
        expectError(both, status: 401, type: "authentication_error")
    }

    @Test func pathPrefix() async throws {
        let fake = try await FakeServerHarness.start(pathPrefix: "/anthropic/")
        defer { Task { await fake.stop() } }
        #expect(fake.apiBaseURL == "http://127.0.0.1:\(fake.port)/anthropic")
        #expect(fake.baseURL == "http://127.0.0.1:\(fake.port)")

        let ok = try await postMessages(fake, json: messagesJSON(stream: true), prefix: "/anthropic")
        #expect(ok.status == 200 && ok.complete)
        let models = try await RawHTTPClient.api(
            port: fake.port, method: "GET", path: "/anthropic/v1/models",
            key: FakeServerHarness.defaultKey)
        #expect(models.status == 200)
        let unprefixed = try await postMessages(fake, json: messagesJSON())
        expectError(unprefixed, status: 404, type: "not_found_error")
        // control endpoints are never under the prefix
        #expect(try await fake.control("GET", "/_control/health").status == 200)
        #expect(try await fake.control("GET", "/anthropic/_control/health").status == 404)
        #expect(fake.state.requests().map(\.path) == ["/anthropic/v1/messages", "/anthropic/v1/models"])
    }
}
