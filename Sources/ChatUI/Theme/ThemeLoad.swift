import TerminalUI

/// The outcome of loading a theme by name: always a usable theme, plus what went wrong on the
/// way.
///
/// When the requested theme cannot be used (no such file, unreadable, a TOML error, a broken
/// `inherits` chain) ``name`` is `default`, ``theme`` is the default theme and ``warnings``
/// says why, naming the file and line where there is one. The app shows the warnings once
/// (for example in the status bar) and carries on.
public struct ThemeLoad: Hashable, Sendable {
    /// The name asked for, as given.
    public var requested: String
    /// The name of the theme in ``theme``: the requested one, or `default` after a problem.
    public var name: String
    /// The theme with its `inherits` chain resolved, in full colour (a backend downgrades the
    /// colours to what the terminal can show).
    public var theme: Theme
    /// The file the theme was read from; nil for the compiled-in default.
    public var path: String?
    /// Sentences for the user, empty when everything went well.
    public var warnings: [String]

    public init(requested: String, name: String, theme: Theme, path: String?, warnings: [String]) {
        self.requested = requested
        self.name = name
        self.theme = theme
        self.path = path
        self.warnings = warnings
    }
}
