import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Thrown inside a response to make Hummingbird close the connection without finishing it.
struct DropConnection: Error {}
/// The client went away while the fake was waiting.
struct ClientGone: Error {}

/// Counts an in-flight API response for as long as it is alive.
final class ActiveToken: Sendable {
    let state: FakeState
    init(state: FakeState) {
        self.state = state
        state.beginActive()
    }
    deinit { state.endActive() }
}

enum HTTPHelpers {
    static func header(_ request: Request, _ name: String) -> String? {
        guard let fieldName = HTTPField.Name(name) else { return nil }
        return request.headers[fieldName]
    }

    static func baseHeaders(requestID: String, contentType: String?, extra: [String: String] = [:]) -> HTTPFields {
        var fields = HTTPFields()
        if let contentType { fields[.contentType] = contentType }
        fields[HTTPField.Name("request-id")!] = requestID
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) {
            guard let name = HTTPField.Name(k) else { continue }
            fields[name] = v
        }
        return fields
    }

    static func json(
        status: Int, _ value: JSONValue, requestID: String, extraHeaders: [String: String] = [:]
    ) -> Response {
        jsonText(status: status, value.serialized, requestID: requestID, extraHeaders: extraHeaders)
    }

    static func jsonText(
        status: Int, _ text: String, requestID: String, extraHeaders: [String: String] = [:]
    ) -> Response {
        Response(
            status: .init(code: status),
            headers: baseHeaders(requestID: requestID, contentType: "application/json", extra: extraHeaders),
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func errorJSON(type: String, message: String, requestID: String) -> JSONValue {
        .object([
            ("type", .string("error")),
            ("error", .object([("type", .string(type)), ("message", .string(message))])),
            ("request_id", .string(requestID)),
        ])
    }

    /// `{"type":"error","error":{"type":T,"message":M},"request_id":"req_…"}` with `request-id`.
    static func error(
        status: Int, type: String, message: String, requestID: String, extraHeaders: [String: String] = [:]
    ) -> Response {
        json(
            status: status, errorJSON(type: type, message: message, requestID: requestID),
            requestID: requestID, extraHeaders: extraHeaders)
    }

    /// Waits `seconds`, checking every 20 ms whether the client went away (throws `ClientGone`)
    /// or the server is stopping (throws `CancellationError`).
    static func pause(seconds: Double, channel: any Channel, state: FakeState) async throws {
        guard seconds > 0 else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64((seconds * 1000).rounded())))
        while true {
            try Task.checkCancellation()
            if state.isStopping { throw CancellationError() }
            if !channel.isActive { throw ClientGone() }
            let now = clock.now
            if now >= deadline { return }
            let remaining = now.duration(to: deadline)
            try await Task.sleep(for: min(remaining, .milliseconds(20)))
        }
    }

    /// Reads the whole body, stopping early once it exceeds `limit`.
    static func readBody(_ request: Request, limit: Int) async throws -> (bytes: [UInt8], tooLarge: Bool) {
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            if bytes.count + buffer.readableBytes > limit {
                return (bytes, true)
            }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return (bytes, false)
    }

    /// Parses `a=1&b=x%20y` into pairs (percent-decoded, "+" as space).
    static func queryItems(_ query: String?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plusFixed = s.replacingOccurrences(of: "+", with: " ")
                return plusFixed.removingPercentEncoding ?? plusFixed
            }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    static func encodeToJSON<T: Encodable>(_ value: T) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value),
            let parsed = try? JSONValue.parse(Array(data))
        else { return .null }
        return parsed
    }
}
