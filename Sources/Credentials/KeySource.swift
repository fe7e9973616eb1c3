/// Where a key came from, in precedence order (highest first).
public enum KeySource: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Typed into the first-run dialog or the rejected-key modal during this session.
    case session
    /// An environment variable: `ANTHROPIC_API_KEY` or `ANTHROPIC_AUTH_TOKEN`.
    case environment(String)
    /// The stdout of the `api_key_helper` command from config.toml.
    case helper
    /// The credentials file written by `palaver key set` or a dialog (its default key).
    case credentialsFile(String)
    /// A named key profile in the credentials file (`palaver key set --name NAME`), chosen by
    /// `--key-profile NAME`, `palaver key use NAME`, or as another profile's fallback.
    case profile(String)

    public var description: String {
        switch self {
        case .session: return "entered this session"
        case .environment(let name): return name
        case .helper: return "api_key_helper"
        case .credentialsFile: return "credentials file"
        case .profile(let name): return "profile \(name)"
        }
    }

    /// Where the key came from, as a sentence says it after the key: "sk-ant-…wxyz from
    /// ANTHROPIC_API_KEY", "sk-ant-…wxyz entered in this session" (never "from entered …").
    public var origin: String {
        switch self {
        case .session: return "entered in this session"
        case .environment(let name): return "from \(name)"
        case .helper: return "from api_key_helper"
        case .credentialsFile: return "from the credentials file"
        case .profile(let name): return "from profile \(name)"
        }
    }

    /// ``keyPhrase`` to start a sentence with: "The key in ANTHROPIC_API_KEY".
    public var keyPhraseCapitalized: String { keyPhrase.prefix(1).uppercased() + keyPhrase.dropFirst() }

    /// How messages name the key from this source: "the key in ANTHROPIC_API_KEY".
    public var keyPhrase: String {
        switch self {
        case .session: return "the key you entered"
        case .environment(let name): return "the key in \(name)"
        case .helper: return "the key printed by api_key_helper"
        case .credentialsFile: return "the key in the credentials file"
        case .profile(let name): return "the key of profile \(name)"
        }
    }
}
