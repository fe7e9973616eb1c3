import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The `/_control/…` endpoints (no auth, never under the path prefix, never logged).
struct ControlAPI {
    let state: FakeState
    let configuration: FakeConfiguration

    private static let endpoints: [String: [HTTPRequest.Method]] = [
        "/_control/health": [.get],
        "/_control/keys": [.get, .post],
        "/_control/keys/revoke": [.post],
        "/_control/faults": [.get, .post, .delete],
        "/_control/reply": [.get, .post],
        "/_control/models": [.get, .post],
        "/_control/ratelimits": [.get, .post, .delete],
        "/_control/requests": [.get, .delete],
        "/_control/reset": [.post],
    ]

    struct BadRequest: Error {
        let message: String
        init(_ m: String) { message = m }
    }

    func handle(_ request: Request, path: String, requestID: String) async throws -> Response {
        guard let methods = Self.endpoints[path] else {
            return HTTPHelpers.error(
                status: 404, type: "not_found_error",
                message: "Unknown control endpoint: \(path)", requestID: requestID)
        }
        guard methods.contains(request.method) else {
            return HTTPHelpers.error(
                status: 405, type: "invalid_request_error",
                message:
                    "Method \(request.method.rawValue) not allowed on \(path) (allowed: \(methods.map(\.rawValue).joined(separator: ", ")))",
                requestID: requestID)
        }
        let (bytes, tooLarge) = try await HTTPHelpers.readBody(request, limit: configuration.maxBodyBytes)
        if tooLarge {
            return HTTPHelpers.error(
                status: 413, type: "request_too_large", message: ErrorMessages.tooLarge, requestID: requestID)
        }
        do {
            let result = try perform(request.method, path: path, body: bytes)
            return HTTPHelpers.json(status: 200, result, requestID: requestID)
        } catch let error as BadRequest {
            return HTTPHelpers.error(
                status: 400, type: "invalid_request_error", message: error.message, requestID: requestID)
        }
    }

    private func parseBody(_ bytes: [UInt8]) throws -> JSONValue {
        if bytes.isEmpty { throw BadRequest("request body is empty: expected JSON") }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw BadRequest("request body is not valid JSON: \(error)")
        }
    }

    private func requireObject(_ value: JSONValue, _ what: String, allowed: [String]) throws {
        guard let members = value.objectMembers else { throw BadRequest("\(what) must be a JSON object") }
        let unknown = members.map(\.0).filter { !allowed.contains($0) }
        if !unknown.isEmpty {
            throw BadRequest(
                "\(what): unknown field(s) \(unknown.joined(separator: ", ")); allowed: \(allowed.joined(separator: ", "))"
            )
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, _ what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(value.serialized.utf8))
        } catch let DecodingError.dataCorrupted(ctx) {
            throw BadRequest("\(what): \(ctx.debugDescription)")
        } catch let DecodingError.typeMismatch(_, ctx) {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw BadRequest("\(what): wrong type for \(field.isEmpty ? "value" : field)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw BadRequest("\(what): \(key.stringValue): Field required")
        } catch {
            throw BadRequest("\(what): \(error)")
        }
    }

    private static let ok: (String, JSONValue) = ("ok", .bool(true))

    private func perform(_ method: HTTPRequest.Method, path: String, body: [UInt8]) throws -> JSONValue {
        switch (method, path) {
        case (.get, "/_control/health"):
            return .object([Self.ok])

        // keys
        case (.get, "/_control/keys"):
            return keyList()
        case (.post, "/_control/keys"):
            return try addKey(body)
        case (.post, "/_control/keys/revoke"):
            return try revokeKey(body)

        // faults
        case (.get, "/_control/faults"):
            return .array(state.pendingFaults().map { HTTPHelpers.encodeToJSON($0) })
        case (.post, "/_control/faults"):
            return try enqueueFaults(body)
        case (.delete, "/_control/faults"):
            state.clearFaults()
            return .object([Self.ok])

        // reply
        case (.get, "/_control/reply"):
            return HTTPHelpers.encodeToJSON(state.reply())
        case (.post, "/_control/reply"):
            return try setReply(body)

        // models
        case (.get, "/_control/models"):
            return .object([("models", .array(state.models().map { HTTPHelpers.encodeToJSON($0) }))])
        case (.post, "/_control/models"):
            return try setModels(body)

        // rate-limit headers
        case (.get, "/_control/ratelimits"):
            return HTTPHelpers.encodeToJSON(state.rateLimits())
        case (.post, "/_control/ratelimits"):
            return try setRateLimits(body)
        case (.delete, "/_control/ratelimits"):
            state.setRateLimits(FakeRateLimits())
            return .object([Self.ok])

        // request log
        case (.get, "/_control/requests"):
            return .array(state.requests().map(Self.requestJSON))
        case (.delete, "/_control/requests"):
            state.clearRequests()
            return .object([Self.ok])

        case (.post, "/_control/reset"):
            state.reset()
            return .object([Self.ok])

        default:
            throw BadRequest("unsupported control request")
        }
    }

    /// GET /_control/keys: every key, masked, with its status, sorted by masked key.
    private func keyList() -> JSONValue {
        let list = state.keys()
            .map { (maskKey($0.key), $0.value.rawValue) }
            .sorted { $0.0 < $1.0 }
            .map { JSONValue.object([("key", .string($0.0)), ("status", .string($0.1))]) }
        return .array(list)
    }

    /// POST /_control/keys: `{"key": …, "status": …}` (status valid unless given).
    private func addKey(_ body: [UInt8]) throws -> JSONValue {
        let json = try parseBody(body)
        try requireObject(json, "key", allowed: ["key", "status"])
        guard let key = json["key"]?.stringValue, !key.isEmpty else {
            throw BadRequest("key: Field required (a non-empty string)")
        }
        var status = FakeKeyStatus.valid
        if let raw = json["status"], !raw.isNull {
            guard let s = raw.stringValue, let parsed = FakeKeyStatus(jsonName: s) else {
                throw BadRequest("status: expected one of valid, revoked, forbidden, billing, no_credit")
            }
            status = parsed
        }
        state.addKey(key, status: status)
        return .object([Self.ok, ("key", .string(maskKey(key))), ("status", .string(status.rawValue))])
    }

    /// POST /_control/keys/revoke: `{"key": …}`.
    private func revokeKey(_ body: [UInt8]) throws -> JSONValue {
        let json = try parseBody(body)
        try requireObject(json, "revoke", allowed: ["key"])
        guard let key = json["key"]?.stringValue, !key.isEmpty else {
            throw BadRequest("key: Field required (a non-empty string)")
        }
        state.revokeKey(key)
        return .object([Self.ok, ("key", .string(maskKey(key))), ("status", .string(FakeKeyStatus.revoked.rawValue))])
    }

    /// POST /_control/faults: one fault object or an array of them, all checked before any is queued.
    private func enqueueFaults(_ body: [UInt8]) throws -> JSONValue {
        let json = try parseBody(body)
        let items: [JSONValue]
        if let array = json.arrayValue { items = array } else { items = [json] }
        var faults: [Fault] = []
        for (i, item) in items.enumerated() {
            let what = items.count == 1 && json.arrayValue == nil ? "fault" : "faults.\(i)"
            faults.append(try checkedFault(item, what))
        }
        state.enqueueFaults(faults)
        return .object([Self.ok, ("queued", .int(faults.count)), ("pending", .int(state.pendingFaults().count))])
    }

    /// One fault of a POST /_control/faults, its fields and their ranges checked (`what` names it in errors).
    private func checkedFault(_ item: JSONValue, _ what: String) throws -> Fault {
        try requireObject(item, what, allowed: Fault.CodingKeys.allCases.map(\.rawValue))
        guard item["kind"] != nil else {
            throw BadRequest("\(what).kind: Field required (\(Fault.Kind.jsonNames.joined(separator: ", ")))")
        }
        let fault = try decode(Fault.self, from: item, what)
        if let t = item["times"]?.intValue, t < 1 { throw BadRequest("\(what).times: must be at least 1") }
        if fault.kind == .status, fault.status == nil {
            throw BadRequest("\(what).status: Field required for kind status")
        }
        if let s = fault.status, !(100...599).contains(s) { throw BadRequest("\(what).status: must be 100...599") }
        if fault.kind == .redirect, let s = fault.status, !(300...399).contains(s) {
            throw BadRequest("\(what).status: a redirect must be 300...399")
        }
        if let ms = item["interval_ms"]?.intValue, !(1...600_000).contains(ms) {
            throw BadRequest("\(what).interval_ms: must be 1...600000")
        }
        if !fault.sizeMB.isFinite || !(0...4096).contains(fault.sizeMB) {
            throw BadRequest("\(what).size_mb: must be 0...4096")
        }
        return fault
    }

    /// POST /_control/reply: the reply the fake gives from now on.
    private func setReply(_ body: [UInt8]) throws -> JSONValue {
        let json = try parseBody(body)
        try requireObject(json, "reply", allowed: ReplyConfig.CodingKeys.allCases.map(\.rawValue))
        if let tool = json["tool_use"], !tool.isNull {
            try requireObject(tool, "reply.tool_use", allowed: ["name", "input", "id"])
            if let input = tool["input"], input.objectMembers == nil {
                throw BadRequest("reply.tool_use.input must be a JSON object")
            }
        }
        if let c = json["chunk_chars"]?.intValue, c < 1 { throw BadRequest("reply.chunk_chars: must be at least 1") }
        let reply = try decode(ReplyConfig.self, from: json, "reply")
        state.setReply(reply)
        return .object([Self.ok, ("reply", HTTPHelpers.encodeToJSON(reply))])
    }

    /// POST /_control/models: `{"models": [...]}` replaces the model list.
    private func setModels(_ body: [UInt8]) throws -> JSONValue {
        let json = try parseBody(body)
        try requireObject(json, "models", allowed: ["models"])
        guard let list = json["models"]?.arrayValue else { throw BadRequest("models: Field required (an array)") }
        var models: [ModelInfo] = []
        for (i, item) in list.enumerated() {
            try requireObject(item, "models.\(i)", allowed: ModelInfo.CodingKeys.allCases.map(\.rawValue))
            models.append(try decode(ModelInfo.self, from: item, "models.\(i)"))
        }
        state.setModels(models)
        return .object([Self.ok, ("count", .int(models.count))])
    }

    /// POST /_control/ratelimits: the rate-limit headers sent from now on (a POST replaces them all).
    private func setRateLimits(_ body: [UInt8]) throws -> JSONValue {
        let json = try parseBody(body)
        try requireObject(json, "ratelimits", allowed: FakeRateLimits.CodingKeys.allCases.map(\.rawValue))
        for kind in FakeRateLimits.CodingKeys.allCases {
            guard let entry = json[kind.rawValue], !entry.isNull else { continue }
            let what = "ratelimits.\(kind.rawValue)"
            try requireObject(entry, what, allowed: FakeRateLimits.Entry.CodingKeys.allCases.map(\.rawValue))
        }
        let limits = try decode(FakeRateLimits.self, from: json, "ratelimits")
        if let problem = limits.problem { throw BadRequest("ratelimits.\(problem)") }
        state.setRateLimits(limits)
        return .object([Self.ok, ("ratelimits", HTTPHelpers.encodeToJSON(limits))])
    }

    static func requestJSON(_ r: LoggedRequest) -> JSONValue {
        var body: JSONValue = .null
        if let text = r.body {
            body = (try? JSONValue.parse(text)) ?? .string(text)
        }
        return .object([
            ("request_id", .string(r.requestID)),
            ("method", .string(r.method)),
            ("path", .string(r.path)),
            ("query", r.query.map { .string($0) } ?? .null),
            ("headers", .object(r.headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("key", r.key.map { .string($0) } ?? .null),
            ("body", body),
            ("status", r.status.map { .int($0) } ?? .null),
            ("fault", r.fault.map { .string($0.rawValue) } ?? .null),
        ])
    }
}
