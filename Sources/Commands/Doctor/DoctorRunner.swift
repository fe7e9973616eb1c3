import AnthropicAPI
import ChatCore
import Credentials
import Foundation

/// `palaver doctor`: explains every key problem the way a patient colleague would — each
/// source, which key is effective and why, the base URL, and a live verification — with one
/// concrete fix per problem. Exit code follows `palaver ask`'s table.
public struct DoctorRunner: Sendable {
    public var context: CommandContext
    public var verify: Bool
    public var json: Bool

    public init(context: CommandContext, verify: Bool, json: Bool) {
        self.context = context
        self.verify = verify
        self.json = json
    }

    private var environment: [String: String] { context.environment }
    private var paths: Paths { context.paths }

    /// One finding: what was checked, how it went, and what to do.
    public struct Finding: Sendable, Equatable {
        public enum Level: String, Sendable { case ok, info, warning, problem }
        public var topic: String
        public var level: Level
        public var detail: String
        public var fix: String?
    }

    public struct Report: Sendable {
        public var findings: [Finding] = []
        public var sources: [SourceReport] = []
        public var effective: ResolvedKey?
        public var effectiveReason: String?
        /// The effective key's fallback chain (profiles of the credentials file), in the order a failover tries them.
        public var fallbacks: [ResolvedKey] = []
        public var baseURL = ""
        public var baseURLSource = ""
        public var health: KeyHealth = .missing
        public var verification: KeyVerifier.Outcome?
        public var exitCode: PalaverExitCode = .ok
    }

    public func run() async -> PalaverExitCode {
        let report = await diagnose()
        context.output.out(json ? Self.renderJSON(report) + "\n" : Self.renderText(report))
        return report.exitCode
    }

    /// Gathers every finding; sends one request (`GET /v1/models?limit=1`) when verifying.
    public func diagnose() async -> Report {
        var report = Report()
        let config = checkConfig(&report)
        let keys = context.keys(config)
        let resolution = keys.resolver.resolve()
        checkKeys(resolution, chosenProfile: keys.resolver.chosenProfile, &report)
        let (configuration, baseUsable) = checkBaseURL(config: config, credential: resolution.key?.credential, &report)
        if verify, baseUsable, let key = resolution.key {
            await checkLive(key, configuration: configuration, keys: keys, &report)
        } else if !verify {
            report.findings.append(
                Finding(topic: "verification", level: .info, detail: "skipped (--no-verify)", fix: nil))
        }
        return report
    }

    /// config.toml: missing (defaults), valid (with any unknown settings), or unusable (exit 2).
    private func checkConfig(_ report: inout Report) -> Config {
        var config = Config()
        if !FileManager.default.fileExists(atPath: paths.configFile) {
            report.findings.append(
                Finding(
                    topic: "config", level: .info, detail: "\(paths.configFile) does not exist; defaults are used",
                    fix: nil))
            return config
        }
        do {
            config = try Config.load(path: paths.configFile)
            report.findings.append(
                Finding(topic: "config", level: .ok, detail: "\(paths.configFile) is valid", fix: nil))
            for unknown in config.unknownKeys {
                report.findings.append(
                    Finding(
                        topic: "config", level: .warning, detail: "unknown setting \"\(unknown)\" is ignored",
                        fix: "Check its spelling in \(paths.configFile)."))
            }
        } catch {
            report.findings.append(
                Finding(
                    topic: "config", level: .problem, detail: error.description,
                    fix: "Fix the line named, or remove the file."))
            report.exitCode = .usage
        }
        return config
    }

    /// Every key source, the problems each has, and which key is effective and why.
    private func checkKeys(_ resolution: KeyResolver.Resolution, chosenProfile: String?, _ report: inout Report) {
        report.sources = resolution.sources
        // Fix notices repeat a source's own problem (listed below); the stale-variable notice does not.
        if let notice = resolution.staleVariableNotice {
            report.findings.append(Finding(topic: "key", level: .warning, detail: notice, fix: nil))
        }
        for source in resolution.sources {
            switch source.state {
            case .absent:
                break
            case .failed(let reason, let fix):
                report.findings.append(
                    Finding(topic: source.source.description, level: .problem, detail: reason, fix: fix))
            case .present(let inspection, _):
                for problem in inspection.problems where problem.severity >= .warning {
                    report.findings.append(
                        Finding(
                            topic: source.source.description, level: problem.severity == .fatal ? .problem : .warning,
                            detail: problem.message, fix: problem.fix))
                }
            }
        }
        if environment["ANTHROPIC_API_KEY"] == "" {
            report.findings.append(
                Finding(
                    topic: "ANTHROPIC_API_KEY", level: .warning,
                    detail: "ANTHROPIC_API_KEY is set but empty, which counts as unset",
                    fix: "Set it to your key, or `unset ANTHROPIC_API_KEY`."))
        }
        report.effective = resolution.key
        report.fallbacks = resolution.fallbacks
        report.health = resolution.health
        guard let key = resolution.key else {
            report.findings.append(
                Finding(topic: "key", level: .problem, detail: KeySetup.problem(in: resolution), fix: nil))
            if report.exitCode == .ok { report.exitCode = .noUsableKey }
            return
        }
        if resolution.staleVariableNotice != nil {
            report.effectiveReason =
                "the variable holds a key the API rejected before, so the saved key is used instead"
        } else if case .profile(let name) = key.source, name == chosenProfile {
            report.effectiveReason =
                "profile \(name) was chosen by name (--key-profile or PALAVER_KEY_PROFILE), which takes precedence over the environment variables"
        } else if case .profile(let name) = key.source {
            report.effectiveReason =
                "profile \(name) is the credentials file's active profile (`palaver key use`), and no higher-precedence source holds a key"
        } else {
            report.effectiveReason = "\(key.source) is the highest-precedence source that holds a key"
        }
        // Profiles that are neither active nor chosen are listed, not competing: no precedence note for them.
        let shadowed = resolution.sources.filter {
            if case .profile = $0.source, !$0.details.contains("active (palaver key use)") { return false }
            if case .present(let i, _) = $0.state, i.isUsable, $0.source != key.source, let k = i.key,
                k != key.credential.secret
            {
                return true
            }
            return false
        }
        for other in shadowed {
            report.findings.append(
                Finding(
                    topic: "precedence", level: .info,
                    detail: "\(other.source) also holds a different key; \(key.source) takes precedence over it",
                    fix: nil))
        }
    }

    /// The base URL, where it came from and whether the key may travel to it; the client
    /// settings for the check, and whether the base URL can be used at all.
    private func checkBaseURL(config: Config, credential: Credential?, _ report: inout Report) -> (
        ClientConfiguration, Bool
    ) {
        let (baseURL, baseSource) = ClientSetup.baseURL(
            overrides: context.overrides, environment: environment, config: config)
        report.baseURL = baseURL
        report.baseURLSource = baseSource
        let configuration = ClientSetup.clientConfiguration(
            config: config, overrides: context.overrides, baseURL: baseURL,
            credential: credential)
        do {
            let endpoint = try Endpoint(baseURL)
            try configuration.checkTransportSecurity()
            let note =
                endpoint.scheme == "https"
                ? "https: the key is encrypted in transit"
                : endpoint.isLoopback
                    ? "plain http to this machine (allowed for loopback)"
                    : "plain http to another host, allowed by --insecure-http / allow_insecure_http"
            report.findings.append(
                Finding(
                    topic: "base URL", level: endpoint.scheme == "https" || endpoint.isLoopback ? .ok : .warning,
                    detail: "\(baseURL) (from \(baseSource)); \(note)", fix: nil))
            return (configuration, true)
        } catch {
            report.findings.append(
                Finding(
                    topic: "base URL", level: .problem, detail: "\(baseURL) (from \(baseSource)): \(error.message)",
                    fix: "Fix --base-url, ANTHROPIC_BASE_URL or base_url in config.toml."))
            if report.exitCode == .ok || report.exitCode == .noUsableKey { report.exitCode = .usage }
            return (configuration, false)
        }
    }

    /// The live check of `key` (`GET /v1/models?limit=1`): the health it leaves, and what to do
    /// when it fails. A rejected key is remembered as rejected; an accepted one as verified, with its rate limits.
    private func checkLive(
        _ key: ResolvedKey, configuration: ClientConfiguration, keys: KeySetup, _ report: inout Report
    ) async {
        let verifier = KeyVerifier(configuration: configuration, transport: context.transport)
        var machine = KeyHealthMachine(health: .unverified)
        machine.handle(.checkStarted)
        let outcome = await verifier.verify(key.credential)
        machine.handle(outcome.event)
        report.verification = outcome
        report.health = machine.health
        guard let error = outcome.error else {
            keys.memory.rememberVerified(key.credential.secret, at: outcome.at, rateLimits: outcome.rateLimits)
            report.findings.append(
                Finding(
                    topic: "verification", level: .ok,
                    detail:
                        "GET /v1/models accepted \(key.description) (this proves the key, not credit or model access)",
                    fix: nil))
            return
        }
        let diagnosis = ErrorReport(
            error: error, keyDescription: key.description, baseURL: report.baseURL, keySource: key.source)
        var text = diagnosis.text
        if error.kind == .authentication, case .environment(let name) = key.source {
            text +=
                " The key came from \(name): if you replaced the key elsewhere, this variable still holds the old one."
        }
        report.findings.append(Finding(topic: "verification", level: .problem, detail: text, fix: nil))
        if error.kind == .authentication {
            keys.memory.rememberRejected(key.credential.secret)
        } else if let limits = outcome.rateLimits {
            keys.memory.rememberRateLimits(key.credential.secret, limits, at: outcome.at)
        }
        report.exitCode = PalaverExitCode(for: error)
    }
}
