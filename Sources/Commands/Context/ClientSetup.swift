import AnthropicAPI
import ChatCore
import Credentials
import Foundation

/// Everything a command needs before talking to the API: config, key, base URL, client settings.
/// Failures arrive already worded for the user, with the exit status they deserve.
public struct ClientSetup: Sendable {
    public var config: Config
    public var key: ResolvedKey
    public var keys: KeySetup
    public var baseURL: String
    public var clientConfiguration: ClientConfiguration

    /// The masked key and its source: `sk-ant-…abcd from ANTHROPIC_API_KEY`.
    public var keyDescription: String { key.description }

    /// Command-line overrides; `nil` means "not given".
    public struct Overrides: Sendable {
        public var baseURL: String?
        public var insecureHTTP = false
        public var maxRetries: Int?
        public var idleTimeout: Double?
        /// Seconds a whole reply may take (`ask --reply-timeout`).
        public var replyTimeout: Double?
        /// The key profile asked for by name (`--key-profile NAME`): it ranks above the variables.
        public var keyProfile: String?
        public init() {}
    }

    public struct Failure: Error, Sendable {
        public var message: String
        public var status: PalaverExitCode
    }

    /// Resolves config, key and base URL. Notices (such as a trimmed key) go to `notice`.
    public static func resolve(
        overrides: Overrides, environment: [String: String], paths: Paths,
        notice: (String) -> Void
    ) -> Result<ClientSetup, Failure> {
        let config: Config
        switch loadConfig(paths: paths, notice: notice) {
        case .success(let loaded): config = loaded
        case .failure(let failure): return .failure(failure)
        }
        var keys = KeySetup(config: config, paths: paths, environment: environment)
        keys.resolver.profile = overrides.keyProfile
        let resolution = keys.resolver.resolve()
        resolution.notices.forEach(notice)
        guard let key = resolution.key else {
            return .failure(Failure(message: KeySetup.problem(in: resolution), status: .noUsableKey))
        }
        for problem in key.inspection.problems where problem.severity == .warning {
            notice("\(problem.message) \(problem.fix)")
        }
        return checkedConfiguration(
            config: config, overrides: overrides, environment: environment, credential: key.credential
        ).map {
            ClientSetup(
                config: config, key: key, keys: keys, baseURL: $0.baseURL, clientConfiguration: $0.configuration)
        }
    }

    /// Why `name` cannot name a key profile (`--key-profile`, `key set --name`), or `nil`.
    public static func keyProfileProblem(_ name: String) -> String? {
        CredentialsFile.problem(withProfileName: name)
    }

    /// Reads config.toml; unknown settings are reported to `notice`. A file that cannot be used
    /// is a usage failure naming it.
    public static func loadConfig(paths: Paths, notice: (String) -> Void) -> Result<Config, Failure> {
        let config: Config
        do {
            config = try Config.load(path: paths.configFile)
        } catch {
            return .failure(Failure(message: error.unusableSentence, status: .usage))
        }
        for unknown in config.unknownKeys {
            notice("\(paths.configFile): unknown setting \"\(unknown)\" is ignored (check its spelling).")
        }
        return .success(config)
    }

    /// The client settings for `credential` and the base URL they use, refused (with the report
    /// and exit status) when the base URL would carry the key over plain http off this machine.
    public static func checkedConfiguration(
        config: Config, overrides: Overrides, environment: [String: String],
        credential: Credential?
    ) -> Result<(configuration: ClientConfiguration, baseURL: String), Failure> {
        let (baseURL, _) = Self.baseURL(overrides: overrides, environment: environment, config: config)
        let configuration = Self.clientConfiguration(
            config: config, overrides: overrides, baseURL: baseURL, credential: credential)
        do {
            try configuration.checkTransportSecurity()
        } catch {
            let report = ErrorReport(error: error, keyDescription: nil, baseURL: baseURL)
            return .failure(Failure(message: report.text, status: PalaverExitCode(for: error)))
        }
        return .success((configuration, baseURL))
    }

    /// The base URL and where it came from: `--base-url` › `ANTHROPIC_BASE_URL` › config › default.
    public static func baseURL(overrides: Overrides, environment: [String: String], config: Config) -> (String, String)
    {
        if let url = overrides.baseURL { return (url, "--base-url") }
        if let url = environment["ANTHROPIC_BASE_URL"], !url.isEmpty { return (url, "ANTHROPIC_BASE_URL") }
        if let url = config.baseURL { return (url, "base_url in config.toml") }
        return (ClientConfiguration.defaultBaseURL, "default")
    }

    /// The client settings from config and command-line overrides.
    public static func clientConfiguration(
        config: Config, overrides: Overrides, baseURL: String,
        credential: Credential?
    ) -> ClientConfiguration {
        var policy = RetryPolicy()
        if let n = overrides.maxRetries ?? config.maxRetries { policy.maxRetries = n }
        return ClientConfiguration(
            baseURL: baseURL, credential: credential,
            anthropicVersion: config.anthropicVersion ?? ClientConfiguration.defaultVersion,
            allowInsecureHTTP: overrides.insecureHTTP || (config.allowInsecureHTTP ?? false),
            retryPolicy: policy,
            connectTimeout: seconds(config.connectTimeout, default: 10),
            idleTimeout: seconds(overrides.idleTimeout ?? config.idleTimeout, default: 60),
            replyTimeout: seconds(
                overrides.replyTimeout ?? config.replyTimeout,
                default: ClientConfiguration.defaultReplyTimeout.inSeconds))
    }

    /// A timeout from config or a flag, as a `Duration`: clamped to 1 ms…1 year, the default for
    /// anything absent, NaN or not positive, so no number can trap the conversion.
    static func seconds(_ value: Double?, default fallback: Double) -> Duration {
        guard let value, !value.isNaN, value > 0 else { return .milliseconds(Int64(fallback * 1000)) }
        return .milliseconds(Int64(min(max(value, 0.001), 365 * 86_400) * 1000))
    }
}
