import AnthropicAPI
import ArgumentParser
import ChatCore
import Commands
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `palaver ask`: one question, the reply streamed to standard output.
struct Ask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask one question and print the reply as it streams (for scripts).",
        discussion: """
            The prompt comes from the arguments, or from standard input when there are none; a lone \
            "-" among the arguments is replaced by standard input (git diff | palaver ask "Review:" -).

            Exit codes: 0 ok; 2 usage or configuration; 3 no usable key (nothing sent); 4 key \
            rejected (401); 5 permission, billing or no credit (402/403); 6 rate-limited or \
            overloaded after retries; 7 network, timeout or reply cut off; 8 any other API error; \
            9 the session store could not be used to continue a conversation (nothing sent); \
            129, 130, 131, 143 stopped by SIGHUP, SIGINT (Ctrl-C), SIGQUIT, SIGTERM (the reply so far is kept, stored as interrupted).
            """
    )

    @Argument(help: "The prompt; \"-\" reads standard input.")
    var prompt: [String] = []

    @Option(name: .long, help: "Model id (default: model in config.toml, else the newest model the API lists).")
    var model: String?

    @Option(name: .long, help: "System prompt.")
    var system: String?

    @Option(name: .long, help: "Maximum tokens in the reply (default: max_tokens in config.toml, else 4096).")
    var maxTokens: Int?

    @Flag(name: .long, help: "Wait for the whole reply instead of streaming it.")
    var noStream = false

    @Flag(name: .long, help: "Print the final message as JSON (the API's shape) instead of text.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Retries after a retryable failure (default 2).")
    var maxRetries: Int?

    @Option(name: .long, help: "Seconds without any data before a stream gives up (default 60).")
    var idleTimeout: Double?

    @Option(
        name: .long,
        help: "Seconds a whole reply may take, data arriving or not (default 600, or reply_timeout in config.toml).")
    var replyTimeout: Double?

    @Flag(name: .long, help: "Do not store this exchange in the session store.")
    var noSave = false

    @Flag(
        name: [.customShort("c"), .long],
        help: "Continue the most recent conversation (its history is sent as context).")
    var `continue` = false

    @Option(name: .long, help: "Continue the conversation with this id (see `palaver sessions list`).")
    var session: String?

    @Flag(
        name: .long,
        help: "Send the last failed or interrupted prompt of the latest conversation (or of --session) again.")
    var retry = false

    func validate() throws {
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
        if let maxRetries, !(0...20).contains(maxRetries) {
            throw ValidationError("--max-retries must be from 0 to 20.")
        }
        if let idleTimeout, idleTimeout <= 0 { throw ValidationError("--idle-timeout must be above 0 seconds.") }
        if let replyTimeout, !(replyTimeout > 0 && replyTimeout <= 86_400) {
            throw ValidationError("--reply-timeout must be above 0 and at most 86400 seconds.")
        }
        if `continue` && session != nil { throw ValidationError("--continue and --session cannot be used together.") }
        if retry && !prompt.isEmpty {
            throw ValidationError("--retry sends the stored prompt again; give no prompt with it.")
        }
        if retry && noSave {
            throw ValidationError("--retry works on the stored conversation; it cannot be used with --no-save.")
        }
    }

    func run() async throws {
        let text: String
        if retry {
            text = ""
        } else if prompt.isEmpty {
            guard isatty(STDIN_FILENO) == 0 else {
                throw ValidationError("Give a prompt as arguments, or pipe one in on standard input.")
            }
            text = readStandardInput()
        } else if prompt.contains("-") {
            let input = readStandardInput()
            text = prompt.map { $0 == "-" ? input : $0 }.joined(separator: " ")
        } else {
            text = prompt.joined(separator: " ")
        }

        var options = AskOptions(prompt: text)
        options.model = model
        options.system = system
        options.maxTokens = maxTokens
        options.stream = !noStream
        options.json = json
        options.save = !noSave
        options.sessionID = session
        options.continueLatest = `continue` || (retry && session == nil)
        options.retry = retry

        var overrides = connection.overrides
        overrides.maxRetries = maxRetries
        overrides.idleTimeout = idleTimeout
        overrides.replyTimeout = replyTimeout
        let runner = AskRunner(context: commandContext(overrides), options: options)
        let interruption = runner.interruption
        let status = await runCancellableOnInterrupt(interruption) { await runner.run() }
        standardConsole.flush()
        // Stopped by a signal: 128 + its number, as shells report it (130 for Ctrl-C).
        if status == .interrupted, let signo = interruption.signo { throw ExitCode(128 + signo) }
        throw ExitCode(status.rawValue)
    }
}

/// The process's one console: every command writes through it, redacted and sanitised.
let standardConsole = StandardConsole()

/// The context every command runs with, built here once per command: this process's
/// environment, palaver's paths, the console, and the connection settings from the flags.
func commandContext(_ overrides: ClientSetup.Overrides = .init()) -> CommandContext {
    CommandContext(
        environment: ProcessInfo.processInfo.environment, paths: Paths(), overrides: overrides, output: standardConsole)
}

/// Reads all of standard input without its final line breaks; invalid UTF-8 becomes U+FFFD
/// rather than an error.
func readStandardInput() -> String {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    var text = String(decoding: data, as: UTF8.self)
    while text.last?.isNewline == true { text.removeLast() }
    return text
}

/// Runs `work`, cancelling it on SIGINT, SIGTERM, SIGHUP or SIGQUIT (recorded in `interruption`) so the
/// transfer is aborted, what arrived is kept, and the exit is clean. The signals arrive through
/// dispatch sources, not a signal handler, so the work may write the store as it stops.
func runCancellableOnInterrupt(
    _ interruption: AskRunner.Interruption = AskRunner.Interruption(),
    _ work: @escaping @Sendable () async -> PalaverExitCode
) async -> PalaverExitCode {
    let task = Task { await work() }
    var sources: [any DispatchSourceSignal] = []
    for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler {
            interruption.record(sig)
            task.cancel()
        }
        source.resume()
        sources.append(source)
    }
    let status = await task.value
    sources.forEach { $0.cancel() }
    return status
}
