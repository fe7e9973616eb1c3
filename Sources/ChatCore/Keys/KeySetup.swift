import AnthropicAPI
import Credentials
import Foundation

/// The credential machinery (resolver, credentials file, rejected-key memory), built the same way
/// for every command and for the chat's runtime.
public struct KeySetup: Sendable {
    public var resolver: KeyResolver
    public var file: CredentialsFile
    public var memory: RejectedKeyMemory

    /// The credentials file and rejected-key memory under `paths`, and a resolver over them,
    /// `environment`, `sessionKey` and `helper` (the config's `api_key_helper`, if any).
    public init(paths: Paths, environment: [String: String], sessionKey: String? = nil, helper: KeyHelper? = nil) {
        file = CredentialsFile(directory: paths.configDirectory)
        memory = RejectedKeyMemory(directory: paths.stateDirectory)
        resolver = KeyResolver(
            environment: environment, sessionKey: sessionKey, helper: helper, file: file, memory: memory)
    }

    /// Why no key can be used, worded for the user, from a resolution without a usable key.
    public static func problem(in resolution: KeyResolver.Resolution) -> String {
        if let problem = resolution.profileProblem { return problem }
        if let blocked = resolution.blocked, let fatal = blocked.inspection.fatal {
            var text = "\(fatal.message) \(fatal.fix)"
            let others = resolution.sources.filter {
                if case .present(let inspection, _) = $0.state, inspection.isUsable, $0.source != blocked.source {
                    return true
                }
                return false
            }
            if let other = others.first {
                text += " (A usable key exists in \(other.source); \(blocked.source) takes precedence over it.)"
            }
            return text
        }
        var text = "no API key: ANTHROPIC_API_KEY is not set (or is empty), and no key is saved."
        let profiles = resolution.sources.compactMap { report -> String? in
            if case .profile(let name) = report.source, case .present = report.state { return name }
            return nil
        }
        if !profiles.isEmpty {
            text =
                "no API key: ANTHROPIC_API_KEY is not set (or is empty), and the credentials file holds only the profiles \(profiles.joined(separator: ", ")), none of them active. Run `palaver key use NAME` or pass --key-profile NAME."
        }
        for report in resolution.sources {
            if case .failed(let reason, let fix) = report.state { text += " \(report.source): \(reason); \(fix)" }
        }
        return text
            + " Create a key at https://console.anthropic.com/settings/keys, then run `palaver key set` or export ANTHROPIC_API_KEY."
    }
}
