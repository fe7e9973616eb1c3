import ArgumentParser
import ChatCore
import Commands
import Foundation
import SessionStore

/// `palaver` (or `palaver chat`): the full-screen chat.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The full-screen chat (the default: `palaver` alone opens it)."
    )

    @Flag(name: .long, help: "Try palaver without a key or network: a local fake-anthropic answers (nothing is saved).")
    var demo = false

    @Option(
        name: .long,
        help: "Colour theme (default, light, high-contrast, monochrome, or one in ~/.config/palaver/themes).")
    var theme: String?

    @Option(name: .long, help: "Model for new conversations (default: model in config.toml, else the newest listed).")
    var model: String?

    @Flag(name: .customLong("new"), help: "Start in a new conversation instead of the latest one.")
    var startNew = false

    @Option(name: .long, help: "Open this conversation (an id from `palaver sessions list`).")
    var session: String?

    @OptionGroup var connection: ConnectionOptions

    /// `palaver` with no subcommand: the full-screen chat (``Main`` calls ``runChat()`` on the
    /// main thread instead, so the loop does not hold a thread of the concurrency pool).
    func run() async throws {
        try runChat()
    }

    /// Runs the full-screen chat until the user quits (blocks the calling thread).
    func runChat() throws {
        var options = ChatLauncher.Options()
        options.model = model
        options.theme = theme
        options.demo = demo
        options.startNew = startNew
        if let session {
            guard let id = ConversationID(session) else {
                throw ValidationError("--session needs a conversation id (a number) from `palaver sessions list`.")
            }
            options.session = id
        }
        let launcher = ChatLauncher(context: commandContext(connection.overrides), options: options)
        do {
            try launcher.run()
        } catch {
            standardConsole.err("palaver: \(error.description)\n")
            throw ExitCode(error.status.rawValue)
        }
    }
}
