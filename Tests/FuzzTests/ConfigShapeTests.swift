import ChatCore
import Commands
import Testing

/// The config reader refuses, with the file and line, what TOMLKit would abort on or recurse
/// through (found by the config fuzz target; seeds in Tests/Fuzz/Crashes/config).
@Suite("Config shape guard")
struct ConfigShapeTests {
    private func error(_ text: String) -> ConfigError? {
        do {
            _ = try Config.parse(text, path: "/home/u/.config/palaver/config.toml")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("max_tokens = 5\nx = " + String(repeating: "[", count: 100_000), 2, "nested more than 32 levels"),
        ("x = " + String(repeating: "{ a = ", count: 100_000), 1, "nested more than 32 levels"),
        ("model = \"m\"\n[\n", 2, "a table header must start with a name"),
        ("[\u{202E}[a]]\nb = 1\n", 1, "a table header must start with a name"),
        ("x = [1,\n }2]\n", 2, "} does not match the open ["),
        ("x = ]\n", 1, "] closes nothing"),
        ("d = 1979-05-27T'07:32:00Z\n", 1, "a date's time must be written HH:MM:SS"),
        ("x = 1\n" + String(repeating: "a.", count: 60_000) + "b = 1\n", 2, "more than 32 dotted parts"),
        ("[" + String(repeating: "a.", count: 60_000) + "b]\n", 1, "more than 32 dotted parts"),
        ("t = { " + String(repeating: "a.", count: 40) + "b = 1 }\n", 1, "more than 32 dotted parts"),
    ])
    func refusedWithFileAndLine(_ text: String, line: Int, message: String) throws {
        let e = try #require(error(text))
        #expect(e.path == "/home/u/.config/palaver/config.toml")
        #expect(e.line == line)
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test func validFilesStillRead() throws {
        let config = try Config.parse(
            """
            # brackets in strings and comments do not count: ]]} {{[
            model = "a ] b } c [[ d"
            api_key_helper = 'pass show "x]"'
            max_tokens = 1024
            [table]
            nested = [[1, 2], [3, { a = [4] }]]
            when = 1979-05-27T07:32:00Z
            day = 1979-05-27
            a.b.c = 1.5
            f = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, 25.5, 26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5, 33.5]
            multi = \"\"\"
            [not a header
            }\"\"\"
            """, path: "config.toml")
        #expect(config.model == "a ] b } c [[ d")
        #expect(config.maxTokens == 1024)
        #expect(config.unknownKeys == ["table"])
    }

    @Test func aFileOverOneMebibyteIsRefused() throws {
        let e = try #require(error("# " + String(repeating: "x", count: 1 << 20) + "\n"))
        #expect(e.line == nil)
        #expect(e.message.contains("larger than 1 MiB"))
    }
}
