import FakeAnthropic
import Foundation
import TestSupport
import Testing

let sonnet = "claude-sonnet-4-5-20250929"

/// A messages request body.
func messagesJSON(
    text: String = "hello there", model: String = sonnet, stream: Bool = false, maxTokens: Int? = 256
) -> String {
    var obj: [String: Any] = [
        "model": model,
        "messages": [["role": "user", "content": text]],
    ]
    if let maxTokens { obj["max_tokens"] = maxTokens }
    if stream { obj["stream"] = true }
    let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// POST /v1/messages with the default key.
func postMessages(
    _ fake: FakeServerHarness, json: String, key: String? = FakeServerHarness.defaultKey,
    prefix: String = "", extraHeaders: [String: String] = [:], timeout: Double = 10,
    disconnectAfterHead: Bool = false
) async throws -> RawHTTPResponse {
    try await RawHTTPClient.api(
        port: fake.port, path: prefix + "/v1/messages", key: key, json: json,
        extraHeaders: extraHeaders, timeout: timeout, disconnectAfterHead: disconnectAfterHead)
}

func getModels(_ fake: FakeServerHarness, query: String = "", key: String? = FakeServerHarness.defaultKey) async throws
    -> RawHTTPResponse
{
    try await RawHTTPClient.api(port: fake.port, method: "GET", path: "/v1/models" + query, key: key)
}

/// Checks the exact error body shape and returns (type, message).
@discardableResult
func expectError(
    _ r: RawHTTPResponse, status: Int, type: String, message: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) -> (String, String) {
    #expect(r.status == status, "status \(r.status), body \(r.text)", sourceLocation: sourceLocation)
    #expect(r.headers["content-type"] == "application/json", sourceLocation: sourceLocation)
    let obj = r.json as? [String: Any]
    #expect(
        Set(obj?.keys.map { $0 } ?? []) == ["type", "error", "request_id"], "\(r.text)", sourceLocation: sourceLocation)
    #expect(obj?["type"] as? String == "error", sourceLocation: sourceLocation)
    let err = obj?["error"] as? [String: Any]
    #expect(Set(err?.keys.map { $0 } ?? []) == ["type", "message"], sourceLocation: sourceLocation)
    let t = err?["type"] as? String ?? ""
    let m = err?["message"] as? String ?? ""
    #expect(t == type, "type \(t) message \(m)", sourceLocation: sourceLocation)
    if let message { #expect(m == message, sourceLocation: sourceLocation) }
    let rid = obj?["request_id"] as? String ?? ""
    #expect(rid.hasPrefix("req_"), sourceLocation: sourceLocation)
    #expect(r.headers["request-id"] == rid, sourceLocation: sourceLocation)
    return (t, m)
}

/// Text deltas of a stream, in order.
func textDeltas(_ events: [SSEEvent]) -> [String] {
    events.filter { $0.event == "content_block_delta" }.compactMap {
        let delta = $0.json?["delta"] as? [String: Any]
        return delta?["type"] as? String == "text_delta" ? delta?["text"] as? String : nil
    }
}

/// Waits until `condition` holds (polling), up to `timeout` seconds.
func eventually(timeout: Double = 3, _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .milliseconds(Int64(timeout * 1000)))
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// The server no longer answers. Tests run in parallel, so another test's server may have
/// taken the freed port: a reply is fine as long as the stopped server did not log it.
func expectStopped(_ fake: FakeServerHarness, method: String = "POST", path: String, json: String? = nil) async throws {
    let before = fake.state.requests().count
    _ = try? await RawHTTPClient.api(
        port: fake.port, method: method, path: path, key: FakeServerHarness.defaultKey,
        json: json, timeout: 2)
    #expect(fake.state.requests().count == before)
}
