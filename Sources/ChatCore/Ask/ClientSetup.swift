import AnthropicAPI
import Foundation

/// Everything a command needs before talking to the API: config, key, base URL, client settings.
/// Failures arrive already worded for the user, with the exit status they deserve.
public struct ClientSetup: Sendable {
    public var config: Config
    public var key: EnvironmentKey
    public var baseURL: String
    public var clientConfiguration: ClientConfiguration

    /// The masked key and its source: `sk-ant-…abcd from ANTHROPIC_API_KEY`.
    public var keyDescription: String { "\(key.credential.masked) from \(key.source)" }

    /// Command-line overrides; `nil` means "not given".
    public struct Overrides: Sendable {
        public var baseURL: String?
        public var insecureHTTP = false
        public var maxRetries: Int?
        public var idleTimeout: Double?
        public init() {}
    }

    public struct Failure: Error, Sendable {
        public var message: String
        public var status: PalaverExitCode
    }

    /// Resolves config, key and base URL. Notices (such as a trimmed key) go to `notice`.
    public static func resolve(overrides: Overrides, environment: [String: String], paths: Paths,
                               notice: (String) -> Void) -> Result<ClientSetup, Failure> {
        let config: Config
        do {
            config = try Config.load(path: paths.configFile)
        } catch {
            return .failure(Failure(message: "the config file cannot be used: \(error). Fix or remove it.", status: .usage))
        }
        let key: EnvironmentKey
        switch EnvironmentKey.resolve(environment) {
        case .success(let found):
            key = found
            found.notices.forEach(notice)
        case .failure(let problem):
            return .failure(Failure(message: problem.message, status: .noUsableKey))
        }
        let baseURL = overrides.baseURL ?? environment["ANTHROPIC_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? config.baseURL ?? ClientConfiguration.defaultBaseURL
        var policy = RetryPolicy()
        if let n = overrides.maxRetries ?? config.maxRetries { policy.maxRetries = n }
        let clientConfiguration = ClientConfiguration(
            baseURL: baseURL, credential: key.credential,
            anthropicVersion: config.anthropicVersion ?? ClientConfiguration.defaultVersion,
            allowInsecureHTTP: overrides.insecureHTTP || (config.allowInsecureHTTP ?? false),
            retryPolicy: policy,
            connectTimeout: .milliseconds(Int64((config.connectTimeout ?? 10) * 1000)),
            idleTimeout: .milliseconds(Int64((overrides.idleTimeout ?? config.idleTimeout ?? 60) * 1000)))
        do {
            try clientConfiguration.checkTransportSecurity()
        } catch {
            let report = ErrorReport(error: error, keyDescription: nil, baseURL: baseURL)
            return .failure(Failure(message: report.text, status: PalaverExitCode(for: error)))
        }
        return .success(ClientSetup(config: config, key: key, baseURL: baseURL, clientConfiguration: clientConfiguration))
    }
}
