import AnthropicAPI
import Foundation

/// Checks a key with `GET /v1/models?limit=1`: it costs no tokens (200 valid, 401 invalid).
/// It does not prove credit or model access; chat responses update health for those.
public struct KeyVerifier: Sendable {
    public var configuration: ClientConfiguration
    public var transport: any HTTPTransport
    /// The time an outcome is stamped with (tests pass a fixed clock).
    public var now: @Sendable () -> Date

    public init(
        configuration: ClientConfiguration, transport: any HTTPTransport = CurlTransport(),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        self.transport = transport
        self.now = now
    }

    public struct Outcome: Sendable, Equatable {
        public var error: APIError?
        public var requestID: String?
        public var at: Date
        /// The account's rate-limit headroom the check's response reported (an error's too), when readable.
        public var rateLimits: RateLimits?
        public var event: KeyHealthMachine.Event { error.map { .failed($0, at: at) } ?? .succeeded(at: at) }

        public init(error: APIError?, requestID: String?, at: Date, rateLimits: RateLimits? = nil) {
            self.error = error
            self.requestID = requestID
            self.at = at
            self.rateLimits = rateLimits
        }
    }

    /// Verifies `credential` once, without retries (a check must answer quickly).
    public func verify(_ credential: Credential) async -> Outcome {
        var config = configuration
        config.credential = credential
        config.retryPolicy.maxRetries = 0
        let client = AnthropicClient(configuration: config, transport: transport)
        do {
            let page = try await client.listModels(limit: 1)
            return Outcome(
                error: nil, requestID: nil, at: now(), rateLimits: page.rateLimits.isEmpty ? nil : page.rateLimits)
        } catch {
            return Outcome(error: error, requestID: error.requestID, at: now(), rateLimits: error.rateLimits)
        }
    }
}
