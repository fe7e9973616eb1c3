import AnthropicAPI
import Credentials
import Foundation

/// Builds the credential machinery from config, paths and environment, the same way for every command.
public struct KeySetup: Sendable {
    public var resolver: KeyResolver
    public var file: CredentialsFile
    public var memory: RejectedKeyMemory

    public init(config: Config, paths: Paths, environment: [String: String], sessionKey: String? = nil) {
        file = CredentialsFile(directory: paths.configDirectory)
        memory = RejectedKeyMemory(directory: paths.stateDirectory)
        let helper = config.apiKeyHelper.map {
            KeyHelper(command: $0,
                      timeout: Self.duration(config.apiKeyHelperTimeout, default: 10),
                      ttl: Self.duration(config.apiKeyHelperTTL, default: 300))
        }
        resolver = KeyResolver(environment: environment, sessionKey: sessionKey, helper: helper, file: file, memory: memory)
    }

    /// Seconds from config as a duration: finite, above 0 and at most a day, else the default
    /// (so no value, however it got into `Config`, can trap the conversion).
    static func duration(_ seconds: Double?, default fallback: Double) -> Duration {
        guard let seconds, seconds.isFinite, seconds > 0 else { return .milliseconds(Int64(fallback * 1000)) }
        return .milliseconds(max(1, Int64(min(seconds, 86_400) * 1000)))
    }

    /// Why no key can be used, worded for the user, from a resolution without a usable key.
    public static func problem(in resolution: KeyResolver.Resolution) -> String {
        if let blocked = resolution.blocked, let fatal = blocked.inspection.fatal {
            var text = "\(fatal.message) \(fatal.fix)"
            let others = resolution.sources.filter {
                if case .present(let inspection, _) = $0.state, inspection.isUsable, $0.source != blocked.source { return true }
                return false
            }
            if let other = others.first {
                text += " (A usable key exists in \(other.source); \(blocked.source) takes precedence over it.)"
            }
            return text
        }
        var text = "no API key: ANTHROPIC_API_KEY is not set (or is empty), and no key is saved."
        for report in resolution.sources {
            if case .failed(let reason, let fix) = report.state { text += " \(report.source): \(reason); \(fix)" }
        }
        return text + " Create a key at https://console.anthropic.com/settings/keys, then run `palaver key set` or export ANTHROPIC_API_KEY."
    }
}
