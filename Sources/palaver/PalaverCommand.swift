import ArgumentParser
import ChatCore
import Foundation

/// `palaver`: the command-line entry point; parsing and wiring only.
struct Palaver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "palaver",
        abstract: "A terminal chat client for Anthropic's Claude Messages API.",
        discussion: """
        Keys come from ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN, sent as a Bearer token); \
        never pass a key as an argument. ANTHROPIC_BASE_URL or base_url in config.toml points \
        palaver at a gateway or at fake-anthropic.
        """,
        subcommands: [Chat.self, Ask.self, Models.self, Doctor.self, Key.self, Sessions.self],
        defaultSubcommand: Chat.self
    )
}

/// Runs the command line; usage errors exit with 2 (ArgumentParser's default is 64), as the
/// README's exit-code table promises.
@main
enum Main {
    static func main() async {
        PalaverLogging.bootstrap(paths: Paths(), environment: ProcessInfo.processInfo.environment)
        do {
            var command = try Palaver.parseAsRoot()
            if let chat = command as? Chat {
                try chat.runChat()
            } else if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Palaver.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((Palaver.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            Palaver.exit(withError: error)
        }
    }
}
