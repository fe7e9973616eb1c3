import ArgumentParser
import ChatCore
import Commands
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
        CrashReports.makeNonInteractive()
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
            standardConsole.flush()
            let code = Palaver.exitCode(for: error)
            if code == .validationFailure {
                standardConsole.err(Palaver.fullMessage(for: error) + "\n")
                exit(2)
            }
            if code.isSuccess || error is CleanExit {
                Palaver.exit(withError: error) // help and version text: ours, printed as is
            }
            // Anything else may quote input (arguments, files, the server): through the console.
            let message = Palaver.fullMessage(for: error)
            if !message.isEmpty { standardConsole.err(message + "\n") }
            exit(code.rawValue)
        }
    }
}
