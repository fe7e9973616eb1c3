import Foundation

/// The secret that authenticates requests, and how it is sent.
public struct Credential: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: Sendable, Equatable {
        /// `x-api-key: <key>` (API keys).
        case apiKey
        /// `Authorization: Bearer <token>` (`ANTHROPIC_AUTH_TOKEN`, OAuth tokens, gateways).
        case bearer
    }

    public var secret: String
    public var scheme: Scheme

    public init(secret: String, scheme: Scheme = .apiKey) {
        self.secret = secret
        self.scheme = scheme
    }

    /// `sk-ant-…` plus the last four characters.
    public var masked: String { Secrets.mask(secret) }

    /// Never the secret itself, so string interpolation cannot leak it.
    public var description: String { masked }
}

/// Where and how the client talks to the API.
public struct ClientConfiguration: Sendable {
    public static let defaultBaseURL = "https://api.anthropic.com"
    public static let defaultVersion = "2023-06-01"
    /// The default deadline for a whole reply: 10 minutes.
    public static let defaultReplyTimeout: Duration = .seconds(600)

    /// Scheme, host, optional port and optional path prefix (`http://127.0.0.1:8000/anthropic`).
    public var baseURL: String
    public var credential: Credential?
    public var anthropicVersion: String
    public var betas: [String]
    /// Allows sending the key over plain http to a host that is not this machine.
    public var allowInsecureHTTP: Bool
    public var retryPolicy: RetryPolicy
    public var connectTimeout: Duration
    /// For streams: give up when no byte (pings included) arrives for this long.
    public var idleTimeout: Duration
    /// The deadline for a whole reply, streaming or not: give up after this long even while data
    /// (pings, one byte at a time) keeps arriving. What arrived of a stream is kept.
    public var replyTimeout: Duration
    /// How much of a reply is read before giving up with a clear error.
    public var limits: ResponseLimits
    public var userAgent: String

    public init(
        baseURL: String = ClientConfiguration.defaultBaseURL, credential: Credential?,
        anthropicVersion: String = ClientConfiguration.defaultVersion, betas: [String] = [],
        allowInsecureHTTP: Bool = false, retryPolicy: RetryPolicy = RetryPolicy(),
        connectTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
        replyTimeout: Duration = ClientConfiguration.defaultReplyTimeout, limits: ResponseLimits = ResponseLimits(),
        userAgent: String = "palaver/0.1"
    ) {
        self.baseURL = baseURL
        self.credential = credential
        self.anthropicVersion = anthropicVersion
        self.betas = betas
        self.allowInsecureHTTP = allowInsecureHTTP
        self.retryPolicy = retryPolicy
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.replyTimeout = replyTimeout
        self.limits = limits
        self.userAgent = userAgent
    }

    /// The full URL of an API path (`/v1/messages`), keeping any path prefix of the base URL.
    public func url(for path: String, query: [(String, String)] = []) throws(APIError) -> String {
        let endpoint = try Endpoint(baseURL)
        var url = endpoint.normalized + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        return url
    }

    /// Refuses to send a key over plain http to a host that is not loopback, unless allowed.
    public func checkTransportSecurity() throws(APIError) {
        let endpoint = try Endpoint(baseURL)
        guard credential != nil, endpoint.scheme == "http", !endpoint.isLoopback, !allowInsecureHTTP else { return }
        throw APIError(
            kind: .insecureTransport,
            message:
                "the base URL \(endpoint.normalized) is plain http to \(endpoint.host), which would expose the key on the network; use https, or pass --insecure-http if you really mean it"
        )
    }

    private static func percentEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// The HTTP headers every API request carries.
    func headers(json: Bool) -> [(String, String)] {
        var h: [(String, String)] = [
            ("anthropic-version", anthropicVersion),
            ("user-agent", userAgent),
            ("accept", "application/json"),
        ]
        if json { h.append(("content-type", "application/json")) }
        if !betas.isEmpty { h.append(("anthropic-beta", betas.joined(separator: ","))) }
        if let credential {
            switch credential.scheme {
            case .apiKey: h.append(("x-api-key", credential.secret))
            case .bearer: h.append(("authorization", "Bearer \(credential.secret)"))
            }
        }
        return h
    }
}

/// A parsed and checked base URL.
public struct Endpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    /// The base URL without a trailing slash.
    public var normalized: String

    public init(_ text: String) throws(APIError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let bad = trimmed.unicodeScalars.enumerated().first(where: { Endpoint.isForbidden($0.element) }) {
            throw APIError(
                kind: .invalidConfiguration,
                message:
                    "the base URL \"\(Endpoint.visible(trimmed))\" contains \(Endpoint.name(of: bad.element)) at character \(bad.offset + 1); a URL holds no spaces, line breaks or control characters"
            )
        }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw APIError(
                kind: .invalidConfiguration,
                message:
                    "the base URL \"\(Secrets.redact(trimmed))\" is not an http or https URL such as https://api.anthropic.com"
            )
        }
        guard components.query == nil, components.fragment == nil, components.user == nil, components.password == nil
        else {
            throw APIError(
                kind: .invalidConfiguration,
                message:
                    "the base URL must not carry a query, fragment or user info; give scheme, host, port and path prefix only"
            )
        }
        self.scheme = scheme
        self.host = host.lowercased()
        var normalized = trimmed
        while normalized.hasSuffix("/") { normalized.removeLast() }
        self.normalized = normalized
    }

    /// White space, line breaks, controls (C0, DEL, C1) and invisible format characters (bidi
    /// overrides, zero-width) are never part of a usable URL.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator: return true
        default: return scalar.properties.isWhitespace
        }
    }

    /// What a forbidden character is, for the message.
    static func name(of scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0D: return "a carriage return (CR)"
        case 0x0A: return "a line feed (LF)"
        case 0x09: return "a tab"
        case 0x20: return "a space"
        default:
            return "the invisible character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4))"
        }
    }

    /// The URL with every forbidden character shown as `\r`, `\n` or `\u{…}`, redacted and cut at 200 characters.
    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(200) {
            switch scalar.value {
            case 0x0D: out += "\\r"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x20: out += " "
            default: out += isForbidden(scalar) ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }
        return Secrets.redact(out)
    }

    /// `localhost`, `127.0.0.0/8` or `::1`: traffic never leaves the machine.
    public var isLoopback: Bool {
        var h = host
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
