import Testing

@testable import TerminalUI

/// Hostile theme files: nesting, key length and numbers a theme reader must refuse with an
/// error naming the file and line instead of overflowing the stack or trapping.
@Suite struct ThemeLimitsTests {
    private func error(_ toml: String) -> ThemeError? {
        do {
            _ = try Theme.parse(toml, path: "deep.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test func arraysNested100000DeepAreAnErrorOnTheirLine() throws {
        let e = try #require(error("name = \"x\"\nk = " + String(repeating: "[", count: 100_000) + "\n"))
        #expect(e.path == "deep.toml")
        #expect(e.line == 2)
        #expect(e.message.contains("nested more than \(Theme.maxDepth) levels"))
    }

    @Test func inlineTablesNested100000DeepAreAnError() throws {
        // 40 000 levels: 240 KB, under the size a theme may have (a larger file is refused as a whole).
        let e = try #require(error("[styles]\nk = " + String(repeating: "{ a = ", count: 40_000)))
        #expect(e.line == 2)
        #expect(e.message.contains("nested more than"))
    }

    @Test func aDottedKeyOf100000PartsIsAnError() throws {
        let e = try #require(error("[styles]\n" + String(repeating: "a.", count: 100_000) + "b = \"red\"\n"))
        #expect(e.line == 2)
        #expect(e.message.contains("more than \(Theme.maxDepth) parts"))
        // A header counts towards the same limit.
        let header = try #require(error("[" + Array(repeating: "s", count: 40).joined(separator: ".") + "]\n"))
        #expect(header.line == 1)
    }

    @Test func nestingUpToTheLimitStillReads() throws {
        // [styles] (1) + k (1) + 30 { } levels = 32.
        let depth = Theme.maxDepth - 2
        let theme = try Theme.parse(
            "[styles]\nk = " + String(repeating: "{ a = ", count: depth) + "\"red\""
                + String(repeating: " }", count: depth) + "\n")
        #expect(theme.styles["k" + String(repeating: ".a", count: depth)] == Style(foreground: .red))
        #expect(
            error(
                "[styles]\nk = " + String(repeating: "{ a = ", count: depth + 1) + "\"red\""
                    + String(repeating: " }", count: depth + 1) + "\n") != nil)
    }

    @Test(arguments: ["-0x-8000000000000000", "0x-1", "+-5", "-0x8000000000000000", "99999999999999999999"])
    func oddNumbersAreErrorsNotTraps(_ word: String) throws {
        let e = try #require(error("[palette]\nc = \(word)\n"))
        #expect(e.line == 2)
    }

    @Test func hexAndSignedNumbersStillRead() throws {
        let theme = try Theme.parse("[palette]\na = 0xff\nc = +1_0\n")
        #expect(theme.palette["a"] == .indexed(255))
        #expect(theme.palette["c"] == .indexed(10))
        let negative = try #require(error("[palette]\nb = -12\n"))
        #expect(negative.line == 2)
        #expect(negative.message.contains("colour index -12 is outside"))
    }

    /// 10 000 levels of each shape TOMLKit (toml++) would recurse into: refused before it reads them.
    @Test(
        arguments: [
            ("k = ", "[", 1, "nested more than"),
            ("", "[", 1, "a table header must start with a name"), // [[[[… at the start of a line is a header
            ("a = ", "{a = ", 1, "nested more than"),
            ("[styles]\n", "a.", 2, "more than \(Theme.maxDepth) parts"),
            ("[", "s.", 1, "more than \(Theme.maxDepth) parts"),
            ("[styles]\nk = [\n", "{ a.b = [", 3, "nested more than"),
        ] as [(String, String, Int, String)])
    func nesting10000DeepIsRefusedBeforeParsing(_ head: String, _ level: String, _ line: Int, _ message: String) throws
    {
        let e = try #require(error(head + String(repeating: level, count: 10_000) + "\n"))
        #expect(e.path == "deep.toml")
        #expect(e.line == line, "\(e)")
        #expect(e.message.contains(message), "\(e)")
    }

    @Test func aFileOver256KiBIsRefusedAsAWhole() throws {
        let comment = "# " + String(repeating: "x", count: 1_000) + "\n"
        let e = try #require(error("[styles]\n" + String(repeating: comment, count: 300)))
        #expect(e.line == nil)
        #expect(e.message.contains("larger than 256 KiB"))
        #expect(e.description.hasPrefix("deep.toml: "))
        // Just under the limit reads.
        #expect(try Theme.parse("[styles]\n" + String(repeating: comment, count: 200)).styles.isEmpty)
    }

    /// Input toml++ asserts on (an abort in a debug build) or cuts short (a NUL ends a C string).
    @Test(
        arguments: [
            ("[styles]\n[.a]\n", 2, "must start with a name"),
            ("[styles]\nx = 1]\n", 2, "] closes nothing"),
            ("[styles]\nx = [1}\n", 2, "} does not match the open ["),
            ("name = 1979-05-27T7:32:00\n", 1, "HH:MM:SS"),
            ("[styles]\nx = \"red\"\u{0}\ny = \"nope\"\n", 2, "NUL"),
            ("[styles]\n\"a\\u0000b\" = \"red\"\n", 2, "NUL"), // TOMLKit traps on a key holding NUL
            ("\u{FEFF}[[!s]]\n", 1, "must start with a name"), // after a byte order mark too
            ("# about\u{0}\n[styles]\nx = \"nope\"\n", 1, "NUL"), // in a comment too: TOMLKit would drop the rest
            ("[styles]\nx = \"\\U00000000\"\n", 2, "NUL"),
        ] as [(String, Int, String)])
    func inputTOMLKitCannotTakeIsAnError(_ toml: String, _ line: Int, _ message: String) throws {
        let e = try #require(error(toml))
        #expect(e.line == line, "\(e)")
        #expect(e.message.contains(message), "\(e)")
    }
}
