import ChatCore
import Foundation
import Safety
import TOMLKit

/// Settings from `config.toml`. Every field is optional: absent means "use the default".
public struct Config: Sendable, Equatable {
    public var baseURL: String?
    public var model: String?
    public var maxTokens: Int?
    public var anthropicVersion: String?
    public var allowInsecureHTTP: Bool?
    public var maxRetries: Int?
    /// Seconds without a byte before a stream gives up.
    public var idleTimeout: Double?
    /// Seconds to make the connection.
    public var connectTimeout: Double?
    /// Seconds a whole reply may take, data arriving or not (default 600).
    public var replyTimeout: Double?
    /// A shell command whose standard output is the key.
    public var apiKeyHelper: String?
    /// Seconds the helper's key is reused before the command runs again (default 300).
    public var apiKeyHelperTTL: Double?
    /// Seconds the helper may take (default 10).
    public var apiKeyHelperTimeout: Double?
    /// Whether the chat may copy to the terminal's clipboard with OSC 52 (default true).
    public var clipboard: Bool?
    /// Seconds between checks of the key while the chat is idle (default 600).
    public var keyCheckInterval: Double?
    /// The colour theme of the full-screen chat (a file stem in the themes folders).
    public var theme: String?
    /// The chat warns when a rate limit's headroom is at or below this percentage (default 10; 0: never).
    public var rateLimitWarning: Int?
    /// After the first reply of a new conversation, ask the model for a short title (default false).
    public var autoTitle: Bool?
    /// The model asked for those titles (default: the conversation's own).
    public var titleModel: String?

    /// Settings in the file that palaver does not know (typos, or from a newer version); ignored.
    public var unknownKeys: [String] = []

    public init() {}

    /// The keys `config.toml` understands, for error messages.
    static let knownKeys = [
        "base_url", "model", "max_tokens", "anthropic_version", "allow_insecure_http",
        "max_retries", "idle_timeout", "connect_timeout", "reply_timeout", "api_key_helper", "api_key_helper_ttl",
        "api_key_helper_timeout", "theme", "key_check_interval", "clipboard", "rate_limit_warning",
        "auto_title", "title_model",
    ]

    /// Reads `path`; a missing file is an empty config, anything unreadable is a `ConfigError`.
    public static func load(path: String) throws(ConfigError) -> Config {
        guard FileManager.default.fileExists(atPath: path) else { return Config() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, line: nil, message: "the file cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path: path, line: nil, message: "the file is not valid UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses TOML text; `path` only names the file in errors.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> Config {
        try checkShape(text, path: path)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigError(path: path, line: nil, message: String(describing: error))
        }
        var config = Config()
        func string(_ key: String) throws(ConfigError) -> String? {
            guard let value = table[key] else { return nil }
            guard let s = value.string else {
                throw ConfigError(path: path, line: nil, message: "\(key) must be a string")
            }
            return s
        }
        func int(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
            guard let value = table[key] else { return nil }
            guard let i = value.int, range.contains(i) else {
                throw ConfigError(
                    path: path, line: nil,
                    message: "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return i
        }
        func seconds(_ key: String) throws(ConfigError) -> Double? {
            guard let value = table[key] else { return nil }
            guard let d = value.double ?? value.int.map(Double.init), d > 0, d <= 86_400 else {
                throw ConfigError(path: path, line: nil, message: "\(key) must be a number of seconds above 0")
            }
            return d
        }
        config.baseURL = try string("base_url")
        config.model = try string("model")
        config.theme = try string("theme")
        config.anthropicVersion = try string("anthropic_version")
        config.maxTokens = try int("max_tokens", range: 1...1_000_000)
        config.maxRetries = try int("max_retries", range: 0...20)
        config.rateLimitWarning = try int("rate_limit_warning", range: 0...99)
        config.idleTimeout = try seconds("idle_timeout")
        config.connectTimeout = try seconds("connect_timeout")
        config.replyTimeout = try seconds("reply_timeout")
        config.apiKeyHelper = try string("api_key_helper").flatMap {
            $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0
        }
        config.apiKeyHelperTTL = try seconds("api_key_helper_ttl")
        config.apiKeyHelperTimeout = try seconds("api_key_helper_timeout")
        config.keyCheckInterval = try seconds("key_check_interval")
        func bool(_ key: String) throws(ConfigError) -> Bool? {
            guard let value = table[key] else { return nil }
            guard let b = value.bool else {
                throw ConfigError(path: path, line: nil, message: "\(key) must be true or false")
            }
            return b
        }
        config.allowInsecureHTTP = try bool("allow_insecure_http")
        config.clipboard = try bool("clipboard")
        config.autoTitle = try bool("auto_title")
        config.titleModel = try string("title_model").flatMap {
            $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0
        }
        config.unknownKeys = table.keys.filter { !knownKeys.contains($0) && $0 != "api_key" }.sorted()
        if table["api_key"] != nil {
            throw ConfigError(
                path: path, line: nil,
                message:
                    "api_key does not belong in config.toml (it would sit in a readable file); remove it and use ANTHROPIC_API_KEY or `palaver key set`"
            )
        }
        return config
    }
}

extension Config {
    /// The deepest nesting of tables, dotted keys, arrays and `{ }` tables a config file may use,
    /// and its largest size.
    static let maxNesting = 32
    static let maxSize = 1 << 20

    /// The checks every config file passes before TOMLKit reads it (see ``TOMLGuard``): size,
    /// nesting, NUL, and the shapes toml++ asserts on, refused with the line.
    static let tomlGuard = TOMLGuard(maxSize: maxSize, maxDepth: maxNesting, fileKind: "a config file")

    static func checkShape(_ text: String, path: String) throws(ConfigError) {
        do {
            _ = try tomlGuard.check(text)
        } catch {
            throw ConfigError(path: path, line: error.line, message: error.message)
        }
    }
}

/// A config file that cannot be used, naming the file and (when known) the line.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }

    /// The sentence every command prints when it cannot use the config file.
    public var unusableSentence: String { "the config file cannot be used: \(description). Fix or remove it." }
}
