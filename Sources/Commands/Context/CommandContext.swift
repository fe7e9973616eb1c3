import AnthropicAPI
import ChatCore
import Credentials

/// What every command shares: the environment and palaver's paths, the connection settings
/// given on the command line, the transport to the API, and the console it writes to.
///
/// palaver builds one per run and hands it to the command's runner; each runner keeps only
/// what is its own (the prompt, `--json`, …). The shared setup steps live here too, each
/// reporting its own failure on `err` in the same words for every command.
public struct CommandContext: Sendable {
    public var environment: [String: String]
    public var paths: Paths
    /// `--base-url`, `--insecure-http` and, for `ask`, retries and timeouts.
    public var overrides: ClientSetup.Overrides
    public var output: any CommandOutput
    public var transport: any HTTPTransport
    public var sleeper: any Sleeper

    public init(
        environment: [String: String], paths: Paths, overrides: ClientSetup.Overrides = .init(),
        output: any CommandOutput, transport: any HTTPTransport = CurlTransport(),
        sleeper: any Sleeper = ContinuousSleeper()
    ) {
        self.environment = environment
        self.paths = paths
        self.overrides = overrides
        self.output = output
        self.transport = transport
        self.sleeper = sleeper
    }

    /// Writes `palaver: text` and a line break to standard error.
    public func say(_ text: String) {
        output.err("palaver: \(text)\n")
    }

    /// Config, key, base URL and client settings for a command that talks to the API; notices
    /// go to `err`. A failure has been reported; its exit status comes back.
    public func clientSetup() -> Result<ClientSetup, PalaverExitCode> {
        reported(ClientSetup.resolve(overrides: overrides, environment: environment, paths: paths, notice: { say($0) }))
    }

    /// config.toml (unknown settings reported only when `notices` is true), or the failure
    /// after reporting it.
    public func config(notices: Bool = true) -> Result<Config, PalaverExitCode> {
        reported(ClientSetup.loadConfig(paths: paths, notice: { if notices { say($0) } }))
    }

    /// The credential machinery for `config` and this environment, with the profile chosen by `--key-profile`.
    public func keys(_ config: Config) -> KeySetup {
        var keys = KeySetup(config: config, paths: paths, environment: environment)
        keys.resolver.profile = overrides.keyProfile
        return keys
    }

    /// Client settings for `credential` and the base URL they use, or the failure after
    /// reporting a refused base URL.
    public func checkedConfiguration(_ config: Config, credential: Credential)
        -> Result<(configuration: ClientConfiguration, baseURL: String), PalaverExitCode>
    {
        reported(
            ClientSetup.checkedConfiguration(
                config: config, overrides: overrides, environment: environment,
                credential: credential))
    }

    /// A client with these settings over this context's transport.
    public func client(_ configuration: ClientConfiguration) -> AnthropicClient {
        AnthropicClient(configuration: configuration, transport: transport, sleeper: sleeper)
    }

    /// The value, or the failure's exit status after telling the user why there is none.
    private func reported<T>(_ result: Result<T, ClientSetup.Failure>) -> Result<T, PalaverExitCode> {
        result.mapError { failure in
            say(failure.message)
            return failure.status
        }
    }
}
