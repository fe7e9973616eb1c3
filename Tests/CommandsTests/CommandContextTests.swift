import ChatCore
import Commands
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("The context every command shares")
struct CommandContextTests {
    /// Output kept in memory.
    final class Sink: CommandOutput {
        let outText = Mutex(""), errText = Mutex("")
        var outIsTerminal: Bool { false }
        func out(_ text: String) { outText.withLock { $0 += text } }
        func err(_ text: String) { errText.withLock { $0 += text } }
        var errors: String { errText.withLock { $0 } }
    }

    func context(_ directory: TemporaryDirectory, environment: [String: String] = [:], sink: Sink) -> CommandContext {
        let environment = [
            "HOME": directory.path, "XDG_CONFIG_HOME": directory.path("config"),
            "XDG_STATE_HOME": directory.path("state"),
        ].merging(environment) { $1 }
        return CommandContext(environment: environment, paths: Paths(environment: environment), output: sink)
    }

    func writeConfig(_ directory: TemporaryDirectory, _ text: String) throws {
        try FileManager.default.createDirectory(
            atPath: directory.path("config/palaver"), withIntermediateDirectories: true)
        try text.write(toFile: directory.path("config/palaver/config.toml"), atomically: true, encoding: .utf8)
    }

    @Test func noKeyIsReportedOnceWithItsExitStatus() throws {
        try TemporaryDirectory.with { directory in
            let sink = Sink()
            let result = context(directory, sink: sink).clientSetup()
            guard case .failure(let status) = result else {
                Issue.record("a setup without any key succeeded")
                return
            }
            #expect(status == .noUsableKey)
            #expect(sink.errors.hasPrefix("palaver: no API key: ANTHROPIC_API_KEY is not set"))
            #expect(sink.errors.components(separatedBy: "palaver: ").count == 2)
        }
    }

    @Test func aKeyAndConfigGiveTheClientSettingsWithoutPrintingAnything() throws {
        try TemporaryDirectory.with { directory in
            let sink = Sink()
            let key = "sk-ant-api03-" + String(repeating: "Q", count: 93) + "AA"
            var context = context(directory, environment: ["ANTHROPIC_API_KEY": key], sink: sink)
            context.overrides.baseURL = "http://127.0.0.1:9"
            guard case .success(let setup) = context.clientSetup() else {
                Issue.record("a usable key was refused: \(sink.errors)")
                return
            }
            #expect(setup.baseURL == "http://127.0.0.1:9")
            #expect(setup.clientConfiguration.credential?.secret == key)
            #expect(sink.errors.isEmpty)
        }
    }

    @Test func unknownSettingsAreNoticedOnlyWhenAsked() throws {
        try TemporaryDirectory.with { directory in
            try writeConfig(directory, "modle = \"x\"\n")
            let quiet = Sink()
            let loud = Sink()
            #expect((try? context(directory, sink: quiet).config(notices: false).get()) != nil)
            #expect(quiet.errors.isEmpty)
            #expect((try? context(directory, sink: loud).config().get()) != nil)
            #expect(loud.errors.contains("unknown setting \"modle\" is ignored"))
        }
    }

    @Test func anUnusableConfigIsAUsageFailureNamingTheFile() throws {
        try TemporaryDirectory.with { directory in
            try writeConfig(directory, "model = [unclosed\n")
            let sink = Sink()
            guard case .failure(let status) = context(directory, sink: sink).config() else {
                Issue.record("a broken config was accepted")
                return
            }
            #expect(status == .usage)
            #expect(sink.errors.hasPrefix("palaver: ") && sink.errors.contains("config.toml"))
        }
    }
}
