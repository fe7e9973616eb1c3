import AnthropicAPI
import ArgumentParser
import ChatCore
import Commands
import Foundation

/// `palaver models`: the models the API offers, newest first.
struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models the API offers, newest first.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let runner = ModelsRunner(context: commandContext(connection.overrides))
        let status = await runCancellableOnInterrupt { await runner.run() }
        throw ExitCode(status.rawValue)
    }
}
