import AnthropicAPI
import ChatCore
import Credentials
import Foundation
import Logging
import Safety
import SessionStore
import Synchronization

/// What `palaver ask` was asked to do.
public struct AskOptions: Sendable {
    public var prompt: String
    public var model: String?
    public var system: String?
    public var maxTokens: Int?
    public var stream = true
    public var json = false
    public var baseURL: String?
    public var insecureHTTP = false
    public var maxRetries: Int?
    public var idleTimeout: Double?
    /// Seconds a whole reply may take (`--reply-timeout`).
    public var replyTimeout: Double?
    /// Store the exchange in the session store (`--no-save` turns it off).
    public var save = true
    /// Continue the most recently updated conversation (`--continue`).
    public var continueLatest = false
    /// Continue this conversation (`--session ID`).
    public var sessionID: String?
    /// Send the conversation's failed or interrupted prompt again instead of a new one (`--retry`).
    public var retry = false

    public init(prompt: String) {
        self.prompt = prompt
    }
}

/// Where `ask` writes: the reply to `out`, notices and errors to `err`.
public protocol AskOutput: Sendable {
    func out(_ text: String)
    func err(_ text: String)
    /// Whether `out` is a terminal (then model output is sanitised of control sequences).
    var outIsTerminal: Bool { get }
}

/// Runs one `palaver ask`: resolves key, base URL and model, sends, streams the reply out.
///
/// Stopping it (cancelling the task that runs ``run()``, as palaver does on SIGINT, SIGTERM and
/// SIGHUP) aborts the transfer, keeps the printed text, stores the reply so far as *interrupted*
/// and returns ``PalaverExitCode/interrupted``; ``interruption`` names the signal in the message.
public struct AskRunner: Sendable {
    public static let defaultMaxTokens = 4096

    /// Which signal stopped the run, set by whoever cancels it (read for the message and the record).
    public final class Interruption: Sendable {
        private let signal = Mutex<Int32?>(nil)
        public init() {}
        /// Records the signal (the first one wins).
        public func record(_ signo: Int32) { signal.withLock { if $0 == nil { $0 = signo } } }
        /// The signal that stopped the run, if any.
        public var signo: Int32? { signal.withLock { $0 } }
        /// `SIGINT`, `SIGTERM`, `SIGHUP`, `SIGQUIT`, or `signal N`.
        public var name: String? {
            signo.map { n in [SIGINT: "SIGINT (Ctrl-C)", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT"][n] ?? "signal \(n)" }
        }
    }

    public var options: AskOptions
    public var environment: [String: String]
    public var paths: Paths
    public var output: any AskOutput
    public var transport: any HTTPTransport
    public var sleeper: any Sleeper
    /// Set by the signal handler that cancels the run.
    public var interruption = Interruption()

    public init(options: AskOptions, environment: [String: String], paths: Paths, output: any AskOutput,
                transport: any HTTPTransport = CurlTransport(), sleeper: any Sleeper = ContinuousSleeper()) {
        self.options = options
        self.environment = environment
        self.paths = paths
        self.output = output
        self.transport = transport
        self.sleeper = sleeper
    }

    /// Runs to completion and returns the exit status; every failure has been reported on `err`.
    public func run() async -> PalaverExitCode {
        guard options.retry || !options.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            output.err("palaver: the prompt is empty. Give it as arguments (palaver ask \"question\") or on standard input.\n")
            return .usage
        }
        var overrides = ClientSetup.Overrides()
        overrides.baseURL = options.baseURL
        overrides.insecureHTTP = options.insecureHTTP
        overrides.maxRetries = options.maxRetries
        overrides.idleTimeout = options.idleTimeout
        overrides.replyTimeout = options.replyTimeout
        var setup: ClientSetup
        switch ClientSetup.resolve(overrides: overrides, environment: environment, paths: paths,
                                   notice: { output.err("palaver: \($0)\n") }) {
        case .success(let s): setup = s
        case .failure(let failure):
            output.err("palaver: \(failure.message)\n")
            return failure.status
        }
        let config = setup.config
        let baseURL = setup.baseURL
        var prompt = options.prompt
        var client = AnthropicClient(configuration: setup.clientConfiguration, transport: transport, sleeper: sleeper)
        let memory = ModelMemory(path: paths.modelCacheFile)
        var keyDescription = setup.keyDescription

        // The session store: required to continue a conversation, best effort otherwise.
        let context: ConversationContext
        switch openConversation() {
        case .success(let c): context = c
        case .failure(let status): return status
        }
        let store = context.store
        let continuing = context.continuing
        defer { try? store?.close() }
        if let retrying = context.retrying {
            prompt = retrying.text
            output.err("palaver: sending again: \(Self.title(for: prompt))\n")
        }

        // Model: --model › the continued conversation's › config › remembered › newest listed.
        var model: String
        let explicitModel = options.model ?? continuing?.model ?? config.model
        do {
            if let explicitModel {
                model = explicitModel
            } else if let remembered = memory.model(for: baseURL) {
                model = remembered
            } else {
                model = try await lookUpNewestModel(client: client, memory: memory, baseURL: baseURL)
            }
        } catch {
            if error.kind == .authentication { setup.keys.memory.rememberRejected(setup.key.credential.secret) }
            return report(error, keyDescription: keyDescription, baseURL: baseURL, model: nil, keySource: setup.key.source)
        }

        let system = options.system ?? continuing?.systemPrompt
        var request = MessageRequest(model: model, maxTokens: options.maxTokens ?? config.maxTokens ?? Self.defaultMaxTokens,
                                     messages: context.history + [InputMessage(role: "user", content: context.retrying?.blocks ?? [.text(prompt)])],
                                     system: system)
        var recorder: TurnRecorder?
        if let store, options.save || continuing != nil {
            // Continuing needs the prompt stored (its reply must be linked to it, and a later -c
            // must see it): a store that cannot be written stops the ask before anything is sent.
            let warn: @Sendable (String) -> Void = { [output] in output.err("palaver: \($0)\n") }
            do {
                let conversation = try continuing ?? store.createConversation(title: Self.title(for: prompt), model: model, systemPrompt: system)
                let rec = TurnRecorder(store: store, conversation: conversation, warnsBeforePrompt: continuing == nil, warn: warn)
                if let retrying = context.retrying {
                    rec.reuse(prompt: retrying.id)
                } else {
                    rec.recordPrompt(prompt)
                }
                if let failure = rec.failure, let continuing {
                    return refuseToContinue(continuing, because: failure)
                }
                recorder = rec
            } catch {
                output.err("palaver: this exchange was not saved: \(error)\n")
            }
        }
        var lookedUpAgain = false
        var helperRetried = false
        let log = Logger(label: "palaver.ask")
        while true {
            log.info("sending message", metadata: ["model": "\(request.model)", "base_url": "\(baseURL)", "key": "\(keyDescription)",
                                                    "stream": "\(options.stream)"])
            do {
                let message = try await send(request, client: client, recorder: recorder)
                recorder?.completed(message)
                log.info("reply complete", metadata: ["message_id": "\(message.id)", "stop_reason": "\(message.stopReason ?? "none")",
                                                     "output_tokens": "\(message.usage.outputTokens ?? 0)"])
                setup.keys.memory.forget(setup.key.credential.secret)
                if options.json {
                    output.out(message.json.serialized() + "\n")
                } else if !options.stream {
                    let text = message.text
                    output.out(clean(text) + (text.hasSuffix("\n") ? "" : "\n"))
                }
                return .ok
            } catch {
                log.warning("request failed", metadata: ["error": "\(error)", "attempts": "\(error.attempts)"])
                if error.kind == .authentication, error.partial == nil {
                    // A helper may have rotated the key: run it once more before giving up (as the SDK does).
                    if setup.key.source == .helper, !helperRetried, let helper = setup.keys.resolver.helper {
                        helperRetried = true
                        helper.invalidate()
                        if let fresh = setup.keys.resolver.resolve().key, fresh.credential != setup.key.credential {
                            output.err("palaver: the API rejected the key from api_key_helper; it printed a new key, trying that.\n")
                            setup.key = fresh
                            setup.clientConfiguration.credential = fresh.credential
                            client = AnthropicClient(configuration: setup.clientConfiguration, transport: transport, sleeper: sleeper)
                            keyDescription = setup.keyDescription
                            continue
                        }
                    }
                    setup.keys.memory.rememberRejected(setup.key.credential.secret)
                }
                // The remembered model was retired: list again and retry once with the newest.
                if error.kind == .notFound, explicitModel == nil, !lookedUpAgain, error.partial == nil {
                    lookedUpAgain = true
                    if let newer = try? await lookUpNewestModel(client: client, memory: memory, baseURL: baseURL), newer != model {
                        output.err("palaver: the model \(model) is no longer available; using \(newer).\n")
                        model = newer
                        request.model = newer
                        continue
                    }
                }
                recorder?.failed(error)
                return report(error, keyDescription: keyDescription, baseURL: baseURL, model: model, keySource: setup.key.source)
            }
        }
    }

    /// Continuing was asked for but the prompt could not be stored: nothing is sent.
    private func refuseToContinue(_ conversation: Conversation, because failure: SessionStoreError) -> PalaverExitCode {
        let cause = failure.code == .busy
            ? "another process kept the session store locked (\(failure))"
            : "the prompt could not be stored (\(failure))"
        output.err("palaver: nothing was sent: conversation \(conversation.id) cannot be continued because \(cause); try again when it is free, or ask without -c/--session/--retry.\n")
        return .storeUnavailable
    }

    /// The store and the conversation an `ask` works in.
    struct ConversationContext {
        var store: SessionStore?
        var continuing: Conversation?
        /// Complete exchanges before the prompt, sent as context.
        var history: [InputMessage] = []
        /// With `--retry`: the stored prompt to send again.
        var retrying: StoredMessage?
    }

    /// Opens the store and finds the conversation to continue and, with `--retry`, the prompt to resend.
    /// Failures are reported here; the result carries the exit status.
    private func openConversation() -> Result<ConversationContext, PalaverExitCode> {
        let needsStore = options.continueLatest || options.sessionID != nil || options.retry
        var context = ConversationContext()
        guard options.save || needsStore else { return .success(context) }
        let store: SessionStore
        do {
            store = try SessionStore(path: SessionStore.defaultPath(environment: environment))
        } catch {
            if needsStore {
                output.err("palaver: nothing was sent: the session store cannot be used to continue a conversation: \(error)\n")
                return .failure(.storeUnavailable)
            }
            output.err("palaver: the session store cannot be used (\(error)); this exchange will not be saved.\n")
            return .success(context)
        }
        context.store = store
        guard needsStore else { return .success(context) }
        do {
            if let text = options.sessionID {
                guard let id = ConversationID(text), let found = try store.conversation(id) else {
                    output.err("palaver: there is no conversation \"\(text)\"; `palaver sessions list` shows them.\n")
                    return .failure(.usage)
                }
                context.continuing = found
            } else {
                guard let latest = try store.latestConversation() else {
                    output.err("palaver: there is no conversation to continue yet; ask without --continue first.\n")
                    return .failure(.usage)
                }
                context.continuing = latest
            }
            let id = context.continuing!.id
            if options.retry {
                guard let retrying = try ConversationHistory.promptToRetry(store, conversation: id) else {
                    output.err("palaver: the last exchange of conversation \(id) is complete; there is nothing to send again.\n")
                    return .failure(.usage)
                }
                context.retrying = retrying
                context.history = try ConversationHistory.load(store, conversation: id, before: retrying.position)
            } else {
                context.history = try ConversationHistory.load(store, conversation: id)
            }
        } catch {
            output.err("palaver: nothing was sent: the session store cannot be read: \(error)\n")
            return .failure(.storeUnavailable)
        }
        return .success(context)
    }

    /// A conversation title from the first line of the prompt.
    static func title(for prompt: String) -> String { ChatState.title(for: prompt) }

    private func lookUpNewestModel(client: AnthropicClient, memory: ModelMemory, baseURL: String) async throws(APIError) -> String {
        guard let newest = try await client.newestModel() else {
            throw APIError(kind: .notFound, message: "the API lists no models; pass --model or set model in config.toml")
        }
        memory.remember(newest.id, for: baseURL)
        return newest.id
    }

    /// Sends and streams text deltas to `out` as they arrive (unless `--json`/`--no-stream`).
    private func send(_ request: MessageRequest, client: AnthropicClient, recorder: TurnRecorder?) async throws(APIError) -> Message {
        let printDeltas = options.stream && !options.json
        var endsWithNewline = true
        var printedAny = false
        var received = ""
        /// A stop keeps what arrived: the reply is stored as interrupted with this text.
        func stopped(_ error: APIError? = nil) -> APIError {
            var stop = APIError(kind: .cancelled, message: "interrupted by \(interruption.name ?? "a stop request") after \(received.count) characters of the reply",
                                requestID: error?.requestID)
            stop.partial = error?.partial ?? (received.isEmpty ? nil : Message(model: request.model, content: [.text(received)]))
            return stop
        }
        do {
            for try await event in client.send(request, stream: options.stream) {
                switch event {
                case .retrying(let notice):
                    output.err("palaver: \(notice.reason.kindSentenceForRetry); retrying in \(notice.delay.spoken) (attempt \(notice.attempt) of \(notice.maxAttempts)).\n")
                case .responseStarted(let requestID):
                    recorder?.replyStarted(model: request.model, requestID: requestID)
                case .event(.contentBlockDelta(_, .text(let text))):
                    recorder?.text(text)
                    received += text
                    guard printDeltas, !text.isEmpty else { continue }
                    output.out(clean(text))
                    endsWithNewline = text.hasSuffix("\n")
                    printedAny = true
                case .completed(let message):
                    if printDeltas && printedAny && !endsWithNewline { output.out("\n") }
                    return message
                default:
                    break
                }
            }
        } catch let error as APIError {
            if printDeltas && printedAny && !endsWithNewline { output.out("\n") }
            throw error.kind == .cancelled || Task.isCancelled ? stopped(error) : error
        } catch {
            if printDeltas && printedAny && !endsWithNewline { output.out("\n") }
            if Task.isCancelled { throw stopped() }
            throw APIError(kind: .network, message: String(describing: error))
        }
        // A cancelled stream ends without an error.
        if printDeltas && printedAny && !endsWithNewline { output.out("\n") }
        throw stopped()
    }

    private func clean(_ text: String) -> String {
        output.outIsTerminal ? UntrustedText.sanitize(text) : text
    }

    private func report(_ error: APIError, keyDescription: String, baseURL: String, model: String?, keySource: KeySource?) -> PalaverExitCode {
        if error.kind == .cancelled {
            var what = ""
            if let partial = error.partial {
                if options.json { output.out(partial.json.serialized() + "\n") }
                what = "; the \(partial.text.count) characters that arrived are printed\(options.save ? " and stored as an interrupted reply (palaver ask --retry asks again)" : "")"
            }
            output.err("palaver: interrupted by \(interruption.name ?? "a stop request")\(what).\n")
            return .interrupted
        }
        let report = ErrorReport(error: error, keyDescription: keyDescription, baseURL: baseURL, model: model, keySource: keySource)
        output.err("palaver: \(report.text)\n")
        return PalaverExitCode(for: error)
    }
}

extension APIError {
    var kindSentenceForRetry: String {
        var s = kindSentence
        var facts: [String] = []
        if let httpStatus { facts.append("HTTP \(httpStatus)") }
        if let errorType { facts.append(errorType) }
        if !facts.isEmpty { s += " (" + facts.joined(separator: " ") + ")" }
        return s
    }
}
