import Foundation

/// Log level of the server's own logger (Hummingbird's). Default `.warning`.
public enum FakeLogLevel: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

public struct FakeConfiguration: Sendable {
    /// Host to bind; default "127.0.0.1".
    public var host: String
    /// Port to bind; 0 = an ephemeral port (read it from `start()` or `port`).
    public var port: Int
    /// Keys known at start (and after reset), with their status.
    public var keys: [String: FakeKeyStatus]
    /// Reply config at start (and after reset).
    public var reply: ReplyConfig
    /// Models at start (and after reset).
    public var models: [ModelInfo]
    /// Optional path prefix, e.g. "/anthropic": then only "/anthropic/v1/…" answers the API
    /// (control endpoints stay at "/_control/…"). Normalised to a leading "/" and no trailing "/".
    public var pathPrefix: String
    /// Request bodies larger than this get 413 request_too_large. Default 32 MB (32 * 1024 * 1024).
    public var maxBodyBytes: Int
    /// Server log level; default `.warning`.
    public var logLevel: FakeLogLevel
    /// Rate-limit headers at start (and after reset); default none.
    public var rateLimits: FakeRateLimits

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        keys: [String: FakeKeyStatus] = [:],
        reply: ReplyConfig = ReplyConfig(),
        models: [ModelInfo] = ModelInfo.defaults,
        pathPrefix: String = "",
        maxBodyBytes: Int = 32 * 1024 * 1024,
        logLevel: FakeLogLevel = .warning,
        rateLimits: FakeRateLimits = FakeRateLimits()
    ) {
        self.host = host
        self.port = port
        self.keys = keys
        self.reply = reply
        self.models = models
        self.pathPrefix = pathPrefix
        self.maxBodyBytes = maxBodyBytes
        self.logLevel = logLevel
        self.rateLimits = rateLimits
    }

    var normalizedPrefix: String {
        var p = pathPrefix.trimmingCharacters(in: .whitespaces)
        while p.hasSuffix("/") { p.removeLast() }
        if p.isEmpty { return "" }
        if !p.hasPrefix("/") { p = "/" + p }
        return p
    }
}
