import Safety
import Testing

/// The one check in front of TOMLKit (config.toml and themes): what it refuses, on which line,
/// and the statements it returns.
@Suite("The guard in front of TOMLKit")
struct TOMLGuardTests {
    let tomlGuard = TOMLGuard(maxSize: 4096, maxDepth: 8, fileKind: "a test file")

    private func refusal(_ text: String) -> TOMLGuard.Refusal? {
        do {
            _ = try tomlGuard.check(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func statementsStartWhereTheyStartAndLeaveOutCommentsAndBlanks() throws {
        let text =
            "# top\nname = \"x\"  # why\n\n[styles]\nlist = [\n  1,\n  2,\n]\ntext = \"\"\"\nmany\nlines\"\"\"\n[[more.items]]\n"
        let statements = try tomlGuard.check(text)
        let bytes = Array(text.utf8)
        let seen = statements.map { ($0.line, String(decoding: bytes[$0.range], as: UTF8.self), $0.isHeader) }
        #expect(seen.map(\.0) == [2, 4, 5, 9, 12])
        #expect(
            seen.map(\.1) == [
                "name = \"x\"", "[styles]", "list = [\n  1,\n  2,\n]", "text = \"\"\"\nmany\nlines\"\"\"",
                "[[more.items]]",
            ])
        #expect(seen.map(\.2) == [false, true, false, false, true])
    }

    @Test func aByteOrderMarkIsSkippedAndRangesStillIndexTheBytes() throws {
        let text = "\u{FEFF}a = 1\r\nb = 2"
        let statements = try tomlGuard.check(text)
        let bytes = Array(text.utf8)
        #expect(statements.map(\.line) == [1, 2])
        #expect(statements.map { String(decoding: bytes[$0.range], as: UTF8.self) } == ["a = 1", "b = 2"])
    }

    @Test(
        arguments: [
            // NUL, raw or escaped, wherever it is (toml++ reads a C string; a key holding NUL traps TOMLKit)
            ("a = 1\nb = \"x\"\u{0}\n", 2, "the file has a NUL byte (a test file is text)"),
            ("a = 1\n# note \u{0} more\nb = 2\n", 2, "NUL byte"),
            ("a = \"\"\"\nx\u{0}\"\"\"\n", 2, "NUL byte"),
            ("a = \"x\\\u{0}\"\n", 1, "NUL byte"),
            ("[ta\u{0}ble]\n", 1, "NUL byte"),
            ("a = 1\u{0}79-05-27T07:00:00\n", 1, "NUL byte"),
            ("\"a\\u0000b\" = 1\n", 1, "a string holds \\u0000 (NUL), which a test file cannot use"),
            ("a = 1\nb = \"\\U00000000\"\n", 2, "\\u0000"),
            ("a = 1\nb = \"\\u00001\"\n", 2, "\\u0000"), // NUL, then the text 1
            ("a = 1\n[styles.\"\\u0000quoted.key\"]\nfg = 1\n", 2, "\\u0000"), // in a table header (fuzz, theme)
            ("[[a.\"x\\U00000000\"]]\n", 1, "\\u0000"),
            // shapes toml++ asserts on
            ("a = 1\n[\n", 2, "a table header must start with a name"),
            ("[[ !x]]\n", 1, "a table header must start with a name"),
            ("\u{FEFF}[[!s]]\n", 1, "a table header must start with a name"),
            ("a = [1,\n }2]\n", 2, "} does not match the open ["),
            ("a = { b = [1 }\n", 1, "} does not match the open ["),
            ("a = ]\n", 1, "] closes nothing"),
            ("d = 1979-05-27T'07:32:00Z\n", 1, "a date's time must be written HH:MM:SS"),
            ("d = 1979-05-27 7:32:00\n", 1, "HH:MM:SS"),
            // nesting: brackets, dotted keys, header parts, and all of them together
            ("a = [[[[[[[[\n", 1, "arrays and { } tables are nested more than 8 levels deep (a test file needs a few)"),
            ("a = 1\nb.c.d.e.f.g.h.i.j = 1\n", 2, "more than 8 dotted parts"),
            ("[a.b.c.d.e.f.g.h.i]\n", 1, "more than 8 parts"),
            ("[a.b.c.d.e]\nf.g.h.i = 1\n", 2, "more than 8 parts"),
            ("[a.b.c]\nd = { e = [ { f = 1 } ] }\nx = { y.z = [[[ 1 ]]] }\n", 3, "nested more than 8 levels"),
        ] as [(String, Int, String)])
    func refusedOnTheirLine(_ text: String, _ line: Int, _ message: String) throws {
        let r = try #require(refusal(text))
        #expect(r.line == line, "\(r)")
        #expect(r.message.contains(message), "\(r)")
    }

    @Test func aFileOverTheSizeIsRefusedAsAWhole() throws {
        let r = try #require(refusal(String(repeating: "#", count: 4097)))
        #expect(r == TOMLGuard.Refusal(line: nil, message: "the file is larger than 4 KiB; a test file is a few KiB"))
        #expect(try tomlGuard.check(String(repeating: "#", count: 4096)).isEmpty)
        let mebibyte = TOMLGuard(maxSize: 1 << 20, maxDepth: 8, fileKind: "a config file")
        #expect(
            throws: TOMLGuard.Refusal(line: nil, message: "the file is larger than 1 MiB; a config file is a few KiB")
        ) {
            try mebibyte.check([UInt8](repeating: 0x23, count: (1 << 20) + 1))
        }
    }

    @Test(arguments: [
        "[a.b.c]\nd.e = { f = [ [ 1 ] ] }\n", // 3 + 2 + 3 = 8 levels: the limit itself
        "a = \"] } [[ \\\" #\"\nb = 'c:\\u0000'\n", // brackets and escapes in strings; a literal string has no escapes
        "a = \"\\\\u0000\"\n", // an escaped backslash, then the text u0000
        "a = \"\\u0001\"\nb = \"\\U00000001\"\n", // codes other than NUL
        "when = 1979-05-27T07:32:00Z\nday = 1979-05-27\nat = 1979-05-27 07:32:00\n",
        "m = '''\n[not a header\n}'''\n",
        "# ] } [\n[ a . b ]\n[[ c ]]\n",
    ])
    func validShapesPass(_ text: String) throws {
        let statements = try tomlGuard.check(text)
        #expect(!statements.isEmpty)
        // A statement of an accepted file is itself accepted.
        let bytes = Array(text.utf8)
        for statement in statements {
            _ = try tomlGuard.check(Array(bytes[statement.range]))
        }
    }
}
