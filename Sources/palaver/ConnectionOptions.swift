import ArgumentParser
import ChatCore
import Commands

/// `--base-url` and `--insecure-http`, shared by every command that talks to the API.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "API base URL, with an optional path prefix (default: ANTHROPIC_BASE_URL, base_url in config.toml, https://api.anthropic.com)."
    )
    var baseURL: String?

    @Flag(name: .long, help: "Allow sending the key over plain http to a host that is not this machine.")
    var insecureHTTP = false

    @Option(
        name: .long,
        help:
            "Use the key of this saved profile (see `palaver key list`); it takes precedence over ANTHROPIC_API_KEY (default: PALAVER_KEY_PROFILE)."
    )
    var keyProfile: String?

    func validate() throws {
        if let keyProfile, let problem = ClientSetup.keyProfileProblem(keyProfile) {
            throw ValidationError("--key-profile: \(problem)")
        }
    }

    /// The overrides these flags make to config and environment.
    var overrides: ClientSetup.Overrides {
        var overrides = ClientSetup.Overrides()
        overrides.baseURL = baseURL
        overrides.insecureHTTP = insecureHTTP
        overrides.keyProfile = keyProfile
        return overrides
    }
}
