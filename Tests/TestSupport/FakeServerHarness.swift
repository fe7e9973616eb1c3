import FakeAnthropic
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Starts a `FakeAnthropicServer` on 127.0.0.1 with an ephemeral port for a test.
///
/// ```swift
/// let fake = try await FakeServerHarness.start()
/// defer { Task { await fake.stop() } }   // or: await fake.stop() at the end
/// // point the client at fake.apiBaseURL with FakeServerHarness.defaultKey
/// fake.state.enqueueFault(.status(529))
/// ```
public final class FakeServerHarness: Sendable {
    /// A realistic 108-character key: "sk-ant-api03-" + 93 base64url characters + "AA".
    public static let defaultKey =
        "sk-ant-api03-fro5gH_iClmyJPjgQvMLVxcDKnaAytqtypOqgBHzZjSiQ0CxLYjiCZYqPf8KM27Ojz7PRl9-KuQxMPrGanOQ4DBDeBlfVAA"

    /// A fresh random key of the same shape (108 characters).
    public static func randomKey() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        var rng = SystemRandomNumberGenerator()
        let middle = String((0..<93).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        return "sk-ant-api03-" + middle + "AA"
    }

    /// The running server (use `server.state` for direct, synchronous control).
    public let server: FakeAnthropicServer
    /// The bound port.
    public let port: Int

    /// "http://127.0.0.1:PORT" (no path prefix).
    public var baseURL: String { server.baseURL }
    /// `baseURL` + the configured path prefix — what an API client should use as its base URL.
    public var apiBaseURL: String { server.apiBaseURL }
    /// Shortcut for `server.state`.
    public var state: FakeState { server.state }

    private init(server: FakeAnthropicServer, port: Int) {
        self.server = server
        self.port = port
    }

    /// Starts a fake on 127.0.0.1:0.
    /// - Parameters:
    ///   - keys: keys accepted as valid (default: `[defaultKey]`).
    ///   - pathPrefix: optional API path prefix, e.g. "/anthropic".
    ///   - reply: initial reply config.
    ///   - models: initial models.
    ///   - configure: last-chance tweaks of the whole configuration.
    public static func start(
        keys: [String] = [FakeServerHarness.defaultKey],
        pathPrefix: String = "",
        reply: ReplyConfig = ReplyConfig(),
        models: [ModelInfo] = ModelInfo.defaults,
        configure: (inout FakeConfiguration) -> Void = { _ in }
    ) async throws -> FakeServerHarness {
        var config = FakeConfiguration(
            host: "127.0.0.1",
            port: 0,
            keys: Dictionary(keys.map { ($0, FakeKeyStatus.valid) }, uniquingKeysWith: { a, _ in a }),
            reply: reply,
            models: models,
            pathPrefix: pathPrefix
        )
        configure(&config)
        let server = FakeAnthropicServer(configuration: config)
        let port = try await server.start()
        return FakeServerHarness(server: server, port: port)
    }

    /// Starts a fake (same parameters as `start`), runs `body` with it, and always stops it
    /// afterwards, also when `body` throws.
    ///
    /// ```swift
    /// try await FakeServerHarness.with(pathPrefix: "/anthropic") { fake in … }
    /// ```
    public static func with<T>(
        keys: [String] = [FakeServerHarness.defaultKey],
        pathPrefix: String = "",
        reply: ReplyConfig = ReplyConfig(),
        models: [ModelInfo] = ModelInfo.defaults,
        configure: (inout FakeConfiguration) -> Void = { _ in },
        _ body: (FakeServerHarness) async throws -> T
    ) async throws -> T {
        let fake = try await start(
            keys: keys, pathPrefix: pathPrefix, reply: reply, models: models, configure: configure)
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }

    /// Stops the server (returns promptly, even with stalled responses in flight).
    public func stop() async {
        await server.stop()
    }

    /// Calls a control endpoint over real HTTP (URLSession). `path` like "/_control/faults".
    public func control(_ method: String, _ path: String, json: String? = nil) async throws -> ControlResponse {
        try await ControlClient.send(baseURL: baseURL, method: method, path: path, json: json)
    }
}

/// Status and body of a control call.
public struct ControlResponse: Sendable {
    public var status: Int
    public var body: Data
    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed with JSONSerialization.
    public var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
}

/// Tiny URLSession helper for the fake's `/_control` endpoints (no auth needed).
public enum ControlClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends `method baseURL+path` with an optional JSON body.
    public static func send(baseURL: String, method: String, path: String, json: String? = nil) async throws
        -> ControlResponse
    {
        guard let url = URL(string: baseURL + path) else { throw Failure(description: "bad URL \(baseURL + path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw Failure(description: "not an HTTP response") }
        return ControlResponse(status: http.statusCode, body: data)
    }

    /// POSTs JSON to a control endpoint; throws unless it answers 200.
    @discardableResult
    public static func post(baseURL: String, _ path: String, json: String) async throws -> ControlResponse {
        let r = try await send(baseURL: baseURL, method: "POST", path: path, json: json)
        guard r.status == 200 else { throw Failure(description: "POST \(path) → \(r.status): \(r.text)") }
        return r
    }

    /// POSTs an Encodable (e.g. a `Fault`, `[Fault]` or `ReplyConfig`) as JSON.
    @discardableResult
    public static func post<T: Encodable>(baseURL: String, _ path: String, _ value: T) async throws -> ControlResponse {
        let data = try JSONEncoder().encode(value)
        return try await post(baseURL: baseURL, path, json: String(decoding: data, as: UTF8.self))
    }
}
