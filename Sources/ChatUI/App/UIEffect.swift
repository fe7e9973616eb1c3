/// Side effects of the terminal side that the loop performs (handlers only return them).
public enum UIEffect: Equatable, Sendable {
    /// Leave the loop (the draft is saved on the way out).
    case quit
    /// Forget what the terminal shows and draw every cell again (Ctrl+L).
    case redraw
    /// Send a control sequence to the terminal: an OSC 52 clipboard write.
    case writeToTerminal([UInt8])
    /// List the theme catalog and open the theme picker on it (``ChatApp/showThemePicker(names:)``).
    case listThemes
    /// Load a theme by name and switch to it (``ChatApp/useTheme(_:)``), kept in config.toml.
    case loadTheme(String)
    /// Show a theme while the picker moves over it, keeping nothing (``ChatApp/previewTheme(_:)``).
    case previewTheme(String)
    /// Hand the terminal to `$VISUAL` / `$EDITOR` on the composer's text, then take it back and
    /// report what the editor saved (``ChatApp/editorFinished(_:)``).
    case editDraft
}
