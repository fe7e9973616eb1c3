import Foundation
import TerminalUI
import Testing

@testable import ChatUI

/// The theme files in `themes/`: complete, readable, and the compiled-in default in step with
/// `default.toml`.
@Suite struct ShippedThemesTests {
    typealias Support = ThemeTestSupport

    /// Keys drawn as lines and frames, not text: no contrast minimum.
    static let decorative: Set<String> = [
        "sidebar.border", "composer.border", "markdown.table.border", "markdown.rule",
    ]
    /// Secondary text that may be quieter than body text (3:1 instead of 4.5:1).
    static let secondary: Set<String> = ["composer.placeholder", "markdown.codeblock.marker", "syntax.comment"]

    @Test(arguments: Support.shippedNames)
    func parsesAndDefinesEveryKey(name: String) throws {
        let theme = try Support.shipped(name)
        #expect(theme.name == name)
        #expect(theme.inherits == nil, "a shipped theme stands alone")
        let missing = ThemeKeys.all.filter { !ThemeKeys.isDefined($0, in: theme) }
        #expect(missing.isEmpty, "\(name).toml does not define \(missing)")
        let unknown = theme.styles.keys.filter { !ThemeKeys.isKnown($0) }.sorted()
        #expect(unknown.isEmpty, "\(name).toml has keys palaver does not use: \(unknown)")
    }

    @Test(arguments: Support.shippedNames)
    func headerNamesTheThemeAndExplainsCustomThemes(name: String) throws {
        let text = try Support.shippedText(name)
        #expect(text.hasPrefix("# palaver theme \"\(name)\""))
        #expect(text.contains("~/.config/palaver/themes/NAME.toml"))
        #expect(text.contains("inherits = \""))
    }

    @Test func keyListHasNoDuplicates() {
        #expect(Set(ThemeKeys.all).count == ThemeKeys.all.count)
        #expect(ThemeKeys.keyHealth.count == 10)
    }

    @Test func builtInDefaultMatchesDefaultToml() throws {
        let file = try Support.shipped("default")
        let builtIn = try Theme.parse(BuiltinDefaultTheme.toml, path: "built in")
        #expect(file == builtIn, "themes/default.toml changed: paste its text into BuiltinDefaultTheme.toml")
        #expect(BuiltinDefaultTheme.theme == builtIn)
    }

    @Test func monochromeHasNoColoursAtAll() throws {
        let theme = try Support.shipped("monochrome")
        #expect(theme.palette.isEmpty)
        for (key, style) in theme.styles {
            #expect(style.foreground == nil || style.foreground == .default, "\(key) has a foreground colour")
            #expect(style.background == nil || style.background == .default, "\(key) has a background colour")
        }
        for key in ThemeKeys.all {
            let style = theme.style(key)
            #expect(style.foreground == .default && style.background == .default, "\(key)")
        }
    }

    @Test(arguments: Support.shippedNames)
    func userAndAssistantTurnsLookDifferent(name: String) throws {
        let theme = try Support.shipped(name)
        #expect(theme.style("transcript.user") != theme.style("transcript.assistant"))
        #expect(theme.style("transcript.user.label") != theme.style("transcript.assistant.label"))
    }

    @Test(arguments: Support.shippedNames)
    func everyKeyHealthStateHasItsOwnStyle(name: String) throws {
        let theme = try Support.shipped(name)
        for key in ThemeKeys.keyHealth {
            #expect(theme.styles[key] != nil, "\(name): \(key) is not set")
        }
        guard name != "monochrome" else { return }
        // Good, refused, out of credit, waiting and unknown are told apart by colour; malformed
        // and checking share the colour of rejected and unverified.
        let distinct = ["valid", "rejected", "forbidden", "no-credit", "rate-limited", "unverified", "offline"]
        let colours = distinct.map { theme.style("status.key." + $0).foreground }
        #expect(
            Set(colours).count == distinct.count,
            "\(name): key-health colours \(zip(distinct, colours).map { "\($0)=\(String(describing: $1))" })")
        // A missing key is a badge, so it stands out from rejected and malformed.
        #expect(theme.style("status.key.missing").background != theme.style("status").background)
    }

    @Test(arguments: Support.colouredNames)
    func conversationAndKeyHealthAreReadable(name: String) throws {
        let theme = try Support.shipped(name)
        let minimum = name == "high-contrast" ? 7.0 : 4.5
        for key in ["transcript.user", "transcript.assistant", "status.key"] + ThemeKeys.keyHealth {
            let colors = try #require(Support.effectiveColors(theme, key), "\(name): \(key) has no colours")
            let ratio = Support.contrast(colors.fg, colors.bg)
            #expect(ratio >= minimum, "\(name): \(key) has contrast \(ratio), below \(minimum)")
        }
    }

    @Test(arguments: Support.colouredNames)
    func allTextIsReadable(name: String) throws {
        let theme = try Support.shipped(name)
        for key in ThemeKeys.all where !Self.decorative.contains(key) || name == "high-contrast" {
            let colors = try #require(Support.effectiveColors(theme, key), "\(name): \(key) has no colours")
            let minimum = name == "high-contrast" ? 7.0 : Self.secondary.contains(key) ? 3.0 : 4.5
            let ratio = Support.contrast(colors.fg, colors.bg)
            #expect(ratio >= minimum, "\(name): \(key) has contrast \(ratio), below \(minimum)")
        }
    }

    @Test(arguments: Support.colouredNames)
    func coloursFromThePaletteAreTrueColour(name: String) throws {
        let theme = try Support.shipped(name)
        for (entry, color) in theme.palette {
            guard case .rgb = color else {
                Issue.record("\(name): palette \(entry) is not #rrggbb")
                continue
            }
        }
    }

    @Test(arguments: Support.shippedNames, [ColorDepth.palette256, .ansi16, .ansi8])
    func downgradesToColoursTheTerminalHas(name: String, depth: ColorDepth) throws {
        let theme = try Support.shipped(name).downgraded(to: depth)
        for (key, style) in theme.styles {
            for color in [style.foreground, style.background].compactMap({ $0 }) {
                switch (color, depth) {
                case (.default, _): break
                case (.indexed, .palette256), (.ansi, .palette256): break
                case (.ansi, .ansi16): break
                case (.ansi(let c), .ansi8) where c.rawValue < 8: break
                default: Issue.record("\(name) at \(depth): \(key) has \(color)")
                }
            }
        }
        // Text never vanishes into its background, however few colours there are.
        for key in ThemeKeys.all where !Self.decorative.contains(key) {
            let style = theme.style(key)
            if let fg = style.foreground, fg != .default {
                #expect(fg != style.background, "\(name) at \(depth): \(key) is \(fg) on the same colour")
            }
        }
    }
}
