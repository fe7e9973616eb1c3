import AnthropicAPI
import ChatCore

/// Runs `palaver models`: lists every model the API offers, newest first, one per line.
public struct ModelsRunner: Sendable {
    public var context: CommandContext

    public init(context: CommandContext) {
        self.context = context
    }

    /// The most models listed; pages beyond are not fetched.
    static let maxModels = 10_000

    public func run() async -> PalaverExitCode {
        let setup: ClientSetup
        switch context.clientSetup() {
        case .success(let s): setup = s
        case .failure(let status): return status
        }
        let client = AnthropicClient(configuration: setup.clientConfiguration, transport: context.transport)
        var models: [ModelInfo] = []
        var after: String?
        do {
            // Follow pages, with a bound so a server that always says has_more cannot loop us forever.
            for _ in 0..<50 {
                let page = try await client.listModels(limit: 100, afterID: after)
                models += page.models
                // A server that pages forever with large pages cannot grow the list without limit.
                guard page.hasMore, let last = page.lastID, last != after, models.count < Self.maxModels else { break }
                after = last
            }
        } catch {
            if error.kind == .cancelled { return .interrupted }
            context.say(
                "\(ErrorReport(error: error, keyDescription: setup.keyDescription, baseURL: setup.baseURL, keySource: setup.key.source).text)"
            )
            return PalaverExitCode(for: error)
        }
        // Pad ids to one column, but never by more than 60 characters (one absurd id must not pad every line).
        let width = min(60, models.map(\.id.count).max() ?? 0)
        for model in models.newestFirst {
            let pad = String(repeating: " ", count: max(0, width - model.id.count))
            context.output.out("\(model.id)\(pad)  \(model.displayName)  \(model.createdAt.prefix(10))\n")
        }
        return .ok
    }
}
