import FakeAnthropic
import Foundation
import TestSupport
import Testing

@Suite("Control API")
struct ControlTests {
    @Test func health() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let r = try await fake.control("GET", "/_control/health")
        #expect(r.status == 200)
        #expect(r.text == "{\"ok\":true}")
        let unknown = try await fake.control("GET", "/_control/nope")
        #expect(unknown.status == 404)
        let wrongMethod = try await fake.control("DELETE", "/_control/health")
        #expect(wrongMethod.status == 405)
    }

    @Test func requestLogIsMasked() async throws {
        let key = FakeServerHarness.defaultKey
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        _ = try await postMessages(fake, json: messagesJSON(text: "my key is \(key)"))
        _ = try await postMessages(
            fake, json: messagesJSON(), key: nil, extraHeaders: ["authorization": "Bearer \(key)"])
        _ = try await RawHTTPClient.api(
            port: fake.port, method: "GET", path: "/v1/models?limit=5&note=\(key)", key: key)
        _ = try await postMessages(fake, json: messagesJSON(), key: FakeServerHarness.randomKey() + "x")

        let log = try await fake.control("GET", "/_control/requests")
        #expect(log.status == 200)
        #expect(!log.text.contains(key), "full key leaked into the request log")
        #expect(!log.text.contains(String(key.dropFirst(7).prefix(40))))
        let masked = "sk-ant-…" + String(key.suffix(4))
        let entries = try #require(log.json as? [[String: Any]])
        #expect(entries.count == 4)

        let first = entries[0]
        #expect(first["method"] as? String == "POST")
        #expect(first["path"] as? String == "/v1/messages")
        #expect(first["key"] as? String == masked)
        #expect((first["headers"] as? [String: String])?["x-api-key"] == masked)
        #expect((first["headers"] as? [String: String])?["anthropic-version"] == "2023-06-01")
        let body = try #require(first["body"] as? [String: Any]) // parsed JSON
        #expect(body["model"] as? String == sonnet)
        #expect(first["status"] as? Int == 200)
        #expect((first["request_id"] as? String)?.hasPrefix("req_") == true)

        #expect((entries[1]["headers"] as? [String: String])?["authorization"] == "Bearer " + masked)
        #expect(entries[1]["key"] as? String == masked)
        #expect(entries[2]["method"] as? String == "GET")
        #expect((entries[2]["query"] as? String)?.hasPrefix("limit=5") == true)
        #expect(entries[2]["body"] is NSNull)
        #expect(entries[3]["status"] as? Int == 401)
        #expect((entries[3]["key"] as? String)?.hasPrefix("sk-ant-…") == true)

        // Swift API: same masking
        let swiftLog = fake.state.requests()
        #expect(
            swiftLog.allSatisfy { !($0.body ?? "").contains(key) && !$0.headers.values.contains { $0.contains(key) } })
        #expect(swiftLog[0].jsonBody != nil)

        // control requests are not logged
        #expect(fake.state.requests().count == 4)
        #expect(try await fake.control("DELETE", "/_control/requests").status == 200)
        #expect(fake.state.requests().isEmpty)

        let keys = try await fake.control("GET", "/_control/keys")
        #expect(!keys.text.contains(key))
        #expect((keys.json as? [[String: String]]) == [["key": masked, "status": "valid"]])
    }

    @Test func reset() async throws {
        let extra = FakeServerHarness.randomKey()
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        fake.state.addKey(extra)
        fake.state.revokeKey(FakeServerHarness.defaultKey)
        fake.state.enqueueFault(.status(500))
        fake.state.setReply(ReplyConfig(text: "custom"))
        fake.state.setModels([ModelInfo(id: "only", displayName: "Only", createdAt: "2025-01-01T00:00:00Z")])
        _ = try await postMessages(fake, json: messagesJSON(model: "only"), key: extra)
        #expect(!fake.state.requests().isEmpty)

        let r = try await fake.control("POST", "/_control/reset")
        #expect(r.status == 200)
        #expect(fake.state.requests().isEmpty)
        #expect(fake.state.pendingFaults().isEmpty)
        #expect(fake.state.reply() == ReplyConfig())
        #expect(fake.state.models() == ModelInfo.defaults)
        expectError(
            try await postMessages(fake, json: messagesJSON(), key: extra), status: 401, type: "authentication_error")
        let ok = try await postMessages(fake, json: messagesJSON(text: "back"))
        #expect(ok.status == 200)
        let content = ((ok.json as? [String: Any])?["content"] as? [[String: Any]])?.first?["text"] as? String
        #expect(content == "Hello from fake-anthropic. You said: back")
    }

    @Test func maskKeyShapes() {
        #expect(maskKey(FakeServerHarness.defaultKey) == "sk-ant-…fVAA")
        #expect(maskKey("sk-proj-abcdefghijklmnop") == "…mnop")
        #expect(maskKey("short") == "…t")
        #expect(FakeServerHarness.defaultKey.count == 108)
        #expect(FakeServerHarness.randomKey().count == 108)
    }

    @Test func startTwiceAndStopIdempotent() async throws {
        let server = FakeAnthropicServer()
        let port = try await server.start()
        #expect(port > 0)
        #expect(server.port == port)
        #expect(server.baseURL == "http://127.0.0.1:\(port)")
        await #expect(throws: FakeServerError.self) { try await server.start() }
        await server.stop()
        await server.stop()
    }

    @Test func withHelperAlwaysStops() async throws {
        struct Boom: Error {}
        var used: FakeServerHarness?
        let answer = try await FakeServerHarness.with(pathPrefix: "/p") { fake in
            used = fake
            #expect(fake.apiBaseURL == "http://127.0.0.1:\(fake.port)/p")
            let r = try await RawHTTPClient.api(
                port: fake.port, method: "GET", path: "/p/v1/models",
                key: FakeServerHarness.defaultKey)
            #expect(r.status == 200)
            return 42
        }
        #expect(answer == 42)
        try await expectStopped(try #require(used), method: "GET", path: "/p/v1/models")
        await #expect(throws: Boom.self) {
            try await FakeServerHarness.with { fake in
                used = fake
                throw Boom()
            }
        }
        try await expectStopped(try #require(used), method: "GET", path: "/v1/models")
    }

    @Test func bindFailureThrows() async throws {
        let first = try await FakeServerHarness.start()
        defer { Task { await first.stop() } }
        let second = FakeAnthropicServer(configuration: .init(port: first.port))
        await #expect(throws: (any Error).self) { try await second.start() }
    }
}
