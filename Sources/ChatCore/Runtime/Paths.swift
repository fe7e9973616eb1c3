import Foundation

/// Where palaver keeps its files, following the XDG base directory spec.
public struct Paths: Sendable, Equatable {
    /// `$XDG_CONFIG_HOME/palaver` (default `~/.config/palaver`): config.toml, credentials, themes.
    public var configDirectory: String
    /// `$XDG_STATE_HOME/palaver` (default `~/.local/state/palaver`): logs, remembered model.
    public var stateDirectory: String
    /// `$XDG_DATA_HOME/palaver` (default `~/.local/share/palaver`): the session database.
    public var dataDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func base(_ variable: String, _ fallback: String) -> String {
            // The spec says relative paths are invalid and must be ignored.
            if let value = environment[variable], value.hasPrefix("/") { return value }
            return home + "/" + fallback
        }
        configDirectory = base("XDG_CONFIG_HOME", ".config") + "/palaver"
        stateDirectory = base("XDG_STATE_HOME", ".local/state") + "/palaver"
        dataDirectory = base("XDG_DATA_HOME", ".local/share") + "/palaver"
    }

    public var configFile: String { configDirectory + "/config.toml" }
    public var modelCacheFile: String { stateDirectory + "/model.json" }

    /// Creates `path` (and parents) with mode 0700 when it does not exist.
    public static func ensureDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
    }
}
