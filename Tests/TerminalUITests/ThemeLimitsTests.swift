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
        #expect(e.message.contains("nested more than \(MiniTOML.maxDepth) levels"))
    }

    @Test func inlineTablesNested100000DeepAreAnError() throws {
        let e = try #require(error("[styles]\nk = " + String(repeating: "{ a = ", count: 100_000)))
        #expect(e.line == 2)
        #expect(e.message.contains("nested more than"))
    }

    @Test func aDottedKeyOf100000PartsIsAnError() throws {
        let e = try #require(error("[styles]\n" + String(repeating: "a.", count: 100_000) + "b = \"red\"\n"))
        #expect(e.line == 2)
        #expect(e.message.contains("more than \(MiniTOML.maxDepth) parts"))
        // A header counts towards the same limit.
        let header = try #require(error("[" + Array(repeating: "s", count: 40).joined(separator: ".") + "]\n"))
        #expect(header.line == 1)
    }

    @Test func nestingUpToTheLimitStillReads() throws {
        let depth = MiniTOML.maxDepth - 1
        let table = try MiniTOML.parse("k = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")
        #expect(table["k"] != nil)
    }

    @Test(arguments: ["-0x-8000000000000000", "0x-1", "+-5", "-0x8000000000000000", "99999999999999999999"])
    func oddNumbersAreErrorsNotTraps(_ word: String) throws {
        let e = try #require(error("[palette]\nc = \(word)\n"))
        #expect(e.line == 2)
    }

    @Test func hexAndSignedNumbersStillRead() throws {
        let table = try MiniTOML.parse("a = 0xff\nb = -12\nc = +1_000\n")
        #expect(table["a"]?.value == .integer(255))
        #expect(table["b"]?.value == .integer(-12))
        #expect(table["c"]?.value == .integer(1000))
    }
}
