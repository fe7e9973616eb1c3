import AnthropicAPI
import ChatCore
import ChatUI
import Credentials
import Foundation
import Logging
import SessionStore

/// Starts the full-screen chat: config, key, store, theme, demo server, then the loop.
/// Problems that stop it before the screen opens come back as a ``Failure`` worded for the user.
public struct ChatLauncher {
    public struct Options {
        public var model: String?
        public var theme: String?
        public var demo = false
        /// Start in a new conversation instead of the latest one.
        public var startNew = false
        /// Open this conversation.
        public var session: ConversationID?
        public init() {}
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public var status: PalaverExitCode
    }

    public var context: CommandContext
    public var options: Options

    /// The connection settings come from `context` (`--base-url`, `--insecure-http`).
    public init(context: CommandContext, options: Options) {
        self.context = context
        self.options = options
    }

    /// Runs the chat until the user quits. A termination signal (SIGINT, SIGTERM, SIGHUP,
    /// SIGQUIT) quits it too: the draft is saved, the terminal given back and everything
    /// cleaned up, then the process ends as the signal would have ended it.
    public func run() throws(Failure) {
        if let signal = try runUntilQuit() { ChatScreen.exit(after: signal) }
    }

    /// Runs the chat; returns the termination signal that ended it, if one did.
    private func runUntilQuit() throws(Failure) -> Int32? {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw Failure(
                description: "the full-screen chat needs a terminal; for scripts use `palaver ask`.", status: .usage)
        }
        let paths = context.paths
        var notices: [String] = []
        let config = try Self.value(ClientSetup.loadConfig(paths: paths, notice: { notices.append($0) }))

        var environment = context.environment
        let started = try startDemo(&environment)
        let demo = started?.server
        defer {
            demo?.stop()
            if let data = started?.data { try? FileManager.default.removeItem(atPath: data) }
        }

        var keys = KeySetup(
            config: config, paths: paths, environment: demo == nil ? environment : [:], sessionKey: demo?.key)
        if demo == nil { keys.resolver.profile = context.overrides.keyProfile }
        let resolution = keys.resolver.resolve()
        if demo == nil { notices += resolution.notices }
        var overrides = context.overrides
        if let demo { overrides.baseURL = demo.baseURL }
        let (configuration, baseURL) = try Self.value(
            ClientSetup.checkedConfiguration(
                config: config, overrides: overrides, environment: environment, credential: resolution.key?.credential))

        var store: SessionStore?
        do {
            store = try SessionStore(path: SessionStore.defaultPath(environment: environment))
        } catch {
            notices.append("The conversation store cannot be opened (\(error)); this session is not saved.")
        }

        let explicitModel = options.model ?? config.model
        let fallback =
            explicitModel ?? ModelMemory(path: paths.modelCacheFile).model(for: baseURL) ?? Self.fallbackModel
        let settings = ChatState.Settings(
            baseURL: baseURL, fallbackModel: fallback, modelIsExplicit: explicitModel != nil,
            maxTokens: config.maxTokens ?? 4096, demo: demo != nil,
            keyCheckInterval: config.keyCheckInterval ?? 600, clipboard: config.clipboard ?? true,
            rateLimitWarning: Double(config.rateLimitWarning ?? 10) / 100, autoTitle: config.autoTitle ?? false,
            titleModel: config.titleModel)

        var resume = options.session
        if resume == nil, !options.startNew, let store { resume = (try? store.latestConversation())?.id }
        let screen = ChatScreen(
            options: ChatScreen.Options(
                requestedTheme: options.theme, configuredTheme: config.theme, configDirectory: paths.configDirectory,
                executablePath: DemoServer.ownExecutablePath(), environment: environment, resume: resume,
                notices: notices))
        do {
            return try screen.run(
                makeRuntime: { emit in
                    ChatRuntime(
                        store: store, paths: paths, configuration: configuration, keys: demo == nil ? keys : nil,
                        emit: emit)
                },
                makeChat: { draft in
                    ChatState(
                        settings: settings, key: KeyStatus(resolution: resolution), now: Date(), draft: draft,
                        storeProblem: store == nil ? "not saved" : nil)
                },
                willRun: {
                    Logger(label: "palaver.chat").info(
                        "chat started",
                        metadata: [
                            "base_url": "\(baseURL)",
                            "key": "\(KeyStatus(resolution: resolution).description ?? "none")",
                        ])
                })
        } catch {
            throw Failure(description: error.description, status: .usage)
        }
    }

    /// Demo mode (`--demo`): a local fake with a throwaway key, and a throwaway store under a
    /// temporary `XDG_DATA_HOME` in `environment`; nil without `--demo`.
    private func startDemo(_ environment: inout [String: String]) throws(Failure) -> (server: DemoServer, data: String)?
    {
        guard options.demo else { return nil }
        let server: DemoServer
        do {
            server = try DemoServer()
        } catch {
            throw Failure(description: error.description, status: .usage)
        }
        let data = NSTemporaryDirectory() + "palaver-demo-\(getpid())"
        environment["XDG_DATA_HOME"] = data
        return (server, data)
    }

    /// The value of a setup step, or its failure as the launcher's.
    private static func value<T>(_ result: Result<T, ClientSetup.Failure>) throws(Failure) -> T {
        switch result {
        case .success(let value): return value
        case .failure(let failure): throw Failure(description: failure.message, status: failure.status)
        }
    }

    /// The model used until the model list arrives when nothing chose one.
    public static let fallbackModel = "claude-sonnet-4-5"
}
