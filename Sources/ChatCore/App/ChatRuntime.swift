import AnthropicAPI
import Credentials
import Foundation
import Logging
import SessionStore
import Synchronization

/// Carries out ``ChatEffect``s off the UI loop and reports what happened as ``ChatAction``s
/// through `emit` (called from any thread).
///
/// Store work (and writing the credentials file) runs in order on one serial queue; requests
/// run as tasks, one per turn, and can be cancelled. The prompt is stored before it is sent and
/// the reply is checkpointed as it streams, exactly as `palaver ask` does, so a crash or kill
/// loses at most the last checkpoint. The little state shared between threads (the client
/// settings and the running turns) sits behind one `Mutex`.
public final class ChatRuntime: Sendable {
    /// What the loop thread and the tasks share.
    struct Shared: Sendable {
        var configuration: ClientConfiguration
        /// A key entered in this session and kept for it only (the key manager lists it).
        var sessionKey: String?
        /// The running request of each turn, with the generation that registered it (a turn
        /// sent again gets a new task; the old one must not remove it when it ends).
        var tasks: [Int: (generation: Int, task: Task<Void, Never>)] = [:]
        var generation = 0
    }

    public let store: SessionStore?
    public let paths: Paths
    let transport: any HTTPTransport
    let emit: @Sendable (ChatAction) -> Void
    let storeQueue = DispatchQueue(label: "palaver.store")
    let shared: Mutex<Shared>
    /// Entered when a turn's task starts, left when it ends: ``waitUntilIdle(timeout:)`` waits on it.
    private let turnsRunning = DispatchGroup()
    /// Where keys come from (nil in demo mode: no reloading, nothing saved).
    let keys: KeySetup?
    /// The time a key came into use is read here (tests pass a fixed clock).
    let now: @Sendable () -> Date
    let log = Logger(label: "palaver.chat")

    /// How many messages of a conversation are loaded at a time.
    public static let pageSize = 300

    public init(
        store: SessionStore?, paths: Paths, configuration: ClientConfiguration, keys: KeySetup? = nil,
        transport: any HTTPTransport = CurlTransport(), now: @escaping @Sendable () -> Date = { Date() },
        emit: @escaping @Sendable (ChatAction) -> Void
    ) {
        self.store = store
        self.keys = keys
        self.paths = paths
        self.shared = Mutex(Shared(configuration: configuration))
        self.transport = transport
        self.now = now
        self.emit = emit
    }

    /// The client settings requests use from now on (a new key, for one).
    public var clientConfiguration: ClientConfiguration {
        get { shared.withLock { $0.configuration } }
        set { shared.withLock { $0.configuration = newValue } }
    }

    public func perform(_ effects: [ChatEffect]) {
        effects.forEach(perform)
    }

    public func perform(_ effect: ChatEffect) {
        switch effect {
        case .loadConversations, .openConversation, .loadEarlier, .rename, .delete, .setModel, .setSystemPrompt,
            .saveDraft, .searchAll, .export, .selectVersion, .revealMessage:
            performStore(effect)
        case .send(let request):
            start(request)
        case .cancelTurn(let turn):
            shared.withLock { $0.tasks[turn]?.task }?.cancel()
        case .loadModels, .verifyKey, .verifyCandidate, .useKey, .reloadKey:
            performKey(effect)
        case .failover, .listKeySources, .verifyKeySource, .switchKey, .forgetKey, .saveSessionKey:
            performKeyManager(effect)
        case .suggestTitle(let request):
            suggestTitle(request)
        }
    }

    /// The effects that read or write the store (or a file), in order on the store queue.
    private func performStore(_ effect: ChatEffect) {
        switch effect {
        case .loadConversations:
            onStore { store in
                self.emit(
                    .conversationsLoaded(try store.conversations(limit: 500), total: try store.conversationCount()))
            }
        case .openConversation(let id, let save):
            if let save { self.save(save) }
            onStore { store in
                guard let conversation = try store.conversation(id) else {
                    self.emit(.storeFailed("That conversation no longer exists (deleted from another terminal?)."))
                    self.emit(
                        .conversationsLoaded(try store.conversations(limit: 500), total: try store.conversationCount()))
                    return
                }
                let messages = try store.lastMessages(in: id, limit: Self.pageSize)
                self.emit(
                    .conversationOpened(
                        conversation, messages: messages, earlier: Self.countBefore(messages),
                        draft: try store.draft(for: id)))
            }
        case .loadEarlier(let id, let position):
            onStore { store in
                let messages = try store.messages(in: id, before: position, limit: Self.pageSize)
                self.emit(.earlierLoaded(id, messages: messages, earlier: Self.countBefore(messages)))
            }
        case .rename(let id, let title):
            onStore { try $0.renameConversation(id, to: title) }
        case .delete(let id):
            onStore { try $0.deleteConversation(id) }
        case .setModel(let id, let model):
            onStore { try $0.setModel(model, for: id) }
        case .setSystemPrompt(let id, let prompt):
            onStore { try $0.setSystemPrompt(prompt, for: id) }
        case .revealMessage(let message):
            onStore { store in
                if try !store.isOnActivePath(message) { try store.setActive(message: message) }
            }
        case .selectVersion(let id, let message, let offset):
            onStore { store in
                try store.selectSibling(of: message, offset: offset)
                self.perform(.openConversation(id, saveDraftOf: nil))
            }
        case .saveDraft(let save):
            self.save(save)
        case .searchAll(let query):
            onStore { store in
                self.emit(.searchResults(query: query, hits: try store.search(query, limit: 100, highlight: ("", ""))))
            }
        case .export(let id, let format, let directory):
            export(id, format: format, directory: directory)
        default:
            break
        }
    }

    /// The effects about the key: model list, checks, a new key, a reload after a 401.
    private func performKey(_ effect: ChatEffect) {
        switch effect {
        case .loadModels:
            let client = AnthropicClient(configuration: clientConfiguration, transport: transport)
            Task.detached { [emit] in
                do throws(APIError) {
                    let page = try await client.listModels(limit: 100)
                    emit(.modelsLoaded(page.models.newestFirst))
                } catch {
                    emit(.modelsFailed(error))
                }
            }
        case .verifyKey:
            let configuration = clientConfiguration
            guard let credential = configuration.credential else { return }
            Task.detached { [self] in
                // Remembered by fingerprint, so `palaver key status` and the key manager know it too.
                emit(.keyChecked(await verify(credential, with: configuration)))
            }
        case .verifyCandidate(let secret):
            Redactor.shared.register(secret)
            let configuration = clientConfiguration
            Task.detached { [transport, emit, now, keys] in
                // A key the API rejected before is known by its fingerprint: it is not sent again.
                if let rejected = keys?.memory.rejectedAt(secret) {
                    emit(.candidateKnownRejected(at: rejected))
                    return
                }
                let credential = Self.credential(for: secret)
                emit(
                    .candidateChecked(
                        await KeyVerifier(configuration: configuration, transport: transport, now: now).verify(
                            credential)))
            }
        case .useKey(let secret, let save):
            use(secret, save: save)
        case .reloadKey:
            let configuration = clientConfiguration
            Task.detached { [self] in await self.reload(after: configuration) }
        default:
            break
        }
    }

    /// Uses a typed key from now on. Requests use it at once; saving it to the credentials file
    /// happens on the store queue (not on the loop's thread), then ``ChatAction/keyApplied`` says
    /// where it now comes from.
    private func use(_ secret: String, save: Bool) {
        Redactor.shared.register(secret) // typed into the chat: masked by value from now on
        let credential = Self.credential(for: secret)
        shared.withLock {
            $0.configuration.credential = credential
            $0.sessionKey = save ? nil : secret
        }
        let at = now()
        storeQueue.async { [keys, emit, log] in
            var source = KeySource.session
            if save, let keys {
                do {
                    try keys.file.write(secret)
                    source = .credentialsFile(keys.file.path)
                } catch {
                    emit(.keySaveFailed(Secrets.redact("\(error)")))
                }
            }
            keys?.memory.rememberVerified(secret, at: at) // checked in the dialog before it was kept
            log.info("key changed", metadata: ["key": "\(credential.masked)", "source": "\(source)"])
            emit(.keyApplied(masked: credential.masked, source: source, at: at, reloaded: false))
        }
    }

    /// Starts the request of a turn as a task, registered under the lock so it cannot remove
    /// itself before it is added. The task counts in `turnsRunning` from before it starts until
    /// it has emitted its last action.
    private func start(_ request: TurnRequest) {
        shared.withLock { shared in
            shared.generation += 1
            let generation = shared.generation
            turnsRunning.enter()
            let task = Task.detached { [self] in
                await self.run(request)
                self.shared.withLock { shared in
                    if shared.tasks[request.turn]?.generation == generation { shared.tasks[request.turn] = nil }
                }
                self.turnsRunning.leave()
            }
            shared.tasks[request.turn] = (generation, task)
        }
    }

    private func export(_ id: ConversationID, format: ExportFormat, directory: String) {
        guard let store else {
            emit(.exportFailed("the conversation store is not available"))
            return
        }
        storeQueue.async { [emit] in
            do {
                let text = try store.export(id, format: format)
                let path = try Self.writeExport(
                    text, conversation: try store.conversation(id), id: id, format: format, directory: directory)
                emit(.exported(path: path))
            } catch {
                emit(.exportFailed("\(error)"))
            }
        }
    }

    /// Writes an export to a new file named after the conversation; returns its path.
    static func writeExport(
        _ text: String, conversation: Conversation?, id: ConversationID, format: ExportFormat,
        directory: String
    ) throws -> String {
        let words = (conversation?.title ?? "").lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            .split(separator: "-", omittingEmptySubsequences: true).map { String($0) }
        let slug = String(words.joined(separator: "-").prefix(40))
        let ext = format == .json ? "json" : "md"
        let base = "palaver-\(id)" + (slug.isEmpty ? "" : "-\(slug)")
        var path = "\(directory)/\(base).\(ext)"
        var n = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(directory)/\(base)-\(n).\(ext)"
            n += 1
        }
        try PrivateFile.write(Array(text.utf8), to: path) // 0600, whole or not at all
        return path
    }

    /// A credential for a typed key (an OAuth token goes as Bearer).
    static func credential(for secret: String) -> Credential {
        Credential(secret: secret, scheme: KeyDiagnosis.inspect(secret, source: .session).scheme)
    }

    /// How many messages come before `page` (positions count from 1).
    static func countBefore(_ page: [StoredMessage]) -> Int {
        max(0, (page.first?.position ?? 1) - 1)
    }

    /// Waits until every store write asked for so far is done (before quitting).
    public func flush() {
        storeQueue.sync {}
    }

    /// Cancels every request in flight.
    public func cancelAll() {
        shared.withLock { $0.tasks.values.forEach { $0.task.cancel() } }
    }

    /// Requests still running.
    public var activeTurns: Int { shared.withLock { $0.tasks.count } }

    /// Blocks until every turn's task has ended (true) or `timeout` has passed (false), without
    /// polling. Used at quit after ``cancelAll()``, so the text received so far is stored.
    public func waitUntilIdle(timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = min(max(0, seconds), 1 << 32) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        return turnsRunning.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success
    }

    // MARK: Drafts

    /// Where the draft of the new, not yet stored conversation is kept.
    public var newConversationDraftPath: String { paths.stateDirectory + "/new-conversation-draft.txt" }

    /// The saved draft of the new conversation (read at start).
    public func newConversationDraft() -> String? {
        guard let data = FileManager.default.contents(atPath: newConversationDraftPath) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.isEmpty ? nil : text
    }

    private func save(_ draft: DraftSave) {
        guard let id = draft.conversation else {
            let path = newConversationDraftPath
            storeQueue.async { [emit] in
                do {
                    if draft.text.isEmpty {
                        try? FileManager.default.removeItem(atPath: path)
                    } else {
                        try Paths.ensureDirectory((path as NSString).deletingLastPathComponent)
                        try PrivateFile.write(Array(draft.text.utf8), to: path)
                    }
                } catch {
                    emit(.storeFailed("The draft could not be saved to \(path): \(error.localizedDescription)"))
                }
            }
            return
        }
        onStore { try $0.saveDraft(draft.text, for: id) }
    }

    private func onStore(_ body: @escaping @Sendable (SessionStore) throws -> Void) {
        guard let store else { return }
        storeQueue.async { [emit] in
            do {
                try body(store)
            } catch {
                emit(.storeFailed("The conversation store failed (\(error)); the chat goes on but is not saved."))
            }
        }
    }

    // MARK: Requests

    private func run(_ request: TurnRequest) async {
        let turn = request.turn
        var history = request.history
        var recorder: TurnRecorder?
        if let store {
            do {
                let conversation: Conversation
                if let id = request.conversation, let existing = try store.conversation(id) {
                    conversation = existing
                } else {
                    conversation = try store.createConversation(
                        title: request.newTitle, model: request.model,
                        systemPrompt: request.systemPrompt)
                    emit(.conversationCreated(conversation))
                }
                let rec = TurnRecorder(
                    store: store, conversation: conversation,
                    warn: { [emit] in emit(.storeFailed("Could not save this exchange: \($0)")) })
                if let stored = request.resendStored, let message = try store.message(stored) {
                    history = try ConversationHistory.load(
                        store, conversation: conversation.id, before: message.position)
                    rec.reuse(prompt: stored, regenerate: request.regenerate)
                    try store.setStatus(of: stored, to: .pending)
                } else if let edited = request.editOf, let message = try store.message(edited) {
                    // A new version of an earlier prompt: beside it in the tree, with its history.
                    history = try ConversationHistory.load(
                        store, conversation: conversation.id, before: message.position)
                    rec.recordPrompt(request.prompt, under: .siblingOf(edited))
                } else {
                    history = try ConversationHistory.load(store, conversation: conversation.id)
                    rec.recordPrompt(request.prompt)
                }
                if let stored = rec.userMessage { emit(.promptStored(turn: turn, stored)) }
                recorder = rec
            } catch {
                emit(.storeFailed("The conversation store failed (\(error)); this exchange is not saved."))
            }
        }
        let message = MessageRequest(
            model: request.model, maxTokens: request.maxTokens,
            messages: history + [InputMessage(role: "user", content: [.text(request.prompt)])],
            system: request.systemPrompt)
        let client = AnthropicClient(configuration: clientConfiguration, transport: transport)
        log.info("sending message", metadata: ["model": "\(request.model)", "turn": "\(turn)"])
        var received = ""
        do {
            for try await event in client.send(message) {
                switch event {
                case .retrying(let notice):
                    emit(.turn(turn, .retrying(notice)))
                case .responseStarted(let requestID):
                    recorder?.replyStarted(model: request.model, requestID: requestID)
                    emit(.turn(turn, .started(requestID: requestID)))
                    if let reply = recorder?.replyMessage { emit(.replyStored(turn: turn, reply)) }
                case .event(.contentBlockDelta(_, .text(let text))):
                    received += text
                    recorder?.text(text)
                    emit(.turn(turn, .text(text)))
                case .event(.messageDelta(_, _, let usage)):
                    emit(.turn(turn, .usage(usage)))
                case .rateLimits(let limits):
                    emit(.turn(turn, .rateLimits(limits)))
                case .event:
                    break
                case .completed(let reply):
                    recorder?.completed(reply)
                    emit(.turn(turn, .completed(reply)))
                    return
                }
            }
            // A cancelled stream ends without an error.
            var failure = APIError(kind: .cancelled, message: "stopped before the reply was complete")
            if !received.isEmpty { failure.partial = Message(model: request.model, content: [.text(received)]) }
            throw failure
        } catch {
            let failure = (error as? APIError) ?? APIError(kind: .cancelled, message: "stopped")
            log.info("message failed", metadata: ["turn": "\(turn)", "error": "\(failure.kindSentence)"])
            recorder?.failed(failure)
            emit(.turn(turn, .failed(failure)))
        }
    }
}
