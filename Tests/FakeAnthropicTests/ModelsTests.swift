import FakeAnthropic
import Foundation
import TestSupport
import Testing

@Suite("Models")
struct ModelsTests {
    func ids(_ r: RawHTTPResponse) -> [String] {
        ((r.json as? [String: Any])?["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    }

    @Test func defaultListing() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let r = try await getModels(fake)
        #expect(r.status == 200)
        #expect(r.headers["request-id"]?.hasPrefix("req_") == true)
        let obj = try #require(r.json as? [String: Any])
        let data = try #require(obj["data"] as? [[String: Any]])
        #expect(data.count == 3)
        #expect(ids(r) == ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022"])
        for m in data {
            #expect(m["type"] as? String == "model")
            #expect((m["display_name"] as? String)?.isEmpty == false)
            #expect((m["created_at"] as? String)?.hasSuffix("Z") == true)
        }
        #expect(obj["has_more"] as? Bool == false)
        #expect(obj["first_id"] as? String == "claude-sonnet-4-5-20250929")
        #expect(obj["last_id"] as? String == "claude-3-5-haiku-20241022")

        let one = try await RawHTTPClient.api(
            port: fake.port, method: "GET", path: "/v1/models/claude-opus-4-1-20250805",
            key: FakeServerHarness.defaultKey)
        #expect((one.json as? [String: Any])?["display_name"] as? String == "Claude Opus 4.1")
        let missing = try await RawHTTPClient.api(
            port: fake.port, method: "GET", path: "/v1/models/nope",
            key: FakeServerHarness.defaultKey)
        expectError(missing, status: 404, type: "not_found_error", message: "model: nope")
    }

    @Test func paging() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let page1 = try await getModels(fake, query: "?limit=2")
        #expect(ids(page1) == ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"])
        let obj1 = try #require(page1.json as? [String: Any])
        #expect(obj1["has_more"] as? Bool == true)
        #expect(obj1["last_id"] as? String == "claude-opus-4-1-20250805")

        let page2 = try await getModels(fake, query: "?limit=2&after_id=claude-opus-4-1-20250805")
        #expect(ids(page2) == ["claude-3-5-haiku-20241022"])
        let obj2 = try #require(page2.json as? [String: Any])
        #expect(obj2["has_more"] as? Bool == false)
        #expect(obj2["first_id"] as? String == "claude-3-5-haiku-20241022")

        let before = try await getModels(fake, query: "?limit=1&before_id=claude-3-5-haiku-20241022")
        #expect(ids(before) == ["claude-opus-4-1-20250805"])
        #expect((before.json as? [String: Any])?["has_more"] as? Bool == true)

        expectError(try await getModels(fake, query: "?limit=0"), status: 400, type: "invalid_request_error")
        expectError(try await getModels(fake, query: "?limit=abc"), status: 400, type: "invalid_request_error")
    }

    @Test func customModelsSortedNewestFirst() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let set = try await fake.control(
            "POST", "/_control/models",
            json: """
                {"models":[{"id":"old","display_name":"Old","created_at":"2023-01-01T00:00:00Z"},
                           {"id":"new","display_name":"New","created_at":"2025-12-01T00:00:00Z"},
                           {"id":"mid","display_name":"Mid","created_at":"2024-06-01T00:00:00Z"}]}
                """)
        #expect(set.status == 200, "\(set.text)")
        #expect(ids(try await getModels(fake)) == ["new", "mid", "old"])
        // the model list also gates /v1/messages
        expectError(try await postMessages(fake, json: messagesJSON()), status: 404, type: "not_found_error")
        #expect(try await postMessages(fake, json: messagesJSON(model: "mid")).status == 200)

        fake.state.setModels(
            (0..<25).map {
                ModelInfo(
                    id: "m\($0)", displayName: "M\($0)", createdAt: String(format: "2025-01-%02dT00:00:00Z", $0 + 1))
            })
        let page = try await getModels(fake)
        #expect(ids(page).count == 20) // default limit
        #expect(ids(page).first == "m24")
        #expect((page.json as? [String: Any])?["has_more"] as? Bool == true)
    }
}
