import ChatCore
import Foundation
import TerminalUI

/// Opens the full-screen chat on the terminal and runs its loop: signal handlers, the ncurses
/// backend, the runtime's inbox, the theme, then ``ChatLoop``.
///
/// The launcher (module Commands) prepares what comes from outside the terminal (config, key,
/// store, demo server) and hands it over as a ``ChatState`` and a way to make the runtime.
public struct ChatScreen {
    /// What the screen needs beyond the chat state.
    public struct Options {
        /// The theme named with `--theme`, if any (it also keeps colours on under `NO_COLOR`).
        public var requestedTheme: String?
        /// The theme named in config.toml, if any.
        public var configuredTheme: String?
        /// palaver's config directory (user themes live in its `themes` folder).
        public var configDirectory: String
        /// The running executable (shipped themes are found beside it).
        public var executablePath: String
        /// The process environment (`NO_COLOR`, and the test-only crash switch in debug builds).
        public var environment: [String: String]
        /// Open this conversation; nil starts in a new one.
        public var resume: ConversationID?
        /// Problems found while preparing, shown in the status line when the screen opens.
        public var notices: [String] = []

        public init(
            requestedTheme: String?, configuredTheme: String?, configDirectory: String, executablePath: String,
            environment: [String: String], resume: ConversationID?, notices: [String] = []
        ) {
            self.requestedTheme = requestedTheme
            self.configuredTheme = configuredTheme
            self.configDirectory = configDirectory
            self.executablePath = executablePath
            self.environment = environment
            self.resume = resume
            self.notices = notices
        }
    }

    /// The terminal could not be set up, or failed while the chat ran.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Runs the chat until the user quits; returns the termination signal that ended it, if one
    /// did. `makeRuntime` receives the function through which the runtime reports back;
    /// `makeChat` receives the saved draft of a new conversation (empty when a conversation is
    /// resumed); `willRun` is called once the screen is ready, just before the loop starts.
    public func run(
        makeRuntime: (@escaping @Sendable (ChatAction) -> Void) -> ChatRuntime,
        makeChat: (_ draft: String) -> ChatState, willRun: () -> Void = {}
    ) throws(Failure) -> Int32? {
        var notices = options.notices
        // Crashes restore the terminal in a handler; termination signals become quit events for
        // the loop (the draft is saved there, never in a signal handler).
        let inbox = Inbox()
        TerminalRestore.installHandlers(signals: [])
        QuitSignals.install { inbox.postQuit(signal: $0) }
        let backend = NCursesBackend()
        let runtime = makeRuntime(inbox.post)

        // The theme needs the terminal's colours, known once the backend has it; the loop enters
        // it again (a no-op) itself.
        let themes = ThemeCatalog(
            directories: ThemeCatalog.standardDirectories(
                configDirectory: options.configDirectory,
                executablePath: options.executablePath))
        let resume = options.resume
        let chat = makeChat(resume == nil ? runtime.newConversationDraft() ?? "" : "")
        // NO_COLOR makes the backend colourless, unless a theme was asked for by name.
        let terminalOptions = TerminalOptions(colorDepth: options.requestedTheme != nil ? .trueColor : nil)
        do {
            try backend.enter(terminalOptions)
        } catch {
            throw Failure(description: "the terminal could not be set up: \(error)")
        }
        #if DEBUG
            if let crash = options.environment["PALAVER_TEST_CRASH"] { TestCrash.trigger(crash) }
        #endif
        let name = ThemeCatalog.choose(
            requested: options.requestedTheme, configured: options.configuredTheme,
            environment: options.environment, colorDepth: backend.colorDepth)
        let loaded = themes.load(name: name)
        notices += loaded.warnings
        var app = ChatApp(chat: chat, size: backend.size, theme: loaded.theme)
        app.exportDirectory = FileManager.default.currentDirectoryPath
        app.themes = themes
        app.themeName = loaded.name
        app.configFile = (options.configDirectory as NSString).appendingPathComponent("config.toml")
        if !notices.isEmpty { _ = app.chat.update(.notify(notices.joined(separator: " "), error: true, seconds: 15)) }
        willRun()
        do {
            return try ChatLoop(backend: backend, runtime: runtime, inbox: inbox).run(
                &app, resume: resume, options: terminalOptions)
        } catch {
            throw Failure(description: "the terminal failed: \(error)")
        }
    }

    /// Ends the process as `signal` would have ended it (after the chat quit on that signal and
    /// everything was cleaned up).
    public static func exit(after signal: Int32) -> Never {
        QuitSignals.exit(after: signal)
    }
}
