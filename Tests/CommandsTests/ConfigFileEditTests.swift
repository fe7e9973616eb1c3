import ChatCore
import Foundation
import TestSupport
import Testing

@testable import Commands

/// The chat keeps the theme chosen with F6 in config.toml: one setting changes, nothing else.
@Suite struct ConfigFileEditTests {
    @Test func theSettingIsReplacedInsertedOrAppendedAndTheRestStays() throws {
        let replaced = ConfigFileEdit.setting(
            "theme", to: "light", in: "# palaver\nmodel = \"m\"\ntheme   =  \"default\" # old\nclipboard = false\n")
        #expect(replaced == "# palaver\nmodel = \"m\"\ntheme = \"light\"\nclipboard = false\n")

        // Without one: before the first table (a theme inside [profile] would be another setting).
        let inserted = ConfigFileEdit.setting("theme", to: "light", in: "model = \"m\"\n\n[x]\ntheme = \"no\"\n")
        #expect(inserted == "model = \"m\"\n\ntheme = \"light\"\n\n[x]\ntheme = \"no\"\n")
        #expect(ConfigFileEdit.setting("theme", to: "light", in: "") == "theme = \"light\"\n")
        #expect(
            ConfigFileEdit.setting("theme", to: "light", in: "model = \"m\"") == "model = \"m\"\ntheme = \"light\"\n")

        // A line inside a multi-line string is not a setting.
        let multiline = "api_key_helper = \"\"\"\ntheme = \"inside\"\n\"\"\"\n"
        let kept = ConfigFileEdit.setting("theme", to: "light", in: multiline)
        #expect(kept.hasPrefix(multiline))
        // Themes_dir-like keys that only start with the name are left alone.
        #expect(ConfigFileEdit.setting("theme", to: "a", in: "themex = 1\n") == "themex = 1\ntheme = \"a\"\n")

        // Every result reads back as the same config with the new theme.
        for text in [replaced, inserted, kept] {
            let config = try Config.parse(text, path: "config.toml")
            #expect(config.theme == "light")
        }
        let odd = ConfigFileEdit.setting("theme", to: "a\"b\\c\u{1}", in: "")
        #expect(try Config.parse(odd, path: "config.toml").theme == "a\"b\\c\u{1}")
    }

    @Test func theFileIsWrittenPrivateThroughASymlink() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-config-edit")
        let real = dir.path("dotfiles-config.toml")
        try "model = \"m\"\n".write(toFile: real, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: real)
        let link = dir.path("config.toml")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        try ConfigFileEdit.set("theme", to: "light", file: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real) // still a link
        #expect(try String(contentsOfFile: real, encoding: .utf8) == "model = \"m\"\ntheme = \"light\"\n")
        #expect(try FileManager.default.attributesOfItem(atPath: real)[.posixPermissions] as? Int == 0o600)

        // A missing file (and folder) is created.
        let fresh = dir.path("new/palaver/config.toml")
        try ConfigFileEdit.set("theme", to: "dark", file: fresh)
        #expect(try String(contentsOfFile: fresh, encoding: .utf8) == "theme = \"dark\"\n")
    }
}
