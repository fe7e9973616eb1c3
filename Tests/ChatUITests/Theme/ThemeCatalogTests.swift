import Foundation
import TerminalUI
import Testing

@testable import ChatUI

/// Finding, loading and choosing themes: user themes over shipped ones, `inherits`, and a
/// warning plus the default theme for anything broken.
@Suite struct ThemeCatalogTests {
    typealias Support = ThemeTestSupport

    static let red = Color.rgb(0xff, 0, 0)
    static let blue = Color.rgb(0, 0, 0xff)

    // MARK: Names and shadowing

    @Test func listsShippedThemes() {
        let catalog = ThemeCatalog(directories: [Support.shippedThemes])
        #expect(catalog.names() == Support.shippedNames)
    }

    @Test func namesAreDeduplicatedAndSortedAndAlwaysIncludeDefault() throws {
        try Support.withDirectories(2) { dirs in
            try Support.write("", "zeta", in: dirs[0])
            try Support.write("", "alpha", in: dirs[0])
            try Support.write("", "alpha", in: dirs[1])
            try "not a theme".write(toFile: dirs[1] + "/notes.txt", atomically: true, encoding: .utf8)
            let catalog = ThemeCatalog(directories: dirs + ["/nonexistent/palaver/themes"])
            #expect(catalog.names() == ["alpha", "default", "monochrome", "zeta"])
        }
    }

    @Test func userDirectoryShadowsShippedThemes() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write(
                """
                name = "my light"
                [styles]
                default = { fg = "#ff0000" }
                """, "light", in: dirs[0])
            let catalog = ThemeCatalog(directories: [dirs[0], Support.shippedThemes])
            let load = catalog.load(name: "light")
            #expect(load.warnings.isEmpty)
            #expect(load.name == "light")
            #expect(load.path == dirs[0] + "/light.toml")
            #expect(load.theme.name == "my light")
            #expect(load.theme.style("transcript.user").foreground == Self.red)
            #expect(catalog.path(of: "high-contrast") == Support.shippedThemes + "/high-contrast.toml")
        }
    }

    @Test func loadsEveryShippedThemeCleanly() throws {
        let catalog = ThemeCatalog(directories: [Support.shippedThemes])
        for name in Support.shippedNames {
            let load = catalog.load(name: name)
            #expect(load.warnings.isEmpty, "\(load.warnings)")
            #expect(load.name == name)
            #expect(load.theme == (try Support.shipped(name)))
        }
        #expect(catalog.load(name: " light.toml ").name == "light")
    }

    @Test func defaultIsCompiledInWhenNoDirectoryHasIt() {
        let load = ThemeCatalog(directories: ["/nonexistent/palaver/themes"]).load(name: "default")
        #expect(load.warnings.isEmpty)
        #expect(load.path == nil)
        #expect(load.theme == BuiltinDefaultTheme.theme)
        #expect(ThemeCatalog(directories: []).names() == ["default", "monochrome"])
    }

    @Test func monochromeExistsWithoutAFileToo() throws {
        let load = ThemeCatalog(directories: ["/nonexistent/palaver/themes"]).load(name: "monochrome")
        #expect(load.warnings.isEmpty)
        #expect(load.name == "monochrome")
        #expect(load.path == nil)
        #expect(load.theme.palette.isEmpty)
        for key in ThemeKeys.all {
            let style = load.theme.style(key)
            #expect(style.foreground == .default && style.background == .default, "\(key)")
        }
        #expect(load.theme.style("transcript.user.label").attributes.contains(.bold))
    }

    // MARK: Inherits

    @Test func inheritsChainLaysEachThemeOverItsParent() throws {
        try Support.withDirectories(2) { dirs in
            try Support.write(
                """
                inherits = "middle"
                [styles]
                "transcript.user" = "#0000ff"
                """, "top", in: dirs[0])
            try Support.write(
                """
                inherits = "default"
                [styles]
                "transcript.user" = "#ff0000"
                "status.key.valid" = { fg = "#ff0000", underline = true }
                """, "middle", in: dirs[1])
            let catalog = ThemeCatalog(directories: dirs + [Support.shippedThemes])
            let load = catalog.load(name: "top")
            let shipped = try Support.shipped("default")
            #expect(load.warnings.isEmpty, "\(load.warnings)")
            #expect(load.name == "top")
            #expect(load.theme.name == "top")
            #expect(load.theme.inherits == nil)
            #expect(load.theme.style("transcript.user").foreground == Self.blue)
            #expect(
                load.theme.style("status.key.valid")
                    == Style(
                        foreground: Self.red, background: shipped.style("status").background, attributes: [.underline]))
            #expect(load.theme.style("sidebar.title") == shipped.style("sidebar.title"))
        }
    }

    @Test func aThemeInheritingItsOwnNameBuildsOnTheShippedOne() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write(
                """
                inherits = "default"
                [styles]
                "transcript.user" = "#ff0000"
                """, "default", in: dirs[0])
            let withShipped = ThemeCatalog(directories: [dirs[0], Support.shippedThemes]).load(name: "default")
            #expect(withShipped.warnings.isEmpty, "\(withShipped.warnings)")
            #expect(withShipped.theme.style("transcript.user").foreground == Self.red)
            #expect(
                withShipped.theme.style("status.key.valid")
                    == (try Support.shipped("default")).style("status.key.valid"))
            // With no shipped directory it builds on the compiled-in default.
            let alone = ThemeCatalog(directories: [dirs[0]]).load(name: "default")
            #expect(alone.warnings.isEmpty, "\(alone.warnings)")
            #expect(alone.theme.style("status.key.valid") == BuiltinDefaultTheme.theme.style("status.key.valid"))
        }
    }

    @Test func inheritanceCycleIsReportedAndTheDefaultUsed() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write("# a\ninherits = \"b\"\n", "a", in: dirs[0])
            try Support.write("inherits = \"c\"\n", "b", in: dirs[0])
            try Support.write("inherits = \"a\"\n", "c", in: dirs[0])
            let load = ThemeCatalog(directories: [dirs[0], Support.shippedThemes]).load(name: "a")
            #expect(load.name == "default")
            #expect(load.theme == (try Support.shipped("default")))
            #expect(load.warnings.count == 1)
            let warning = try #require(load.warnings.first)
            #expect(warning.contains("a → b → c → a"), "\(warning)")
            #expect(warning.contains(dirs[0] + "/c.toml:1"), "\(warning)")
            #expect(warning.hasSuffix("using the default theme instead."))
        }
    }

    @Test func inheritingAMissingThemeIsReported() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write("name = \"x\"\n\ninherits = \"nope\"\n", "x", in: dirs[0])
            let load = ThemeCatalog(directories: [dirs[0]]).load(name: "x")
            #expect(load.name == "default")
            #expect(
                load.warnings == [
                    "\(dirs[0])/x.toml:3: inherits \"nope\", which is not a theme (available: default, monochrome, x); using the default theme instead."
                ])
        }
    }

    @Test func aBrokenParentIsNamedWithItsLine() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write("inherits = \"base\"\n", "child", in: dirs[0])
            try Support.write("[styles]\ndefault = { fg = \"blurple\" }\n", "base", in: dirs[0])
            let load = ThemeCatalog(directories: [dirs[0]]).load(name: "child")
            #expect(load.name == "default")
            let warning = try #require(load.warnings.first)
            #expect(warning.hasPrefix("\(dirs[0])/base.toml:2: unknown colour \"blurple\""), "\(warning)")
            #expect(warning.contains("(\(dirs[0])/child.toml inherits \"base\")"), "\(warning)")
        }
    }

    // MARK: Broken and missing themes

    @Test func brokenFileNamesTheFileAndLineAndTheDefaultIsUsed() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write(
                """
                name = "broken"

                [styles]
                default = { fg = "#ffffff" }
                "transcript.user" = { fg = "blurple" }
                """, "broken", in: dirs[0])
            let load = ThemeCatalog(directories: [dirs[0], Support.shippedThemes]).load(name: "broken")
            #expect(load.requested == "broken")
            #expect(load.name == "default")
            #expect(load.path == Support.shippedThemes + "/default.toml")
            #expect(load.theme == (try Support.shipped("default")))
            #expect(load.warnings.count == 1)
            let warning = try #require(load.warnings.first)
            #expect(warning.hasPrefix("\(dirs[0])/broken.toml:5: unknown colour \"blurple\""), "\(warning)")
            #expect(warning.hasSuffix("; using the default theme instead."))
        }
    }

    @Test func syntaxErrorsNameTheLineToo() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write("[styles]\ndefault = { fg = \"#fff\"\n", "x", in: dirs[0])
            let load = ThemeCatalog(directories: [dirs[0]]).load(name: "x")
            #expect(load.warnings.first?.hasPrefix("\(dirs[0])/x.toml:2: ") == true, "\(load.warnings)")
        }
    }

    @Test func brokenDefaultFallsBackToTheCompiledInTheme() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write("default = 3\n", "default", in: dirs[0])
            let catalog = ThemeCatalog(directories: [dirs[0], Support.shippedThemes])
            let load = catalog.load(name: "default")
            #expect(load.name == "default")
            #expect(load.path == nil)
            #expect(load.theme == BuiltinDefaultTheme.theme)
            #expect(load.warnings.count == 1)
            #expect(load.warnings.first?.hasPrefix("\(dirs[0])/default.toml:1: ") == true, "\(load.warnings)")
            #expect(load.warnings.first?.hasSuffix("using the built-in default theme instead.") == true)
            // A broken light theme on top of a broken default: two warnings, still a theme.
            try Support.write("oops\n", "light", in: dirs[0])
            let both = catalog.load(name: "light")
            #expect(both.theme == BuiltinDefaultTheme.theme)
            #expect(both.warnings.count == 2)
        }
    }

    @Test func missingThemeListsTheAvailableNames() {
        let load = ThemeCatalog(directories: [Support.shippedThemes]).load(name: "solarized")
        #expect(load.name == "default")
        #expect(load.theme == BuiltinDefaultTheme.theme)
        #expect(
            load.warnings == [
                "No theme is called \"solarized\" (available: default, high-contrast, light, monochrome); using the default theme instead."
            ])
    }

    @Test func unreadableFilesAndBadNamesAreWarnings() throws {
        try Support.withDirectories(1) { dirs in
            try FileManager.default.createDirectory(atPath: dirs[0] + "/folder.toml", withIntermediateDirectories: true)
            try Data([0x6e, 0x61, 0xff, 0xfe]).write(to: URL(fileURLWithPath: dirs[0] + "/binary.toml"))
            let catalog = ThemeCatalog(directories: [dirs[0]])
            #expect(
                catalog.load(name: "folder").warnings == [
                    "\(dirs[0])/folder.toml: this is a directory, not a theme file; using the default theme instead."
                ])
            #expect(
                catalog.load(name: "binary").warnings == [
                    "\(dirs[0])/binary.toml: the file is not UTF-8 text; using the default theme instead."
                ])
            let escape = catalog.load(name: "../etc/passwd")
            #expect(escape.name == "default")
            #expect(escape.warnings.first?.contains("is not a theme name") == true)
        }
    }

    @Test func aHugeFileOrADeviceIsRefusedBeforeItIsRead() throws {
        try Support.withDirectories(1) { dirs in
            try Data(repeating: 0x23, count: Theme.maxSize + 1).write(to: URL(fileURLWithPath: dirs[0] + "/huge.toml"))
            try FileManager.default.createSymbolicLink(atPath: dirs[0] + "/zero.toml", withDestinationPath: "/dev/zero")
            let catalog = ThemeCatalog(directories: [dirs[0]])
            #expect(
                catalog.load(name: "huge").warnings == [
                    "\(dirs[0])/huge.toml: the file is larger than 256 KiB; a theme is a few KiB; using the default theme instead."
                ])
            let zero = catalog.load(name: "zero")
            #expect(zero.name == "default")
            #expect(zero.warnings.first?.contains("not a regular file") == true)
            // A theme kept elsewhere and linked in (dotfiles) is read as usual.
            try FileManager.default.createSymbolicLink(
                atPath: dirs[0] + "/linked.toml", withDestinationPath: Support.shippedThemes + "/light.toml")
            let linked = catalog.load(name: "linked")
            #expect(linked.warnings.isEmpty)
            #expect(linked.name == "linked")
        }
    }

    @Test func misspeltStyleKeysAreReportedWithoutAFallback() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write(
                """
                inherits = "default"
                [styles]
                "status.key.ratelimited" = "#ff0000"
                "transcript.user" = "#0000ff"
                """, "typo", in: dirs[0])
            let load = ThemeCatalog(directories: [dirs[0]]).load(name: "typo")
            #expect(load.name == "typo")
            #expect(load.theme.style("transcript.user").foreground == Self.blue)
            #expect(
                load.warnings == [
                    "\(dirs[0])/typo.toml: palaver has no style \"status.key.ratelimited\", so it changes nothing (did you mean \"status.key.rate-limited\"?)."
                ])
        }
    }

    // MARK: Choosing

    @Test func explicitThemeWinsOverConfigAndNoColor() {
        let choose = ThemeCatalog.choose
        #expect(choose("light", "high-contrast", [:], .trueColor) == "light")
        #expect(choose("light", nil, ["NO_COLOR": "1"], .trueColor) == "light")
        #expect(choose("light", nil, [:], .monochrome) == "light")
        #expect(choose(nil, "high-contrast", [:], .trueColor) == "high-contrast")
        #expect(choose(nil, nil, [:], .trueColor) == "default")
        #expect(choose("  ", "", [:], .palette256) == "default")
    }

    @Test func noColorOrAColourlessTerminalPicksMonochrome() {
        let choose = ThemeCatalog.choose
        #expect(choose(nil, "light", ["NO_COLOR": "1"], .trueColor) == "monochrome")
        #expect(choose(nil, nil, ["NO_COLOR": "yes please"], .ansi8) == "monochrome")
        #expect(choose(nil, "light", [:], .monochrome) == "monochrome")
        // An empty NO_COLOR does not count (no-color.org).
        #expect(choose(nil, "light", ["NO_COLOR": ""], .trueColor) == "light")
        #expect(choose(nil, nil, [:], .ansi8) == "default")
    }

    // MARK: Directories

    @Test func shippedDirectoriesKeepOnlyThoseThatExist() throws {
        try Support.withDirectories(1) { dirs in
            let prefix = URL(fileURLWithPath: dirs[0])
            let bin = prefix.appendingPathComponent("bin")
            let share = prefix.appendingPathComponent("share/palaver/themes")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
            let found = ThemeCatalog.shippedDirectories(
                executablePath: bin.appendingPathComponent("palaver").path,
                sourceFile: "/nonexistent/Sources/ChatUI/Theme/ThemeCatalog.swift")
            #expect(found == [share.path])

            try FileManager.default.createDirectory(
                at: bin.appendingPathComponent("themes"), withIntermediateDirectories: true)
            let both = ThemeCatalog.shippedDirectories(
                executablePath: bin.appendingPathComponent("palaver").path,
                sourceFile: "/nonexistent/x.swift")
            #expect(both == [bin.appendingPathComponent("themes").path, share.path])
        }
    }

    @Test func shippedDirectoriesFollowASymlinkedExecutable() throws {
        try Support.withDirectories(2) { dirs in
            let real = URL(fileURLWithPath: dirs[0])
            try FileManager.default.createDirectory(
                at: real.appendingPathComponent("themes"), withIntermediateDirectories: true)
            try Data().write(to: real.appendingPathComponent("palaver"))
            let link = URL(fileURLWithPath: dirs[1]).appendingPathComponent("palaver")
            try FileManager.default.createSymbolicLink(
                at: link, withDestinationURL: real.appendingPathComponent("palaver"))
            let found = ThemeCatalog.shippedDirectories(executablePath: link.path, sourceFile: "/nonexistent/x.swift")
            #expect(
                found == [real.appendingPathComponent("themes").resolvingSymlinksInPath().path]
                    || found == [real.appendingPathComponent("themes").path])
        }
    }

    @Test func aDevelopmentBuildFindsTheRepositoryThemes() {
        // The catalog's own source file lies inside this repository.
        let found = ThemeCatalog.shippedDirectories(executablePath: "/nonexistent/.build/debug/palaver")
        #expect(
            found.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                == [URL(fileURLWithPath: Support.shippedThemes).standardizedFileURL.path])
        let standard = ThemeCatalog.standardDirectories(configDirectory: "/home/u/.config/palaver", executablePath: "")
        #expect(standard.first == "/home/u/.config/palaver/themes")
    }

    // MARK: Hostile files

    /// A theme nested 100,000 arrays deep overflowed the stack; now it is a warning naming the
    /// file and line, and the default theme is used.
    @Test func aThemeNestedTooDeepFallsBackWithItsFileAndLine() throws {
        try Support.withDirectories(1) { dirs in
            try Support.write(
                "name = \"deep\"\n[styles]\ndefault = " + String(repeating: "[", count: 100_000) + "\n", "deep",
                in: dirs[0])
            let load = ThemeCatalog(directories: [dirs[0], Support.shippedThemes]).load(name: "deep")
            #expect(load.name == "default")
            #expect(load.warnings.count == 1)
            #expect(
                load.warnings.first?.contains(dirs[0] + "/deep.toml:3: arrays and { } tables are nested more than")
                    == true)
        }
    }
}
