import ChatCore
import Foundation
import TestSupport
import Testing

@testable import Commands

@Suite struct ConfigTests {
    @Test func readsEveryKnownSetting() throws {
        let config = try Config.parse(
            """
            base_url = "http://127.0.0.1:8000/anthropic"
            model = "claude-x"
            max_tokens = 1000
            anthropic_version = "2023-06-01"
            allow_insecure_http = true
            max_retries = 4
            idle_timeout = 30
            connect_timeout = 2.5
            """, path: "config.toml")
        #expect(config.baseURL == "http://127.0.0.1:8000/anthropic")
        #expect(config.model == "claude-x")
        #expect(config.maxTokens == 1000)
        #expect(config.allowInsecureHTTP == true)
        #expect(config.maxRetries == 4)
        #expect(config.idleTimeout == 30)
        #expect(config.connectTimeout == 2.5)
    }

    @Test func brokenTOMLNamesTheFileAndLine() {
        do {
            _ = try Config.parse("model = \"a\"\nmax_tokens = = 3\n", path: "/tmp/x/config.toml")
            Issue.record("parsed broken TOML")
        } catch {
            #expect(error.path == "/tmp/x/config.toml")
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("/tmp/x/config.toml:2: "))
        }
    }

    @Test(arguments: [
        "max_tokens = \"many\"", "max_tokens = 0", "max_retries = 99", "idle_timeout = -1",
        "allow_insecure_http = \"yes\"", "model = 5",
    ])
    func wrongTypesAndRangesAreNamed(_ line: String) {
        let key = String(line.prefix { $0 != " " })
        do {
            _ = try Config.parse(line, path: "c.toml")
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.message.contains(key))
        }
    }

    @Test func aKeyInTheConfigFileIsRefused() {
        #expect(throws: ConfigError.self) { try Config.parse("api_key = \"sk-ant-api03-x\"", path: "c.toml") }
    }

    /// The shared TOMLGuard: a NUL (raw or `\u0000`) would be cut short by TOMLKit (a key "a" instead of
    /// "a\0b", or the rest of the file dropped), and after a byte order mark toml++ would assert on a bad header.
    @Test(
        arguments: [
            ("model = \"m\"\n\"a\\u0000b\" = 1\n", 2, "a string holds \\u0000 (NUL), which a config file cannot use"),
            ("model = \"m\"\u{0}\nmax_tokens = 0\n", 1, "the file has a NUL byte (a config file is text)"),
            ("\u{FEFF}[[!a]]\n", 1, "a table header must start with a name, as in [name]"),
        ] as [(String, Int, String)])
    func shapesTOMLKitCannotTakeAreRefusedOnTheirLine(_ text: String, _ line: Int, _ message: String) throws {
        let error = try #require(throws: ConfigError.self) { try Config.parse(text, path: "c.toml") }
        #expect(error.line == line, "\(error)")
        #expect(error.message == message, "\(error)")
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try Config.parse("\u{FEFF}model = \"m\"\n", path: "c.toml").model == "m")
    }

    @Test func missingFileIsAnEmptyConfig() throws {
        #expect(try Config.load(path: "/nonexistent/palaver/config.toml") == Config())
    }

    @Test func binaryGarbageIsAClearError() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-config")
        try Data([0xFF, 0xFE, 0x00, 0x80]).write(to: dir.url("config.toml"))
        #expect(throws: ConfigError.self) { try Config.load(path: dir.path("config.toml")) }
    }

    @Test func xdgVariablesChooseTheDirectories() {
        let paths = Paths(environment: [
            "HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg", "XDG_STATE_HOME": "relative/ignored",
        ])
        #expect(paths.configFile == "/cfg/palaver/config.toml")
        #expect(paths.stateDirectory == "/home/u/.local/state/palaver")
        #expect(paths.dataDirectory == "/home/u/.local/share/palaver")
    }

    @Test func modelMemoryIsPerBaseURL() throws {
        let dir = try TemporaryDirectory(prefix: "palaver-model")
        let file = dir.path("state/model.json")
        let memory = ModelMemory(path: file)
        #expect(memory.model(for: "https://a") == nil)
        memory.remember("m1", for: "https://a")
        memory.remember("m2", for: "http://127.0.0.1:1")
        #expect(memory.model(for: "https://a") == "m1")
        #expect(ModelMemory(path: file).model(for: "http://127.0.0.1:1") == "m2")
    }
}
