import ChatUI
import Foundation
import TerminalUI

/// The theme reader (TerminalUI's Theme.parse: Safety's TOMLGuard, then TOMLKit) and theme
/// loading by name from a folder (ChatUI's ThemeCatalog): errors name a line of the file, nothing
/// traps or overflows the stack (toml++ underneath), however deep the nesting, and no file holding
/// a NUL byte is accepted.
struct ThemeFuzzTarget: FuzzTarget {
    static let name = "theme"
    static let summary =
        "theme reader (Theme.parse: TOMLGuard, then TOMLKit) and ThemeCatalog.load; errors name a real line"

    private let directory: String

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("palaver-fuzz-theme-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    var seeds: [[UInt8]] {
        [
            "name = \"fuzz\"\ninherits = \"default\"\n\n[palette]\nbg = \"#1e1e2e\"\nfg = 250\n\n[styles]\ndefault = { fg = \"fg\", bg = \"bg\" }\n"
                + "\"transcript.user\" = { fg = \"bright-blue\", bold = true, modifiers = [\"italic\", \"underline\"] }\n"
                + "[styles.status]\nbar = \"red\"\nkey.valid = { fg = 0x0a }\n",
            "# comment\n[styles]\na.b.c = 'literal'\nx = [1, 2,\n 3]\n[styles.\"quoted.key\"]\nfg = \"\\u00e9\"\n",
            "[styles]\nx = { fg = \"red\" }\n[styles]\n", "name = \"\"\"multi\"\"\"\n", "[[styles]]\n", "k = 1.5\n",
            "styles = { a = { b = { c = { fg = \"blue\" } } } }\n",
            "[styles]\nstatus = { fg = \"black\" }\nstatus.rejected = \"red\"\n",
            "[.a]\nx = 1]\ny = 1979-05-27T7:32:00\n",
            "\u{FEFF}[styles]\nx = \"red\"\n",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "[", "]", "{", "}", "=", "\"", "'", ",", ".", "#", "\n", "\r\n", "[styles]", "[palette]", "name",
            "inherits", "fg", "bg",
            "bold", "modifiers", "true", "false", "0x", "_", "\\u", "\\U", "#ffffff", "bright-", "\"default\"",
            "\"light\"", "\\u0000", "\u{0}", "\u{FEFF}",
        ].map(utf8)
    }

    var nestingTokens: [[UInt8]] { ["[", "{ a = ", "a.", "x = [", "{a={"].map(utf8) }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self)
        // Lines as the readers count them: LF bytes (a String splits CR LF as one character).
        let lines = text.utf8.count(where: { $0 == 0x0A }) + 1
        var accepted = false
        do {
            let theme = try Theme.parse(text, path: "/fuzz/theme.toml")
            for (key, _) in theme.styles { _ = theme.style(key) }
            accepted = true
        } catch {
            let error = error as ThemeError
            try require(error.path == "/fuzz/theme.toml", "the error does not name the file: \(error)")
            if let line = error.line {
                try require(
                    line >= 1 && line <= lines + 1, "error line \(line) outside 1...\(lines + 1): \(error.message)")
            }
        }
        // TOMLKit reads a C string: a NUL would silently cut the file short.
        if accepted { try require(!input.contains(0), "a file holding a NUL byte was accepted") }
        // Loading by name reads the file and follows `inherits`; not every case (it writes a file).
        if random.oneIn(8) {
            let path = directory + "/fuzz.toml"
            _ = FileManager.default.createFile(atPath: path, contents: Data(input))
            let load = ThemeCatalog(directories: [directory]).load(name: "fuzz")
            try require(load.name == "fuzz" || !load.warnings.isEmpty, "fell back to \(load.name) without a warning")
        }
    }
}
