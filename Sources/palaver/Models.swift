import AnthropicAPI
import ArgumentParser
import ChatCore
import Foundation

/// `palaver models`: the models the API offers, newest first.
struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models the API offers, newest first.")

    @Option(name: .long, help: "API base URL (default: ANTHROPIC_BASE_URL, base_url in config.toml, https://api.anthropic.com).")
    var baseURL: String?

    @Flag(name: .long, help: "Allow sending the key over plain http to a host that is not this machine.")
    var insecureHTTP = false

    func run() async throws {
        let runner = ModelsRunner(baseURL: baseURL, insecureHTTP: insecureHTTP,
                                  environment: ProcessInfo.processInfo.environment, paths: Paths(), output: StandardOutput())
        let status = await runCancellableOnInterrupt { await runner.run() }
        throw ExitCode(status.rawValue)
    }
}
