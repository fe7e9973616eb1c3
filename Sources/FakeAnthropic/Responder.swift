import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Routes every request: `/_control/…` to the control API, `<prefix>/v1/…` to the fake API,
/// anything else to a 404 JSON error.
struct FakeResponder: HTTPResponder {
    typealias Context = FakeRequestContext

    let state: FakeState
    let configuration: FakeConfiguration

    enum Endpoint {
        case messages, countTokens, models, model(String), unknown
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
            return HTTPHelpers.error(status: 404, type: "not_found_error", message: "Not found: \(path)", requestID: requestID)
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
        logRequest(request, path: path, requestID: requestID, presentedKey: presented, body: bodyBytes, tooLarge: tooLarge)

        func finish(_ response: Response, fault: Fault.Kind? = nil) -> Response {
            state.recordOutcome(requestID: requestID, status: Int(response.status.code), fault: fault)
            return response
        }
        func fail(_ status: Int, _ type: String, _ message: String) -> Response {
            finish(HTTPHelpers.error(status: status, type: type, message: message, requestID: requestID))
        }

        // 1. unknown endpoint
        if case .unknown = endpoint {
            return fail(404, "not_found_error", "Not found: \(request.method.rawValue) \(path)")
        }
        // 2. size
        if tooLarge {
            return fail(413, "request_too_large", ErrorMessages.tooLarge)
        }
        // 3. auth
        guard let key = presented else {
            return fail(401, "authentication_error", ErrorMessages.missingKey)
        }
        let isModels: Bool
        switch endpoint {
        case .models, .model: isModels = true
        default: isModels = false
        }
        switch state.keyStatus(key) {
        case nil, .revoked?:
            return fail(401, "authentication_error", ErrorMessages.invalidKey)
        case .forbidden?:
            return fail(403, "permission_error", ErrorMessages.forbidden)
        case .billing? where !isModels:
            return fail(402, "billing_error", ErrorMessages.billing)
        case .noCredit? where !isModels:
            return fail(400, "invalid_request_error", ErrorMessages.noCredit)
        default:
            break
        }
        // 4. anthropic-version
        let version = HTTPHelpers.header(request, "anthropic-version")?.trimmingCharacters(in: .whitespaces) ?? ""
        if version.isEmpty {
            return fail(400, "invalid_request_error", ErrorMessages.missingVersion)
        }
        // 5. faults
        let fault = state.takeFault(for: apiPath)
        if let fault {
            switch fault.kind {
            case .status:
                return finish(statusFaultResponse(fault, requestID: requestID), fault: .status)
            case .redirect:
                var headers = fault.headers
                headers["location"] = fault.location ?? "https://elsewhere.example/v1/messages"
                let status = (300...399).contains(fault.status ?? 0) ? fault.status! : 302
                return finish(Response(status: .init(code: status),
                                       headers: HTTPHelpers.baseHeaders(requestID: requestID, contentType: nil, extra: headers),
                                       body: .init()), fault: .redirect)
            case .hugeBody, .hugeLine where !isStreamingRequest(bodyBytes):
                return finish(FaultBodies.huge(fault, requestID: requestID, channel: context.channel, state: state), fault: fault.kind)
            case .gzip where (fault.status ?? 200) >= 400:
                let type = fault.errorType ?? ErrorDefaults.type(forStatus: fault.status!)
                let json = HTTPHelpers.errorJSON(type: type, message: fault.message ?? ErrorDefaults.message(forType: type), requestID: requestID)
                return finish(FaultBodies.gzipped(Array(json.serialized.utf8), status: fault.status!, contentType: "application/json",
                                                  fault: fault, requestID: requestID), fault: .gzip)
            case .wrongShape where !isStreamingRequest(bodyBytes):
                return finish(HTTPHelpers.jsonText(status: 200, fault.body ?? FaultBodies.wrongShape(apiPath: apiPath),
                                                   requestID: requestID, extraHeaders: fault.headers), fault: .wrongShape)
            default:
                break
            }
        }

        // 6. endpoint
        switch endpoint {
        case .models, .model:
            let response: JSONValue
            switch endpoint {
            case .model(let id):
                guard let model = state.models().first(where: { $0.id == id }) else {
                    return fail(404, "not_found_error", "model: \(id)")
                }
                response = modelJSON(model)
            default:
                switch modelsPage(query: request.uri.query) {
                case .success(let page): response = page
                case .failure(let err): return fail(400, "invalid_request_error", err.message)
                }
            }
            return try await deliverNonStreaming(response, fault: fault, context: context, requestID: requestID, finish: finish)

        case .messages, .countTokens:
            let isCount: Bool
            if case .countTokens = endpoint { isCount = true } else { isCount = false }
            if bodyBytes.isEmpty {
                return fail(400, "invalid_request_error", "Request body is empty: expected a JSON object.")
            }
            let body: JSONValue
            do {
                body = try JSONValue.parse(bodyBytes)
            } catch {
                return fail(400, "invalid_request_error", "Request body is not valid JSON: \(error)")
            }
            let parsed: MessageRequest
            switch MessageValidation.validate(body, requireMaxTokens: !isCount) {
            case .success(let r): parsed = r
            case .failure(let err): return fail(400, "invalid_request_error", err.message)
            }
            guard state.models().contains(where: { $0.id == parsed.model }) else {
                return fail(404, "not_found_error", "model: \(parsed.model)")
            }
            if isCount {
                let response: JSONValue = .object([("input_tokens", .int(parsed.inputTokens))])
                return try await deliverNonStreaming(response, fault: fault, context: context, requestID: requestID, finish: finish)
            }
            let reply = state.reply()
            let plan = ReplyPlan(request: parsed, reply: reply)
            if !parsed.stream {
                return try await deliverNonStreaming(plan.messageJSON, fault: fault, context: context, requestID: requestID, finish: finish)
            }
            return try await stream(plan: plan, reply: reply, fault: fault, context: context, requestID: requestID, token: token, finish: finish)

        case .unknown:
            return fail(404, "not_found_error", "Not found")
        }
    }

    /// Whether a request body asks for a stream (`"stream": true`), for faults that act before validation.
    private func isStreamingRequest(_ body: [UInt8]) -> Bool {
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

    // MARK: - Log

    private func logRequest(
        _ request: Request, path: String, requestID: String, presentedKey: String?, body: [UInt8], tooLarge: Bool
    ) {
        var secrets = Array(state.keys().keys)
        if let presentedKey { secrets.append(presentedKey) }
        if let auth = HTTPHelpers.header(request, "authorization") { secrets.append(auth) }
        if let x = HTTPHelpers.header(request, "x-api-key") { secrets.append(x) }
        secrets = secrets.filter { $0.count >= 6 }.sorted { $0.count > $1.count }

        func scrub(_ s: String) -> String {
            var out = s
            for secret in secrets where out.contains(secret) {
                out = out.replacingOccurrences(of: secret, with: maskKey(secret))
            }
            return out
        }

        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            let value: String
            switch name {
            case "x-api-key": value = maskKey(field.value.trimmingCharacters(in: .whitespaces))
            case "authorization": value = maskAuthorization(field.value)
            default: value = scrub(field.value)
            }
            if let existing = headers[name] {
                headers[name] = existing + ", " + value
            } else {
                headers[name] = value
            }
        }

        var bodyText: String?
        if tooLarge {
            bodyText = "<body over \(configuration.maxBodyBytes) bytes, not logged>"
        } else if body.count > 1_048_576 {
            bodyText = "<body of \(body.count) bytes, not logged>"
        } else if !body.isEmpty {
            if let s = String(bytes: body, encoding: .utf8) {
                bodyText = scrub(s)
            } else {
                bodyText = "<\(body.count) bytes of non-UTF-8 data>"
            }
        }

        state.appendRequest(LoggedRequest(
            requestID: requestID,
            method: request.method.rawValue,
            path: path,
            query: request.uri.query.map(scrub),
            headers: headers,
            key: presentedKey.map(maskKey),
            body: bodyText,
            status: nil,
            fault: nil
        ))
    }

    // MARK: - Models

    private func modelJSON(_ m: ModelInfo) -> JSONValue {
        .object([
            ("type", .string("model")),
            ("id", .string(m.id)),
            ("display_name", .string(m.displayName)),
            ("created_at", .string(m.createdAt)),
        ])
    }

    static func sortedNewestFirst(_ models: [ModelInfo]) -> [ModelInfo] {
        let iso = ISO8601DateFormatter()
        let isoFrac = ISO8601DateFormatter()
        isoFrac.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func date(_ s: String) -> Date? { iso.date(from: s) ?? isoFrac.date(from: s) }
        return models.enumerated().sorted { a, b in
            let da = date(a.element.createdAt), db = date(b.element.createdAt)
            if let da, let db, da != db { return da > db }
            if da == nil || db == nil, a.element.createdAt != b.element.createdAt {
                return a.element.createdAt > b.element.createdAt
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    private func modelsPage(query: String?) -> Result<JSONValue, MessageValidation.ValidationError> {
        let items = HTTPHelpers.queryItems(query)
        func param(_ name: String) -> String? { items.last(where: { $0.0 == name })?.1 }
        var limit = 20
        if let l = param("limit") {
            guard let v = Int(l) else { return .failure(.init("limit: Input should be a valid integer")) }
            guard (1...1000).contains(v) else {
                return .failure(.init("limit: Input should be greater than or equal to 1 and less than or equal to 1000"))
            }
            limit = v
        }
        let all = Self.sortedNewestFirst(state.models())
        var page: [ModelInfo]
        var hasMore: Bool
        if let after = param("after_id"), !after.isEmpty {
            if let idx = all.firstIndex(where: { $0.id == after }) {
                let rest = Array(all[(idx + 1)...])
                page = Array(rest.prefix(limit))
                hasMore = rest.count > limit
            } else {
                page = []
                hasMore = false
            }
        } else if let before = param("before_id"), !before.isEmpty {
            if let idx = all.firstIndex(where: { $0.id == before }) {
                let head = Array(all[..<idx])
                page = Array(head.suffix(limit))
                hasMore = head.count > limit
            } else {
                page = []
                hasMore = false
            }
        } else {
            page = Array(all.prefix(limit))
            hasMore = all.count > limit
        }
        return .success(.object([
            ("data", .array(page.map(modelJSON))),
            ("has_more", .bool(hasMore)),
            ("first_id", page.first.map { .string($0.id) } ?? .null),
            ("last_id", page.last.map { .string($0.id) } ?? .null),
        ]))
    }

    // MARK: - Faults

    private func statusFaultResponse(_ fault: Fault, requestID: String) -> Response {
        let status = fault.status ?? 500
        if let body = fault.body {
            let contentType: String? = body.isEmpty ? fault.contentType : (fault.contentType ?? "text/html; charset=utf-8")
            return Response(
                status: .init(code: status),
                headers: HTTPHelpers.baseHeaders(requestID: requestID, contentType: contentType, extra: fault.headers),
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
        let type = fault.errorType ?? ErrorDefaults.type(forStatus: status)
        let message = fault.message ?? ErrorDefaults.message(forType: type)
        return HTTPHelpers.error(status: status, type: type, message: message, requestID: requestID, extraHeaders: fault.headers)
    }

    /// Delivers a complete 200 JSON response, applying a non-status fault if any:
    /// stall → nothing at all sent for stall_seconds, then the response; drop → after_events -1:
    /// no response at all, 0: headers only, >0: headers and half the body, then the connection
    /// closes; stream_error → an HTTP error status instead.
    private func deliverNonStreaming(
        _ json: JSONValue, fault: Fault?, context: Context, requestID: String,
        finish: (Response, Fault.Kind?) -> Response
    ) async throws -> Response {
        let text = json.serialized
        guard let fault else {
            return finish(HTTPHelpers.jsonText(status: 200, text, requestID: requestID), nil)
        }
        let response = HTTPHelpers.jsonText(status: 200, text, requestID: requestID, extraHeaders: fault.headers)
        switch fault.kind {
        case .status, .redirect, .hugeBody, .hugeLine, .wrongShape:
            return finish(statusFaultResponse(fault, requestID: requestID), .status)
        case .headers:
            return finish(response, .headers)
        case .gzip:
            return finish(FaultBodies.gzipped(Array(text.utf8), status: 200, contentType: "application/json",
                                              fault: fault, requestID: requestID), .gzip)
        case .pings, .trickle:
            let channel = context.channel, state = self.state
            let bytes = Array(text.utf8)
            let interval = Double(fault.intervalMs) / 1000
            let kind = fault.kind
            return finish(Response(status: .ok, headers: response.headers, body: .init { writer in
                if kind == .pings {
                    while true {  // a space is valid JSON padding: the body never completes
                        try await writer.write(ByteBuffer(string: " "))
                        try await HTTPHelpers.pause(seconds: interval, channel: channel, state: state)
                    }
                }
                for byte in bytes {
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await HTTPHelpers.pause(seconds: interval, channel: channel, state: state)
                }
                try await writer.finish(nil)
            }), kind)
        case .streamError:
            let type = fault.errorType ?? "overloaded_error"
            let status = fault.status ?? ErrorDefaults.status(forType: type)
            let message = fault.message ?? ErrorDefaults.message(forType: type)
            return finish(HTTPHelpers.error(status: status, type: type, message: message, requestID: requestID, extraHeaders: fault.headers), .streamError)
        case .stall:
            _ = finish(response, .stall)
            do {
                try await HTTPHelpers.pause(seconds: fault.stallSeconds, channel: context.channel, state: state)
            } catch is ClientGone {
                return Response(status: .ok)
            }
            return response
        case .drop:
            _ = finish(response, .drop)
            if fault.afterEvents < 0 {
                context.channel.close(promise: nil)
                return Response(status: .ok)
            }
            let full = ByteBuffer(string: text)
            let sendBytes = fault.afterEvents == 0 ? 0 : full.readableBytes / 2
            let partial = full.getSlice(at: full.readerIndex, length: sendBytes) ?? ByteBuffer()
            return Response(
                status: .ok,
                headers: response.headers,
                body: .init(contentLength: full.readableBytes) { writer in
                    if partial.readableBytes > 0 { try await writer.write(partial) }
                    // give the bytes a moment to leave before the connection goes away
                    try await Task.sleep(for: .milliseconds(20))
                    throw DropConnection()
                }
            )
        }
    }

    // MARK: - Streaming

    private func stream(
        plan: ReplyPlan, reply: ReplyConfig, fault: Fault?, context: Context, requestID: String,
        token: ActiveToken, finish: (Response, Fault.Kind?) -> Response
    ) async throws -> Response {
        let channel = context.channel
        var extra = ["cache-control": "no-cache"]
        for (k, v) in fault?.headers ?? [:] { extra[k] = v }
        let headers = HTTPHelpers.baseHeaders(
            requestID: requestID, contentType: "text/event-stream; charset=utf-8", extra: extra
        )
        var allSteps = plan.streamSteps
        if let f = fault, f.kind == .gzip {
            let whole = allSteps.map { step -> String in
                switch step { case .event(let t), .delta(let t): return t }
            }.joined()
            return finish(FaultBodies.gzipped(Array(whole.utf8), status: 200, contentType: "text/event-stream; charset=utf-8",
                                              fault: f, requestID: requestID), .gzip)
        }
        if let f = fault, f.kind == .wrongShape {
            let data = f.body.map { $0.replacingOccurrences(of: "\n", with: " ") } ?? "{\"type\": 42}"
            allSteps = [.event("event: message_start\ndata: \(data)\n\n")] + allSteps
        }
        let steps = allSteps
        let totalDeltas = steps.reduce(0) { n, s in if case .delta = s { return n + 1 } else { return n } }

        // Faults with after_events -1 act before the response headers.
        var streamFault = fault
        if let f = fault, f.afterEvents < 0 {
            switch f.kind {
            case .drop:
                _ = finish(Response(status: .ok), .drop)
                channel.close(promise: nil)
                return Response(status: .ok)
            case .stall:
                _ = finish(Response(status: .ok), .stall)
                do {
                    try await HTTPHelpers.pause(seconds: f.stallSeconds, channel: channel, state: state)
                } catch is ClientGone {
                    return Response(status: .ok)
                }
                streamFault = nil
            default:
                streamFault?.afterEvents = 0
            }
        }
        let activeFault = streamFault
        let trigger: Int? = activeFault.map { min(max(0, $0.afterEvents), totalDeltas) }
        let delaySeconds = Double(reply.delayMs) / 1000
        let pingEvery = reply.pingEvery

        let response = Response(status: .ok, headers: headers, body: .init { writer in
            _ = token  // keeps the response counted as active until the stream ends
            var deltas = 0
            // Set once a trickle fault fired: from then on every byte goes out alone, `interval` apart.
            var trickle: Double?
            func send(_ text: String, _ writer: inout any ResponseBodyWriter) async throws {
                guard let interval = trickle else { return try await writer.write(ByteBuffer(string: text)) }
                for byte in text.utf8 {
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await HTTPHelpers.pause(seconds: interval, channel: channel, state: state)
                }
            }
            if let f = activeFault, trigger == 0 {
                if f.kind == .trickle { trickle = Double(f.intervalMs) / 1000 }
                if try await Self.fire(f, writer: &writer, channel: channel, state: state, requestID: requestID) { return }
            }
            for step in steps {
                switch step {
                case .event(let text):
                    try await send(text, &writer)
                case .delta(let text):
                    if deltas > 0, delaySeconds > 0 {
                        try await HTTPHelpers.pause(seconds: delaySeconds, channel: channel, state: state)
                    }
                    try await send(text, &writer)
                    deltas += 1
                    if let f = activeFault, deltas == trigger {
                        if f.kind == .trickle { trickle = Double(f.intervalMs) / 1000 }
                        if try await Self.fire(f, writer: &writer, channel: channel, state: state, requestID: requestID) { return }
                    }
                    if pingEvery > 0, deltas % pingEvery == 0 {
                        try await send(ReplyPlan.ping, &writer)
                    }
                }
            }
            try await writer.finish(nil)
        })
        return finish(response, fault?.kind)
    }

    /// Applies a stream fault. Returns true when the stream has ended.
    private static func fire(
        _ fault: Fault, writer: inout any ResponseBodyWriter, channel: any Channel, state: FakeState, requestID: String
    ) async throws -> Bool {
        switch fault.kind {
        case .streamError:
            let type = fault.errorType ?? "overloaded_error"
            let message = fault.message ?? ErrorDefaults.message(forType: type)
            let event = "event: error\ndata: \(HTTPHelpers.errorJSON(type: type, message: message, requestID: requestID).serialized)\n\n"
            try await writer.write(ByteBuffer(string: event))
            try await writer.finish(nil)
            return true
        case .drop:
            // let what was written leave before the connection goes away
            try await Task.sleep(for: .milliseconds(20))
            throw DropConnection()
        case .stall:
            try await HTTPHelpers.pause(seconds: fault.stallSeconds, channel: channel, state: state)
            return false
        case .pings:
            while true {
                try await writer.write(ByteBuffer(string: ReplyPlan.ping))
                try await HTTPHelpers.pause(seconds: Double(fault.intervalMs) / 1000, channel: channel, state: state)
            }
        case .hugeLine:
            try await writer.write(ByteBuffer(string: "data: "))
            try await FaultBodies.writeFiller(fault.sizeBytes, writer: &writer, channel: channel, state: state)
            try await writer.write(ByteBuffer(string: "\n\n"))
            return false
        case .status, .headers, .redirect, .gzip, .trickle, .hugeBody, .wrongShape:
            return false
        }
    }
}

