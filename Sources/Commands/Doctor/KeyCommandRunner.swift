import AnthropicAPI
import ChatCore
import Credentials
import Foundation

/// `palaver key set | status | verify | forget`.
public struct KeyCommandRunner: Sendable {
    public var overrides: ClientSetup.Overrides
    public var environment: [String: String]
    public var paths: Paths
    public var output: any AskOutput
    public var transport: any HTTPTransport

    public init(overrides: ClientSetup.Overrides = .init(), environment: [String: String], paths: Paths, output: any AskOutput,
                transport: any HTTPTransport = CurlTransport()) {
        self.overrides = overrides
        self.environment = environment
        self.paths = paths
        self.output = output
        self.transport = transport
    }

    /// The config, or `nil` after telling the user why it cannot be used.
    private func loadConfig() -> Config? {
        report(ClientSetup.loadConfig(paths: paths, notice: { _ in }))
    }

    /// Client settings for `credential` and the base URL, or `nil` after reporting a refused base URL.
    private func checkedConfiguration(_ config: Config, credential: Credential) -> (ClientConfiguration, String)? {
        report(ClientSetup.checkedConfiguration(config: config, overrides: overrides, environment: environment, credential: credential))
    }

    /// The value, or `nil` after telling the user why there is none.
    private func report<T>(_ result: Result<T, ClientSetup.Failure>) -> T? {
        switch result {
        case .success(let value): return value
        case .failure(let failure):
            output.err("palaver: \(failure.message)\n")
            return nil
        }
    }

    /// Checks `secret`, verifies it unless `verify` is false, and saves it to the credentials file.
    public func set(secret: String, verify: Bool) async -> PalaverExitCode {
        guard let config = loadConfig() else { return .usage }
        let inspection = KeyDiagnosis.inspect(secret, source: .session)
        inspection.secrets.forEach { Redactor.shared.register($0) }
        guard let key = inspection.key else {
            let problem = inspection.fatal!
            output.err("palaver: \(problem.message) \(problem.fix) Nothing was saved.\n")
            return .noUsableKey
        }
        for problem in inspection.problems where problem.severity != .info {
            output.err("palaver: \(problem.message) \(problem.fix)\n")
        }
        let credential = Credential(secret: key, scheme: inspection.scheme)
        let keys = KeySetup(config: config, paths: paths, environment: environment)
        if verify {
            guard case let (clientConfiguration, baseURL)? = checkedConfiguration(config, credential: credential) else { return .usage }
            let outcome = await KeyVerifier(configuration: clientConfiguration, transport: transport).verify(credential)
            if let error = outcome.error {
                if error.kind == .authentication { keys.memory.rememberRejected(key) }
                let report = ErrorReport(error: error, keyDescription: "\(credential.masked) (entered)", baseURL: baseURL, keySource: .session)
                output.err("palaver: \(report.text) Nothing was saved (use --no-verify to save it anyway).\n")
                return PalaverExitCode(for: error)
            }
            output.err("palaver: the API accepted \(credential.masked).\n")
        }
        do {
            try keys.file.write(key)
        } catch {
            output.err("palaver: could not save the key: \(error). Check that \(paths.configDirectory) is writable.\n")
            return .usage
        }
        keys.memory.forget(key)
        output.out("Saved \(credential.masked) to \(keys.file.path) (mode 0600).\n")
        if let variable = environment["ANTHROPIC_API_KEY"], !variable.isEmpty,
           variable.trimmingCharacters(in: .whitespacesAndNewlines) != key {
            output.err("palaver: note: ANTHROPIC_API_KEY is set and takes precedence over the saved key; run `unset ANTHROPIC_API_KEY` (and remove it from your shell profile) to use the saved key.\n")
        }
        return .ok
    }

    /// Prints health (without a network check), source and masked key.
    public func status() -> PalaverExitCode {
        let config = (try? Config.load(path: paths.configFile)) ?? Config()
        let resolution = KeySetup(config: config, paths: paths, environment: environment).resolver.resolve()
        resolution.notices.forEach { output.err("palaver: \($0)\n") }
        if let key = resolution.key {
            output.out("health: \(resolution.health.word) (run `palaver key verify` to check with the API)\nkey: \(key.credential.masked)\nsource: \(key.source)\n")
            return .ok
        }
        output.out("health: \(resolution.health.word)\n")
        if let blocked = resolution.blocked { output.out("key: \(blocked.credential.masked)\nsource: \(blocked.source)\n") }
        output.err("palaver: \(KeySetup.problem(in: resolution))\n")
        return .noUsableKey
    }

    /// Checks the effective key with the API (`GET /v1/models`, no tokens spent).
    public func verify() async -> PalaverExitCode {
        guard let config = loadConfig() else { return .usage }
        let keys = KeySetup(config: config, paths: paths, environment: environment)
        let resolution = keys.resolver.resolve()
        resolution.notices.forEach { output.err("palaver: \($0)\n") }
        guard let key = resolution.key else {
            output.out("health: \(resolution.health.word)\n")
            output.err("palaver: \(KeySetup.problem(in: resolution))\n")
            return .noUsableKey
        }
        guard case let (clientConfiguration, baseURL)? = checkedConfiguration(config, credential: key.credential) else { return .usage }
        var machine = KeyHealthMachine(health: resolution.health)
        machine.handle(.checkStarted)
        let outcome = await KeyVerifier(configuration: clientConfiguration, transport: transport).verify(key.credential)
        machine.handle(outcome.event)
        output.out("health: \(machine.health.word)\nkey: \(key.credential.masked)\nsource: \(key.source)\n")
        if let error = outcome.error {
            if error.kind == .authentication { keys.memory.rememberRejected(key.credential.secret) }
            output.err("palaver: \(ErrorReport(error: error, keyDescription: key.description, baseURL: baseURL, keySource: key.source).text)\n")
            return PalaverExitCode(for: error)
        }
        keys.memory.forget(key.credential.secret)
        return .ok
    }

    /// Removes the saved key.
    public func forget() -> PalaverExitCode {
        let file = CredentialsFile(directory: paths.configDirectory)
        do {
            if try file.remove() {
                output.out("Removed the saved key (\(file.path)).\n")
            } else {
                output.out("No saved key to remove (\(file.path)).\n")
            }
        } catch {
            output.err("palaver: \(error)\n")
            return .usage
        }
        if let variable = environment["ANTHROPIC_API_KEY"], !variable.isEmpty {
            output.err("palaver: note: ANTHROPIC_API_KEY is still set; palaver will keep using it.\n")
        }
        return .ok
    }
}
