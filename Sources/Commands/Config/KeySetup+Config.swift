import ChatCore
import Credentials
import Foundation

extension KeySetup {
    /// The credential machinery for `config` (its `api_key_helper` and timings), `paths` and
    /// `environment`, the same way for every command.
    public init(config: Config, paths: Paths, environment: [String: String], sessionKey: String? = nil) {
        let helper = config.apiKeyHelper.map {
            KeyHelper(
                command: $0,
                timeout: Self.duration(config.apiKeyHelperTimeout, default: 10),
                ttl: Self.duration(config.apiKeyHelperTTL, default: 300))
        }
        self.init(paths: paths, environment: environment, sessionKey: sessionKey, helper: helper)
    }

    /// Seconds from config as a duration: finite, above 0 and at most a day, else the default
    /// (so no value, however it got into `Config`, can trap the conversion).
    static func duration(_ seconds: Double?, default fallback: Double) -> Duration {
        guard let seconds, seconds.isFinite, seconds > 0 else { return .milliseconds(Int64(fallback * 1000)) }
        return .milliseconds(max(1, Int64(min(seconds, 86_400) * 1000)))
    }
}
