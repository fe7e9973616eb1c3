import Foundation

/// Every way a request to the API can fail, with what the server said about it.
///
/// The description is one sentence a user can act on; it never contains the key (anything
/// key-shaped in a server message is masked).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: Kind
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The API's `error.type`, e.g. `authentication_error`.
    public var errorType: String?
    /// The server's message, or palaver's account of what went wrong.
    public var message: String
    public var requestID: String?
    /// How long the server asked us to wait (`retry-after-ms` / `retry-after`).
    public var retryAfter: Duration?
    /// The `x-should-retry` header, when the server sent one.
    public var shouldRetryHeader: Bool?
    /// For a stream that failed after content arrived: everything received until then.
    public var partial: Message?
    /// How many attempts were made before giving up (1 = no retry).
    public var attempts = 1
    /// The rate-limit headers of the error response (a 429 says which limit ran out), when readable.
    public var rateLimits: RateLimits?

    public init(
        kind: Kind, httpStatus: Int? = nil, errorType: String? = nil, message: String,
        requestID: String? = nil, retryAfter: Duration? = nil
    ) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.errorType = errorType
        self.message = Secrets.redact(message)
        self.requestID = requestID
        self.retryAfter = retryAfter
    }

    /// An `error` event inside a stream that began with HTTP 200.
    public init(streamErrorType type: String, message: String, requestID: String?) {
        self.init(
            kind: Kind(errorType: type, status: nil, message: message), errorType: type,
            message: message, requestID: requestID)
    }

    /// The stream failed after content arrived; `partial` holds what was received.
    public var isInterrupted: Bool { partial != nil }

    /// Whether the official SDK's policy (or better) would try again.
    public var isRetryable: Bool {
        if let shouldRetryHeader { return shouldRetryHeader }
        return kind.isRetryable
    }

    public var description: String {
        var details: [String] = []
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        if let errorType { details.append(errorType) }
        var text = kind.summary
        let facts = details.joined(separator: " ")
        if !facts.isEmpty || !message.isEmpty {
            text += " ("
            text += facts
            if !message.isEmpty { text += facts.isEmpty ? message : ": \(message)" }
            if let requestID { text += "; request \(requestID)" }
            text += ")"
        }
        return text
    }
}

extension APIError {
    /// What kind of failure this is: one for every row of the API's error table, plus the
    /// failures that happen before or around a response.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidRequest, authentication, billing, noCredit, permission, notFound
            case requestTimeout, conflict, requestTooLarge, rateLimited, apiError
            case serviceUnavailable, serverTimeout, overloaded, otherHTTP
            case network, timeout, cancelled, malformedResponse, truncated
            case insecureTransport, invalidConfiguration
            case redirected, responseTooLarge, deadline
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// 400 `invalid_request_error`.
        public static let invalidRequest = Kind(.invalidRequest)
        /// 401 `authentication_error`: the key is missing, invalid, revoked or expired.
        public static let authentication = Kind(.authentication)
        /// 402 `billing_error`.
        public static let billing = Kind(.billing)
        /// 400 with "Your credit balance is too low…": the key is fine, the account has no credit.
        public static let noCredit = Kind(.noCredit)
        /// 403 `permission_error`: the key works but may not use this resource.
        public static let permission = Kind(.permission)
        /// 404 `not_found_error`: wrong model id or path.
        public static let notFound = Kind(.notFound)
        /// 408.
        public static let requestTimeout = Kind(.requestTimeout)
        /// 409 `conflict_error`.
        public static let conflict = Kind(.conflict)
        /// 413 `request_too_large`.
        public static let requestTooLarge = Kind(.requestTooLarge)
        /// 429 `rate_limit_error`.
        public static let rateLimited = Kind(.rateLimited)
        /// 500 `api_error`, and any other 5xx without its own row.
        public static let apiError = Kind(.apiError)
        /// 503.
        public static let serviceUnavailable = Kind(.serviceUnavailable)
        /// 504 `timeout_error`: the server timed out.
        public static let serverTimeout = Kind(.serverTimeout)
        /// 529 `overloaded_error`.
        public static let overloaded = Kind(.overloaded)
        /// Another HTTP status palaver has no row for.
        public static let otherHTTP = Kind(.otherHTTP)
        /// The connection could not be made or broke (DNS, refused, reset, TLS).
        public static let network = Kind(.network)
        /// No connection in time, or no bytes for the idle timeout.
        public static let timeout = Kind(.timeout)
        /// The caller cancelled the request.
        public static let cancelled = Kind(.cancelled)
        /// The server's reply could not be read (bad JSON, wrong shape).
        public static let malformedResponse = Kind(.malformedResponse)
        /// The stream ended without `message_stop`.
        public static let truncated = Kind(.truncated)
        /// A key would have gone over plain http to a host that is not this machine.
        public static let insecureTransport = Kind(.insecureTransport)
        /// The base URL or another setting is unusable.
        public static let invalidConfiguration = Kind(.invalidConfiguration)
        /// The server answered with a 3xx redirect; palaver never follows one (the key stays here).
        public static let redirected = Kind(.redirected)
        /// The reply (a line of the stream, the body, or an error body) was larger than palaver reads.
        public static let responseTooLarge = Kind(.responseTooLarge)
        /// The whole reply took longer than the reply deadline (`reply_timeout`), data or not.
        public static let deadline = Kind(.deadline)

        public var description: String { base.rawValue }

        /// Whether the official SDK's policy retries this kind (408, 409, 429, 5xx, connection errors).
        public var isRetryable: Bool {
            switch base {
            case .requestTimeout, .conflict, .rateLimited, .apiError, .serviceUnavailable, .serverTimeout,
                .overloaded, .network, .timeout, .truncated:
                return true
            default:
                return false
            }
        }

        /// A short phrase for the start of a sentence.
        var summary: String {
            switch base {
            case .invalidRequest: return "The API refused the request as invalid"
            case .authentication: return "The API rejected the key"
            case .billing: return "The API refused the request for a billing problem"
            case .noCredit: return "The account has no credit left"
            case .permission: return "The key is not allowed to do this"
            case .notFound: return "The API did not find what was asked for"
            case .requestTimeout: return "The API timed out waiting for the request"
            case .conflict: return "The API reported a conflict"
            case .requestTooLarge: return "The request is too large for the API"
            case .rateLimited: return "The API is rate-limiting this key"
            case .apiError: return "The API had an internal error"
            case .serviceUnavailable: return "The API is unavailable"
            case .serverTimeout: return "The API timed out"
            case .overloaded: return "The API is overloaded"
            case .otherHTTP: return "The API answered with an unexpected status"
            case .network: return "Could not reach the API"
            case .timeout: return "The API did not answer in time"
            case .cancelled: return "The request was cancelled"
            case .malformedResponse: return "The API's reply could not be read"
            case .truncated: return "The reply stopped before it was complete"
            case .insecureTransport: return "Refused to send the key over plain http"
            case .invalidConfiguration: return "The client is not configured correctly"
            case .redirected: return "The server redirected the request"
            case .responseTooLarge: return "The server's reply was too large"
            case .deadline: return "The reply did not finish in time"
            }
        }

        /// The kind for an HTTP status and/or an `error.type`; the type wins when both are known.
        public init(errorType: String?, status: Int?, message: String) {
            switch errorType {
            case "invalid_request_error":
                self = message.localizedCaseInsensitiveContains("credit balance") ? .noCredit : .invalidRequest
                return
            case "authentication_error":
                self = .authentication
                return
            case "billing_error":
                self = .billing
                return
            case "permission_error":
                self = .permission
                return
            case "not_found_error":
                self = .notFound
                return
            case "request_too_large":
                self = .requestTooLarge
                return
            case "rate_limit_error":
                self = .rateLimited
                return
            case "api_error":
                self = .apiError
                return
            case "timeout_error":
                self = .serverTimeout
                return
            case "overloaded_error":
                self = .overloaded
                return
            case "conflict_error":
                self = .conflict
                return
            default: break
            }
            switch status {
            case 400: self = message.localizedCaseInsensitiveContains("credit balance") ? .noCredit : .invalidRequest
            case 401: self = .authentication
            case 402: self = .billing
            case 403: self = .permission
            case 404: self = .notFound
            case 408: self = .requestTimeout
            case 409: self = .conflict
            case 413: self = .requestTooLarge
            case 429: self = .rateLimited
            case 503: self = .serviceUnavailable
            case 504: self = .serverTimeout
            case 529: self = .overloaded
            case let s? where s >= 500: self = .apiError
            case nil: self = .apiError // an unknown type inside a stream
            default: self = .otherHTTP
            }
        }
    }

}

/// Matches an error against a kind in `switch`/`catch` patterns: `catch APIError.Kind.authentication`.
public func ~= (kind: APIError.Kind, error: any Error) -> Bool {
    (error as? APIError)?.kind == kind
}

extension APIError {
    /// Builds the error for an HTTP response with a status of 400 or more.
    ///
    /// Works for the API's JSON error shape, and equally for an HTML page or an empty body from
    /// a proxy: the status always decides the kind when the body does not say more.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8], now: Date = Date()) {
        var type: String?
        var message = ""
        var requestID = headers["request-id"] ?? headers["x-request-id"]
        let encoding = APIError.unrequestedEncoding(headers)
        if encoding == nil, let json = try? JSONValue.parse(body) {
            if let error = json["error"], case .object = error {
                type = error["type"]?.stringValue.map { String($0.prefix(200)) }
                message = error["message"]?.stringValue ?? ""
            } else {
                message =
                    "the server sent JSON that is not the API's error shape (expected {\"type\": \"error\", \"error\": {\"type\": …, \"message\": …}})"
            }
            if requestID == nil { requestID = json["request_id"]?.stringValue }
        } else {
            message = APIError.describeNonJSONBody(
                body, contentType: headers["content-type"], contentEncoding: encoding)
        }
        if message.isEmpty { message = "no message from the server" }
        self.init(
            kind: Kind(errorType: type, status: status, message: message), httpStatus: status,
            errorType: type, message: String(message.prefix(APIError.maxMessageCharacters)),
            requestID: requestID.map { String($0.prefix(200)) },
            retryAfter: RetryPolicy.retryAfter(from: headers, now: now))
        let limits = RateLimits(headers: headers)
        rateLimits = limits.isEmpty ? nil : limits
        switch headers["x-should-retry"]?.lowercased() {
        case "true": shouldRetryHeader = true
        case "false": shouldRetryHeader = false
        default: break
        }
    }

    /// The longest server message kept in an error (characters); the rest is cut with "…".
    public static let maxMessageCharacters = 2_000

    /// A 3xx answer: palaver never follows redirects, so the key was not sent to the new place.
    /// Names the status and the host of `Location` (only host characters kept, so it is safe to print).
    public init(redirectStatus status: Int, headers: HTTPHeaders) {
        var message = "HTTP \(status) redirect"
        if let location = headers["location"] {
            message += " to \(APIError.sanitizedHost(of: location))"
        } else {
            message += " without a Location"
        }
        message += "; palaver does not follow redirects, so the key was not sent there"
        self.init(
            kind: .redirected, httpStatus: status, message: message,
            requestID: (headers["request-id"] ?? headers["x-request-id"]).map { String($0.prefix(200)) })
    }

    /// The host (and port) of a URL or path from a `Location` header, reduced to the characters a
    /// host name may hold; "this server" for a relative location, "an unreadable place" otherwise.
    static func sanitizedHost(of location: String) -> String {
        let text = location.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = text.range(of: "://") else {
            return text.hasPrefix("/") ? "another path on this server" : "an unreadable place"
        }
        var rest = text[schemeEnd.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] } // never user info
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_")
        let host = String(rest.filter { allowed.contains($0) }.prefix(100)).lowercased()
        return host.isEmpty ? "an unreadable place" : host
    }

    /// The `content-encoding` of a response palaver did not ask for (it sends no `accept-encoding`),
    /// or `nil` when the body is plain (`identity` or no header).
    static func unrequestedEncoding(_ headers: HTTPHeaders) -> String? {
        guard let value = headers["content-encoding"]?.trimmingCharacters(in: .whitespaces).lowercased(),
            !value.isEmpty, value != "identity"
        else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_, ")
        return String(value.filter { allowed.contains($0) }.prefix(40))
    }

    /// A one-line account of a body that is not the API's JSON: an HTML page (its title) or text.
    static func describeNonJSONBody(_ body: [UInt8], contentType: String?, contentEncoding: String? = nil) -> String {
        if let contentEncoding {
            return
                "the server sent a \(contentEncoding.isEmpty ? "compressed" : contentEncoding)-encoded body that palaver did not ask for and does not decode (a proxy or gateway, not the API)"
        }
        if body.starts(with: [0x1F, 0x8B]) {
            return "the server sent a gzip-compressed body without saying so (a proxy or gateway, not the API)"
        }
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "the server sent an empty body" }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("<") || (contentType?.lowercased().contains("html") ?? false) {
            if let open = lower.range(of: "<title"), let openEnd = lower[open.upperBound...].firstIndex(of: ">"),
                let close = lower.range(of: "</title>", range: lower.index(after: openEnd)..<lower.endIndex)
            {
                let start = trimmed.index(
                    trimmed.startIndex,
                    offsetBy: lower.distance(from: lower.startIndex, to: lower.index(after: openEnd)))
                let end = trimmed.index(
                    trimmed.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: close.lowerBound))
                let title = APIError.plainTitle(trimmed[start..<end])
                if !title.isEmpty {
                    return "the server sent an HTML page titled \"\(title)\" (a proxy or gateway, not the API)"
                }
            }
            return "the server sent an HTML page instead of the API's JSON (a proxy or gateway, not the API)"
        }
        let firstLine = trimmed.split(whereSeparator: \.isNewline).first.map(String.init) ?? trimmed
        return "the server sent: \(firstLine.prefix(200))"
    }

    /// An HTML title as plain text: common entities decoded, tags, control and format characters
    /// (bidi overrides, zero-width) dropped, white space collapsed, at most 120 characters.
    static func plainTitle(_ raw: Substring) -> String {
        var text = ""
        var inTag = false
        for c in raw {
            if c == "<" {
                inTag = true
                continue
            }
            if c == ">" && inTag {
                inTag = false
                continue
            }
            if !inTag { text.append(c) }
        }
        for (entity, char) in [
            ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&nbsp;", " "),
            ("&amp;", "&"),
        ] {
            text = text.replacingOccurrences(of: entity, with: char)
        }
        // Escape sequences go whole (a title "x ESC]52;c;… BEL" must not leave "]52;c;…" behind),
        // then what is left of controls and format characters becomes space.
        let clean = UntrustedText.sanitize(text, lineBreaks: .space)
        let scalars = clean.unicodeScalars.map { scalar -> Character in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: return " "
            default: return scalar == UntrustedText.replacement ? " " : Character(scalar)
            }
        }
        let words = String(scalars).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count > 120 ? String(words.prefix(119)) + "…" : words
    }
}
