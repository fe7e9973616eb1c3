import AnthropicAPI
import ChatCore
import Credentials
import Foundation

/// `palaver key set | status | verify | forget | list | use`.
public struct KeyCommandRunner: Sendable {
    public var context: CommandContext

    public init(context: CommandContext) {
        self.context = context
    }

    private var output: any CommandOutput { context.output }
    private var environment: [String: String] { context.environment }
    private var paths: Paths { context.paths }

    /// Checks `secret`, verifies it unless `verify` is false, and saves it to the credentials file:
    /// as the default key, or as the profile `profile` (with `fallback`, a profile to try when it fails).
    /// One trailing line break (what `echo … | palaver key set` adds) is expected, not warned about.
    public func set(secret: String, verify: Bool, profile: String? = nil, fallback: String? = nil) async
        -> PalaverExitCode
    {
        guard case .success(let config) = context.config(notices: false) else { return .usage }
        if let problem = [profile, fallback == CredentialsFile.defaultName ? nil : fallback].compactMap({ $0 })
            .compactMap(ClientSetup.keyProfileProblem).first
        {
            output.err("palaver: \(problem) Nothing was saved.\n")
            return .usage
        }
        let keys = context.keys(config)
        if let fallback, fallback != CredentialsFile.defaultName {
            let names = keys.file.profileNames()
            guard fallback != profile, names.contains(fallback) else {
                output.err(
                    "palaver: cannot use \(fallback) as the fallback: "
                        + (fallback == profile
                            ? "a profile cannot be its own fallback."
                            : "there is no profile \(fallback) (\(names.isEmpty ? "no profiles are saved" : "the profiles are " + names.joined(separator: ", "))).")
                        + " Nothing was saved.\n")
                return .usage
            }
        }
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
        var verified: KeyVerifier.Outcome?
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
            verified = outcome
        }
        do {
            try keys.file.write(key, profile: profile, fallback: fallback)
        } catch let error as CredentialsFileError {
            output.err("palaver: could not save the key: \(error) Nothing was saved.\n")
            return .usage
        } catch {
            output.err("palaver: could not save the key: \(error). Check that \(paths.configDirectory) is writable.\n")
            return .usage
        }
        if let verified {
            keys.memory.rememberVerified(key, at: verified.at, rateLimits: verified.rateLimits)
        } else {
            keys.memory.forget(key)
        }
        guard let profile else {
            output.out("Saved \(credential.masked) to \(keys.file.path) (mode 0600).\n")
            warnAboutTheVariable(unless: key)
            return .ok
        }
        output.out("Saved \(credential.masked) as profile \(profile) in \(keys.file.path) (mode 0600).\n")
        if case .saved(let saved) = keys.file.load(), saved.active == profile {
            warnAboutTheVariable(unless: key)
        } else {
            output.err(
                "palaver: use it with `palaver key use \(profile)`, or for one command with --key-profile \(profile).\n"
            )
        }
        return .ok
    }

    private func warnAboutTheVariable(unless key: String) {
        if let variable = environment["ANTHROPIC_API_KEY"], !variable.isEmpty,
            variable.trimmingCharacters(in: .whitespacesAndNewlines) != key
        {
            output.err(
                "palaver: note: ANTHROPIC_API_KEY is set and takes precedence over the saved key; run `unset ANTHROPIC_API_KEY` (and remove it from your shell profile) to use the saved key.\n"
            )
        }
    }

    /// Prints health (without a network check: from the key memory), source, masked key, the
    /// fallbacks and the last rate limits seen with the key.
    public func status(now: Date = Date()) -> PalaverExitCode {
        let config = (try? Config.load(path: paths.configFile)) ?? Config()
        let keys = context.keys(config)
        let resolution = keys.resolver.resolve()
        resolution.notices.forEach { output.err("palaver: \($0)\n") }
        if let key = resolution.key {
            let secret = key.credential.secret
            let health: String
            if let verified = keys.memory.verifiedAt(secret), keys.memory.rejectedAt(secret) == nil {
                health = "valid (verified \(RateLimitsWording.ago(verified, now: now)))"
            } else {
                health = "\(resolution.health.word) (run `palaver key verify` to check with the API)"
            }
            var text = "health: \(health)\nkey: \(key.credential.masked)\nsource: \(key.source)\n"
            for fallback in resolution.fallbacks { text += "fallback: \(fallback.description)\n" }
            if let (limits, seen) = keys.memory.lastRateLimits(secret) {
                text += Self.rateLimitsText(
                    limits, heading: "rate limits (seen \(RateLimitsWording.ago(seen, now: now)))", now: now)
            }
            output.out(text)
            return .ok
        }
        output.out("health: \(resolution.health.word)\n")
        if let blocked = resolution.blocked {
            output.out("key: \(blocked.credential.masked)\nsource: \(blocked.source)\n")
        }
        output.err("palaver: \(KeySetup.problem(in: resolution))\n")
        return .noUsableKey
    }

    /// "heading:" and one indented line per kind the server sent; nothing when it sent none.
    static func rateLimitsText(_ limits: RateLimits?, heading: String, now: Date = Date()) -> String {
        guard let limits else { return "" }
        let lines = RateLimitsWording.lines(limits, now: now)
        return lines.isEmpty ? "" : "\(heading):\n" + lines.map { "  \($0)\n" }.joined()
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
        output.out(
            "health: \(machine.health.word)\nkey: \(key.credential.masked)\nsource: \(key.source)\n"
                + Self.rateLimitsText(outcome.rateLimits, heading: "rate limits"))
        if let error = outcome.error {
            if error.kind == .authentication {
                keys.memory.rememberRejected(key.credential.secret)
            } else if let limits = outcome.rateLimits {
                keys.memory.rememberRateLimits(key.credential.secret, limits, at: outcome.at)
            }
            output.err(
                "palaver: \(ErrorReport(error: error, keyDescription: key.description, baseURL: baseURL, keySource: key.source).text)\n"
            )
            return PalaverExitCode(for: error)
        }
        keys.memory.rememberVerified(key.credential.secret, at: outcome.at, rateLimits: outcome.rateLimits)
        return .ok
    }

    /// Removes the saved default key, or the profile `profile`.
    public func forget(profile: String? = nil) -> PalaverExitCode {
        let file = CredentialsFile(directory: paths.configDirectory)
        if let profile {
            let names = file.profileNames()
            do {
                if try file.remove(profile: profile) {
                    output.out("Removed profile \(profile) (\(file.path)).\n")
                } else {
                    output.out(
                        "No profile \(profile) to remove (\(names.isEmpty ? "no profiles are saved" : "the profiles are " + names.joined(separator: ", "))).\n"
                    )
                }
            } catch {
                output.err("palaver: \(error)\n")
                return .usage
            }
            return .ok
        }
        do {
            if try file.remove() {
                let kept = file.profileNames()
                output.out(
                    "Removed the saved key (\(file.path))"
                        + (kept.isEmpty ? ".\n" : "; the profiles \(kept.joined(separator: ", ")) are kept.\n"))
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
