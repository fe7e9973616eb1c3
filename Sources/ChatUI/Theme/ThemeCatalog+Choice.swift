import Foundation
import TerminalUI

extension ThemeCatalog {
    /// The name of the theme to load, from the command line, the config file, the environment
    /// and the terminal.
    ///
    /// The rule, first match wins:
    /// 1. `--theme NAME` (`requested`): the user asked for it explicitly, so it is used even
    ///    with `NO_COLOR` or on a terminal without colours (there the backend still shows no
    ///    colours, only the theme's attributes).
    /// 2. `monochrome` when `NO_COLOR` is set to anything but the empty string
    ///    (https://no-color.org) or the terminal has no colours (`colorDepth` is `.monochrome`).
    /// 3. The config file's `theme` key (`configured`).
    /// 4. `default`.
    ///
    /// Empty or blank names count as not given. The name may still turn out not to exist:
    /// ``load(name:)`` then warns and falls back to the default theme.
    public static func choose(
        requested: String?, configured: String?, environment: [String: String],
        colorDepth: ColorDepth
    ) -> String {
        func given(_ name: String?) -> String? {
            guard let name = name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else { return nil }
            return name
        }
        if let requested = given(requested) { return requested }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return monochromeName }
        if colorDepth == .monochrome { return monochromeName }
        return given(configured) ?? defaultName
    }
}
