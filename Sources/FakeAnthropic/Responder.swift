import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Routes every request: `/_control/…` to the control API, `<prefix>/v1/…` to the fake API,
/// anything else to a 404 JSON error.
///
/// An API request goes through the same steps as at the real API: log it, refuse it (unknown
/// endpoint, size, key, anthropic-version), apply a fault that replaces the answer, then answer
/// it (FakeResponder+Models.swift, FakeResponder+Messages.swift). Faults that change how an answer
/// is delivered are in FakeResponder+Faults.swift and FakeResponder+Streaming.swift; the request
/// log in FakeResponder+Log.swift.
struct FakeResponder: HTTPResponder {
    typealias Context = FakeRequestContext

    let state: FakeState
    let configuration: FakeConfiguration

    enum Endpoint {
        case messages, countTokens, models
        case model(String)
        case unknown

        /// The models endpoints answer keys that cannot pay (billing, no credit).
        var isModels: Bool {
            switch self {
            case .models, .model: return true
            default: return false
            }
        }
    }

    /// Records how one request ended (its status and fault) in the request log, then hands back the response.
    struct Outcome {
        let state: FakeState
        let requestID: String

        func finish(_ response: Response, fault: Fault.Kind? = nil) -> Response {
            state.recordOutcome(requestID: requestID, status: Int(response.status.code), fault: fault)
            return response
        }

        func fail(_ status: Int, _ type: String, _ message: String) -> Response {
            finish(HTTPHelpers.error(status: status, type: type, message: message, requestID: requestID))
        }
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = IDs.requestID()
        let path = request.uri.path

        if path == "/_control" || path.hasPrefix("/_control/") {
            let control = ControlAPI(state: state, configuration: configuration)
            return try await control.handle(request, path: path, requestID: requestID)
        }

        let prefix = configuration.normalizedPrefix
        var apiPath: String?
        if prefix.isEmpty {
            apiPath = path
        } else if path.hasPrefix(prefix + "/") {
            apiPath = String(path.dropFirst(prefix.count))
        }
        guard let apiPath, apiPath == "/v1" || apiPath.hasPrefix("/v1/") else {
            return HTTPHelpers.error(
                status: 404, type: "not_found_error", message: "Not found: \(path)", requestID: requestID)
        }
        return try await handleAPI(request, context: context, path: path, apiPath: apiPath, requestID: requestID)
    }

    static func route(method: HTTPRequest.Method, apiPath: String) -> Endpoint {
        switch (method, apiPath) {
        case (.post, "/v1/messages"): return .messages
        case (.post, "/v1/messages/count_tokens"): return .countTokens
        case (.get, "/v1/models"): return .models
        case (.get, _) where apiPath.hasPrefix("/v1/models/") && apiPath.count > "/v1/models/".count:
            let id = String(apiPath.dropFirst("/v1/models/".count))
            if id.contains("/") { return .unknown }
            return .model(id.removingPercentEncoding ?? id)
        default: return .unknown
        }
    }

    // MARK: - API

    private func handleAPI(
        _ request: Request, context: Context, path: String, apiPath: String, requestID: String
    ) async throws -> Response {
        let token = ActiveToken(state: state)
        let endpoint = Self.route(method: request.method, apiPath: apiPath)
        let (bodyBytes, tooLarge) = try await HTTPHelpers.readBody(request, limit: configuration.maxBodyBytes)
        let presented = presentedKey(request)
        logRequest(
            request, path: path, requestID: requestID, presentedKey: presented, body: bodyBytes, tooLarge: tooLarge)
        let outcome = Outcome(state: state, requestID: requestID)

        // 1–4. unknown endpoint, size, auth, anthropic-version
        if let refusal = refusal(
            request, endpoint: endpoint, path: path, tooLarge: tooLarge, key: presented, outcome: outcome)
        {
            return refusal
        }
        // 5. faults that answer instead of the endpoint
        let fault = state.takeFault(for: apiPath)
        if let fault,
            let response = faultInsteadOfAnswer(
                fault, apiPath: apiPath, body: bodyBytes, context: context, outcome: outcome)
        {
            return response
        }
        // 6. endpoint
        switch endpoint {
        case .models, .model:
            return try await answerModels(
                endpoint, query: request.uri.query, fault: fault, context: context, outcome: outcome)
        case .messages, .countTokens:
            return try await answerMessages(
                endpoint, body: bodyBytes, fault: fault, context: context, token: token, outcome: outcome)
        case .unknown:
            return outcome.fail(404, "not_found_error", "Not found")
        }
    }

    /// The error answer for a request the API refuses before looking at it: an unknown endpoint,
    /// a body over the limit, a missing or refused key, no anthropic-version; nil if none applies.
    private func refusal(
        _ request: Request, endpoint: Endpoint, path: String, tooLarge: Bool, key presented: String?, outcome: Outcome
    ) -> Response? {
        if case .unknown = endpoint {
            return outcome.fail(404, "not_found_error", "Not found: \(request.method.rawValue) \(path)")
        }
        if tooLarge {
            return outcome.fail(413, "request_too_large", ErrorMessages.tooLarge)
        }
        guard let key = presented else {
            return outcome.fail(401, "authentication_error", ErrorMessages.missingKey)
        }
        if let refused = keyRefusal(key, endpoint: endpoint, outcome: outcome) {
            return refused
        }
        let version = HTTPHelpers.header(request, "anthropic-version")?.trimmingCharacters(in: .whitespaces) ?? ""
        if version.isEmpty {
            return outcome.fail(400, "invalid_request_error", ErrorMessages.missingVersion)
        }
        return nil
    }

    /// The error answer for a key that is unknown, revoked or forbidden, or (except on the models
    /// endpoints) cannot pay; nil for a key that may use the endpoint.
    private func keyRefusal(_ key: String, endpoint: Endpoint, outcome: Outcome) -> Response? {
        let isModels = endpoint.isModels
        switch state.keyStatus(key) {
        case nil, .revoked?:
            return outcome.fail(401, "authentication_error", ErrorMessages.invalidKey)
        case .forbidden?:
            return outcome.fail(403, "permission_error", ErrorMessages.forbidden)
        case .billing? where !isModels:
            return outcome.fail(402, "billing_error", ErrorMessages.billing)
        case .noCredit? where !isModels:
            return outcome.fail(400, "invalid_request_error", ErrorMessages.noCredit)
        default:
            return nil
        }
    }

    /// Whether a request body asks for a stream (`"stream": true`), for faults that act before validation.
    func isStreamingRequest(_ body: [UInt8]) -> Bool {
        guard let json = try? JSONValue.parse(body), case .bool(true)? = json["stream"] else { return false }
        return true
    }

    /// The key from `x-api-key`, else from `Authorization: Bearer <token>`; nil if neither.
    private func presentedKey(_ request: Request) -> String? {
        if let k = HTTPHelpers.header(request, "x-api-key")?.trimmingCharacters(in: .whitespaces), !k.isEmpty {
            return k
        }
        if let auth = HTTPHelpers.header(request, "authorization") {
            let trimmed = auth.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("bearer ") {
                let token = trimmed.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
                if !token.isEmpty { return token }
            }
        }
        return nil
    }
}
