import AnthropicAPI
import ChatCore
import Credentials
import Foundation

/// `palaver key set | status | verify | forget`.
public struct KeyCommandRunner: Sendable {
    public var context: CommandContext

    public init(context: CommandContext) {
        self.context = context
    }

    private var output: any CommandOutput { context.output }
    private var environment: [String: String] { context.environment }
    private var paths: Paths { context.paths }

    /// Checks `secret`, verifies it unless `verify` is false, and saves it to the credentials file.
    /// One trailing line break (what `echo … | palaver key set` adds) is expected, not warned about.
    public func set(secret: String, verify: Bool) async -> PalaverExitCode {
        guard case .success(let config) = context.config(notices: false) else { return .usage }
        let inspection = KeyDiagnosis.inspect(KeyDiagnosis.droppingEchoedLineBreak(secret), source: .session)
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
        let keys = context.keys(config)
        if verify {
            guard
                case .success(let (clientConfiguration, baseURL)) = context.checkedConfiguration(
                    config, credential: credential)
            else {
                return .usage
            }
            let outcome = await KeyVerifier(configuration: clientConfiguration, transport: context.transport).verify(
                credential)
            if let error = outcome.error {
                if error.kind == .authentication { keys.memory.rememberRejected(key) }
                let report = ErrorReport(
                    error: error, keyDescription: "\(credential.masked) (entered)", baseURL: baseURL,
                    keySource: .session)
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
            variable.trimmingCharacters(in: .whitespacesAndNewlines) != key
        {
            output.err(
                "palaver: note: ANTHROPIC_API_KEY is set and takes precedence over the saved key; run `unset ANTHROPIC_API_KEY` (and remove it from your shell profile) to use the saved key.\n"
            )
        }
        return .ok
    }

    /// Prints health (without a network check), source and masked key.
    public func status() -> PalaverExitCode {
        let config = (try? Config.load(path: paths.configFile)) ?? Config()
        let resolution = context.keys(config).resolver.resolve()
        resolution.notices.forEach { output.err("palaver: \($0)\n") }
        if let key = resolution.key {
            output.out(
                "health: \(resolution.health.word) (run `palaver key verify` to check with the API)\nkey: \(key.credential.masked)\nsource: \(key.source)\n"
            )
            return .ok
        }
        output.out("health: \(resolution.health.word)\n")
        if let blocked = resolution.blocked {
            output.out("key: \(blocked.credential.masked)\nsource: \(blocked.source)\n")
        }
        output.err("palaver: \(KeySetup.problem(in: resolution))\n")
        return .noUsableKey
    }

    /// Checks the effective key with the API (`GET /v1/models`, no tokens spent).
    public func verify() async -> PalaverExitCode {
        guard case .success(let config) = context.config(notices: false) else { return .usage }
        let keys = context.keys(config)
        let resolution = keys.resolver.resolve()
        resolution.notices.forEach { output.err("palaver: \($0)\n") }
        guard let key = resolution.key else {
            output.out("health: \(resolution.health.word)\n")
            output.err("palaver: \(KeySetup.problem(in: resolution))\n")
            return .noUsableKey
        }
        guard
            case .success(let (clientConfiguration, baseURL)) = context.checkedConfiguration(
                config, credential: key.credential)
        else {
            return .usage
        }
        var machine = KeyHealthMachine(health: resolution.health)
        machine.handle(.checkStarted)
        let outcome = await KeyVerifier(configuration: clientConfiguration, transport: context.transport).verify(
            key.credential)
        machine.handle(outcome.event)
        output.out("health: \(machine.health.word)\nkey: \(key.credential.masked)\nsource: \(key.source)\n")
        if let error = outcome.error {
            if error.kind == .authentication { keys.memory.rememberRejected(key.credential.secret) }
            output.err(
                "palaver: \(ErrorReport(error: error, keyDescription: key.description, baseURL: baseURL, keySource: key.source).text)\n"
            )
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
