import AnthropicAPI
import ChatCore
import Credentials
import Foundation
import Logging
import Safety
import SessionStore
import Synchronization

/// What `palaver ask` was asked to do (the connection, retries and timeouts are the context's
/// ``ClientSetup/Overrides``).
public struct AskOptions: Sendable {
    public var prompt: String
    public var model: String?
    public var system: String?
    public var maxTokens: Int?
    public var stream = true
    public var json = false
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
            signo.map { n in
                [SIGINT: "SIGINT (Ctrl-C)", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP", SIGQUIT: "SIGQUIT"][n]
                    ?? "signal \(n)"
            }
        }
    }

    public var context: CommandContext
    public var options: AskOptions
    /// Set by the signal handler that cancels the run.
    public var interruption = Interruption()

    public init(context: CommandContext, options: AskOptions) {
        self.context = context
        self.options = options
    }

    private var output: any CommandOutput { context.output }

    /// Runs to completion and returns the exit status; every failure has been reported on `err`.
    public func run() async -> PalaverExitCode {
        guard options.retry || !options.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            context.say("the prompt is empty. Give it as arguments (palaver ask \"question\") or on standard input.")
            return .usage
        }
        let setup: ClientSetup
        switch context.clientSetup() {
        case .success(let s): setup = s
        case .failure(let status): return status
        }
        // The session store: required to continue a conversation, best effort otherwise.
        let conversation: AskConversation
        switch openConversation() {
        case .success(let c): conversation = c
        case .failure(let status): return status
        }
        defer { try? conversation.store?.close() }
        var prompt = options.prompt
        if let retrying = conversation.retrying {
            prompt = retrying.text
            context.say("sending again: \(Self.title(for: prompt))")
        }

        // Model: --model › the continued conversation's › config › remembered › newest listed.
        let memory = ModelMemory(path: context.paths.modelCacheFile)
        let explicitModel = options.model ?? conversation.continuing?.model ?? setup.config.model
        let model: String
        switch await chooseModel(explicit: explicitModel, setup: setup, memory: memory) {
        case .success(let m): model = m
        case .failure(let status): return status
        }

        let system = options.system ?? conversation.continuing?.systemPrompt
        let request = MessageRequest(
            model: model, maxTokens: options.maxTokens ?? setup.config.maxTokens ?? Self.defaultMaxTokens,
            messages: conversation.history + [
                InputMessage(role: "user", content: conversation.retrying?.blocks ?? [.text(prompt)])
            ],
            system: system)
        let recorder: TurnRecorder?
        switch startRecording(prompt, in: conversation, model: model, system: system) {
        case .success(let r): recorder = r
        case .failure(let status): return status
        }
        return await exchange(request, setup: setup, recorder: recorder, memory: memory, explicitModel: explicitModel)
    }

    /// The explicit model, else the one remembered for the base URL, else the newest listed.
    private func chooseModel(explicit: String?, setup: ClientSetup, memory: ModelMemory) async -> Result<
        String, PalaverExitCode
    > {
        if let explicit { return .success(explicit) }
        if let remembered = memory.model(for: setup.baseURL) { return .success(remembered) }
        do {
            return .success(
                try await lookUpNewestModel(
                    client: context.client(setup.clientConfiguration), memory: memory,
                    baseURL: setup.baseURL))
        } catch {
            if error.kind == .authentication { setup.keys.memory.rememberRejected(setup.key.credential.secret) }
            return .failure(
                report(
                    error, keyDescription: setup.keyDescription, baseURL: setup.baseURL, model: nil,
                    keySource: setup.key.source))
        }
    }

    /// The recorder of this exchange when it is stored (`nil` with `--no-save`, or when the
    /// store cannot take it); continuing a conversation whose prompt cannot be stored fails.
    private func startRecording(
        _ prompt: String, in conversation: AskConversation, model: String,
        system: String?
    ) -> Result<TurnRecorder?, PalaverExitCode> {
        let continuing = conversation.continuing
        guard let store = conversation.store, options.save || continuing != nil else { return .success(nil) }
        // Continuing needs the prompt stored (its reply must be linked to it, and a later -c
        // must see it): a store that cannot be written stops the ask before anything is sent.
        let warn: @Sendable (String) -> Void = { [context] in context.say($0) }
        do {
            let target =
                try continuing
                ?? store.createConversation(title: Self.title(for: prompt), model: model, systemPrompt: system)
            let recorder = TurnRecorder(
                store: store, conversation: target, warnsBeforePrompt: continuing == nil, warn: warn)
            if let retrying = conversation.retrying {
                recorder.reuse(prompt: retrying.id)
            } else {
                recorder.recordPrompt(prompt)
            }
            if let failure = recorder.failure, let continuing {
                return .failure(refuseToContinue(continuing, because: failure))
            }
            return .success(recorder)
        } catch {
            context.say("this exchange was not saved: \(error)")
            return .success(nil)
        }
    }

    /// Sends until a reply completes or fails for good: once more with a new key from
    /// api_key_helper after a 401, once more with the newest model after a 404 for a remembered one.
    private func exchange(
        _ request: MessageRequest, setup: ClientSetup, recorder: TurnRecorder?, memory: ModelMemory,
        explicitModel: String?
    ) async -> PalaverExitCode {
        var request = request
        var setup = setup
        var client = context.client(setup.clientConfiguration)
        var lookedUpAgain = false
        var helperRetried = false
        var triedFallbacks: Set<String> = []
        let log = Logger(label: "palaver.ask")
        while true {
            log.info(
                "sending message",
                metadata: [
                    "model": "\(request.model)", "base_url": "\(setup.baseURL)",
                    "key": "\(setup.keyDescription)", "stream": "\(options.stream)",
                ])
            do {
                let message = try await send(request, client: client, recorder: recorder)
                return finish(message, setup: setup, recorder: recorder, log: log)
            } catch {
                log.warning("request failed", metadata: ["error": "\(error)", "attempts": "\(error.attempts)"])
                if error.kind == .authentication, error.partial == nil {
                    // A helper may have rotated the key: run it once more before giving up (as the SDK does).
                    if setup.key.source == .helper, !helperRetried, setup.keys.resolver.helper != nil {
                        helperRetried = true
                        if takeFreshHelperKey(&setup) {
                            client = context.client(setup.clientConfiguration)
                            continue
                        }
                    }
                    setup.keys.memory.rememberRejected(setup.key.credential.secret)
                }
                // A profile's fallback takes over when its key is rejected or out of credit.
                if [.authentication, .billing, .noCredit].contains(error.kind), error.partial == nil,
                    takeFallbackKey(&setup, after: error, tried: &triedFallbacks)
                {
                    client = context.client(setup.clientConfiguration)
                    continue
                }
                // The remembered model was retired: list again and retry once with the newest.
                if error.kind == .notFound, explicitModel == nil, !lookedUpAgain, error.partial == nil {
                    lookedUpAgain = true
                    if let newer = try? await lookUpNewestModel(client: client, memory: memory, baseURL: setup.baseURL),
                        newer != request.model
                    {
                        context.say("the model \(request.model) is no longer available; using \(newer).")
                        request.model = newer
                        continue
                    }
                }
                recorder?.failed(error)
                return report(
                    error, keyDescription: setup.keyDescription, baseURL: setup.baseURL, model: request.model,
                    keySource: setup.key.source)
            }
        }
    }

    /// Switches `setup` to the next fallback of the key's profile not tried yet (saying so on
    /// stderr); false when there is none.
    private func takeFallbackKey(_ setup: inout ClientSetup, after error: APIError, tried: inout Set<String>) -> Bool {
        tried.insert(setup.key.credential.secret)
        guard
            let next = setup.keys.resolver.resolve().fallbacks.first(where: {
                !tried.contains($0.credential.secret)
            })
        else { return false }
        let what = error.kind == .authentication ? "was rejected (401)" : "is out of credit"
        context.say(
            "\(setup.key.source.keyPhraseCapitalized) \(what); trying its fallback, \(next.credential.masked) \(next.source.origin)."
        )
        setup.key = next
        setup.clientConfiguration.credential = next.credential
        return true
    }

    /// Runs api_key_helper again; true (with `setup` switched to it) when it printed a new key.
    private func takeFreshHelperKey(_ setup: inout ClientSetup) -> Bool {
        guard let helper = setup.keys.resolver.helper else { return false }
        helper.invalidate()
        guard let fresh = setup.keys.resolver.resolve().key, fresh.credential != setup.key.credential else {
            return false
        }
        context.say("the API rejected the key from api_key_helper; it printed a new key, trying that.")
        setup.key = fresh
        setup.clientConfiguration.credential = fresh.credential
        return true
    }

    /// A complete reply: stored, logged, the key's rejection forgotten, printed unless streamed.
    private func finish(_ message: Message, setup: ClientSetup, recorder: TurnRecorder?, log: Logger) -> PalaverExitCode
    {
        recorder?.completed(message)
        log.info(
            "reply complete",
            metadata: [
                "message_id": "\(message.id)", "stop_reason": "\(message.stopReason ?? "none")",
                "output_tokens": "\(message.usage.outputTokens ?? 0)",
            ])
        setup.keys.memory.forget(setup.key.credential.secret)
        if options.json {
            output.out(message.json.serialized() + "\n")
        } else if !options.stream {
            let text = message.text
            output.out(clean(text) + (text.hasSuffix("\n") ? "" : "\n"))
        }
        return .ok
    }

    /// Continuing was asked for but the prompt could not be stored: nothing is sent.
    private func refuseToContinue(_ conversation: Conversation, because failure: SessionStoreError) -> PalaverExitCode {
        let cause =
            failure.code == .busy
            ? "another process kept the session store locked (\(failure))"
            : "the prompt could not be stored (\(failure))"
        output.err(
            "palaver: nothing was sent: conversation \(conversation.id) cannot be continued because \(cause); try again when it is free, or ask without -c/--session/--retry.\n"
        )
        return .storeUnavailable
    }

    /// The store and the conversation an `ask` works in.
    struct AskConversation {
        var store: SessionStore?
        var continuing: Conversation?
        /// Complete exchanges before the prompt, sent as context.
        var history: [InputMessage] = []
        /// With `--retry`: the stored prompt to send again.
        var retrying: StoredMessage?
    }

    /// Opens the store and finds the conversation to continue and, with `--retry`, the prompt to resend.
    /// Failures are reported here; the result carries the exit status.
    private func openConversation() -> Result<AskConversation, PalaverExitCode> {
        let needsStore = options.continueLatest || options.sessionID != nil || options.retry
        var conversation = AskConversation()
        guard options.save || needsStore else { return .success(conversation) }
        let store: SessionStore
        do {
            store = try SessionStore(path: SessionStore.defaultPath(environment: context.environment))
        } catch {
            if needsStore {
                output.err(
                    "palaver: nothing was sent: the session store cannot be used to continue a conversation: \(error)\n"
                )
                return .failure(.storeUnavailable)
            }
            output.err("palaver: the session store cannot be used (\(error)); this exchange will not be saved.\n")
            return .success(conversation)
        }
        conversation.store = store
        guard needsStore else { return .success(conversation) }
        do {
            if let text = options.sessionID {
                guard let id = ConversationID(text), let found = try store.conversation(id) else {
                    output.err("palaver: there is no conversation \"\(text)\"; `palaver sessions list` shows them.\n")
                    return .failure(.usage)
                }
                conversation.continuing = found
            } else {
                guard let latest = try store.latestConversation() else {
                    output.err("palaver: there is no conversation to continue yet; ask without --continue first.\n")
                    return .failure(.usage)
                }
                conversation.continuing = latest
            }
            let id = conversation.continuing!.id
            if options.retry {
                guard let retrying = try ConversationHistory.promptToRetry(store, conversation: id) else {
                    output.err(
                        "palaver: the last exchange of conversation \(id) is complete; there is nothing to send again.\n"
                    )
                    return .failure(.usage)
                }
                conversation.retrying = retrying
                conversation.history = try ConversationHistory.load(store, conversation: id, before: retrying.position)
            } else {
                conversation.history = try ConversationHistory.load(store, conversation: id)
            }
        } catch {
            output.err("palaver: nothing was sent: the session store cannot be read: \(error)\n")
            return .failure(.storeUnavailable)
        }
        return .success(conversation)
    }

    /// A conversation title from the first line of the prompt.
    static func title(for prompt: String) -> String { ChatState.title(for: prompt) }

    private func lookUpNewestModel(client: AnthropicClient, memory: ModelMemory, baseURL: String) async throws(APIError)
        -> String
    {
        guard let newest = try await client.newestModel() else {
            throw APIError(
                kind: .notFound, message: "the API lists no models; pass --model or set model in config.toml")
        }
        memory.remember(newest.id, for: baseURL)
        return newest.id
    }

    /// Sends and streams text deltas to `out` as they arrive (unless `--json`/`--no-stream`).
    private func send(_ request: MessageRequest, client: AnthropicClient, recorder: TurnRecorder?)
        async throws(APIError) -> Message
    {
        let printDeltas = options.stream && !options.json
        var endsWithNewline = true
        var printedAny = false
        var received = ""
        /// A stop keeps what arrived: the reply is stored as interrupted with this text.
        func stopped(_ error: APIError? = nil) -> APIError {
            var stop = APIError(
                kind: .cancelled,
                message:
                    "interrupted by \(interruption.name ?? "a stop request") after \(received.count) characters of the reply",
                requestID: error?.requestID)
            stop.partial =
                error?.partial ?? (received.isEmpty ? nil : Message(model: request.model, content: [.text(received)]))
            return stop
        }
        do {
            for try await event in client.send(request, stream: options.stream) {
                switch event {
                case .retrying(let notice):
                    output.err(
                        "palaver: \(notice.reason.kindSentenceForRetry); retrying in \(notice.delay.spoken) (attempt \(notice.attempt) of \(notice.maxAttempts)).\n"
                    )
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

    private func report(
        _ error: APIError, keyDescription: String, baseURL: String, model: String?, keySource: KeySource?
    ) -> PalaverExitCode {
        if error.kind == .cancelled {
            var what = ""
            if let partial = error.partial {
                if options.json { output.out(partial.json.serialized() + "\n") }
                what =
                    "; the \(partial.text.count) characters that arrived are printed\(options.save ? " and stored as an interrupted reply (palaver ask --retry asks again)" : "")"
            }
            output.err("palaver: interrupted by \(interruption.name ?? "a stop request")\(what).\n")
            return .interrupted
        }
        let report = ErrorReport(
            error: error, keyDescription: keyDescription, baseURL: baseURL, model: model, keySource: keySource)
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
