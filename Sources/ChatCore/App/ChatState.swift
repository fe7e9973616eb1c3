import AnthropicAPI
import Credentials
import Foundation
import SessionStore

/// The chat application's state, apart from anything about the terminal. It changes only in
/// ``update(_:)``, which returns the I/O to do as ``ChatEffect``s.
public struct ChatState: Sendable {
    /// Fixed for a run.
    public struct Settings: Sendable {
        public var baseURL: String
        /// The model when nothing else chose one (config, remembered, or a fallback).
        public var fallbackModel: String
        /// Whether the user chose `fallbackModel` (config or `--model`); then the newest listed model does not replace it.
        public var modelIsExplicit: Bool
        public var maxTokens: Int
        /// Demo mode: talking to a local fake-anthropic.
        public var demo: Bool
        /// Seconds between key checks while idle (`key_check_interval`).
        public var keyCheckInterval: TimeInterval
        /// Whether copying to the clipboard (OSC 52) is on (`clipboard`).
        public var clipboard: Bool

        public init(baseURL: String, fallbackModel: String, modelIsExplicit: Bool = false, maxTokens: Int = 4096, demo: Bool = false,
                    keyCheckInterval: TimeInterval = 600, clipboard: Bool = true) {
            self.baseURL = baseURL
            self.fallbackModel = fallbackModel
            self.modelIsExplicit = modelIsExplicit
            self.maxTokens = maxTokens
            self.demo = demo
            self.keyCheckInterval = keyCheckInterval
            self.clipboard = clipboard
        }
    }

    /// A short message for the status bar.
    public struct Notice: Sendable, Equatable {
        public var text: String
        public var isError: Bool
        public var until: Date
    }

    /// The request in flight.
    public struct ActiveTurn: Sendable {
        /// Also the local id of the prompt entry.
        public var id: Int
        public var replyEntry: Int?
        public var startedAt: Date
        public var firstTextAt: Date?
        public var characters = 0
        public var outputTokens: Int?
        /// The retry being waited for, and when it will be made.
        public var retry: (notice: RetryNotice, at: Date)?
        public var cancelling = false
    }

    public var settings: Settings
    public var key: KeyStatus
    public var now: Date

    /// The sidebar: most recently active first.
    public var conversations: [Conversation] = []
    public var conversationTotal = 0
    /// The open conversation; nil for a new one not stored yet.
    public var conversation: Conversation?
    /// The system prompt chosen for the new conversation before it exists.
    public var newSystemPrompt: String?
    public var transcript: [TranscriptEntry] = []
    /// Messages of the open conversation before the first one loaded.
    public var earlierCount = 0
    public var turn: ActiveTurn?
    public var models: [ModelInfo] = []
    /// Why the model list could not be loaded (the configured model is used).
    public var modelListProblem: String?
    /// The model chosen for new conversations.
    public var newConversationModel: String?
    public var lastUsage: Usage?
    public var notice: Notice?
    /// Set once the store failed: the chat goes on, unsaved.
    public var storeProblem: String?
    /// The key dialog, when open.
    public var keyPrompt: KeyPrompt?
    /// A prompt waiting for a valid key (sent again once one is in use).
    public var awaitingKeyTurn: Int?
    /// A prompt waiting for the network (sent again once a key check gets through).
    public var awaitingNetworkTurn: Int?
    /// When the health monitor checks the key next (nil while a check runs or without a key).
    public var nextKeyCheck: Date?
    /// Seconds until the next check while offline (doubles up to the interval).
    var offlineBackoff: TimeInterval = 15
    /// A reload of the key sources is under way.
    public var reloadingKey = false
    /// The composer's text is sent as soon as a key is in use (the user sent it without a usable key).
    public private(set) var draftWaitsForKey = false
    /// The API rejected the key in use (401) and no other key was found: why, until a key is
    /// replaced or a check passes. Kept apart from the health word, which reads "checking"
    /// while the monitor looks again.
    public private(set) var keyRejection: (message: String, requestID: String?)?

    /// Sending with the key in use is pointless: there is none, it is malformed, or it was rejected.
    public var needsKey: Bool { !key.health.canSend || key.isRejected || keyRejection != nil }

    /// The composer's text; the UI keeps it in sync. ``draftRevision`` changes when the update
    /// function replaces it (a conversation opened, a prompt put back), so the UI reloads it.
    public var draft = ""
    public private(set) var draftRevision = 0

    private var nextLocalID = 1

    public init(settings: Settings, key: KeyStatus, now: Date) {
        self.settings = settings
        self.key = key
        self.now = now
    }

    // MARK: Derived

    /// The model the next prompt goes to.
    public var model: String { conversation?.model ?? newConversationModel ?? settings.fallbackModel }
    public var systemPrompt: String? { conversation != nil ? conversation?.systemPrompt : newSystemPrompt }
    public var title: String { conversation.map { $0.title.isEmpty ? "untitled" : $0.title } ?? "new conversation" }
    public var isStreaming: Bool { turn != nil }

    /// Output tokens a second of the reply streaming now (estimated at four characters a token
    /// until the server reports usage).
    public var tokensPerSecond: Double? {
        guard let turn, let first = turn.firstTextAt else { return nil }
        let elapsed = now.timeIntervalSince(first)
        guard elapsed >= 0.5 else { return nil }
        let tokens = Double(turn.outputTokens ?? turn.characters / 4)
        return tokens / elapsed
    }

    // MARK: Start

    /// The effects of starting up: list conversations and models, check the key, open `resume`.
    public mutating func start(resume: ConversationID?) -> [ChatEffect] {
        var effects: [ChatEffect] = [.loadConversations]
        if let resume { effects.append(.openConversation(resume, saveDraftOf: nil)) }
        if key.health.canSend {
            effects.append(.loadModels)
            key.machine.handle(.checkStarted)
            effects.append(.verifyKey)
        } else {
            // Shown before the first key is read, so it takes no keystroke meant for the composer.
            keyPrompt = KeyPrompt(reason: .firstRun, rejectedMasked: key.masked, rejectedSource: key.source)
        }
        return effects
    }

    // MARK: Update

    public mutating func update(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .send(let text): return send(text)
        case .cancel:
            guard var turn, !turn.cancelling else { return [] }
            turn.cancelling = true
            self.turn = turn
            return [.cancelTurn(turn.id)]
        case .retryLast: return retryLast()
        case .newConversation:
            guard conversation != nil || !transcript.isEmpty else { return [] }
            guard turn == nil else { return refuseWhileStreaming() }
            let save = DraftSave(conversation: conversation?.id, text: draft)
            conversation = nil
            newSystemPrompt = nil
            transcript = []
            earlierCount = 0
            lastUsage = nil
            replaceDraft("")
            return [.saveDraft(save)]
        case .open(let id):
            guard id != conversation?.id else { return [] }
            guard turn == nil else { return refuseWhileStreaming() }
            return [.openConversation(id, saveDraftOf: DraftSave(conversation: conversation?.id, text: draft))]
        case .rename(let id, let title):
            let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty else { return [] }
            if conversation?.id == id { conversation?.title = title }
            if let i = conversations.firstIndex(where: { $0.id == id }) { conversations[i].title = title }
            return [.rename(id, title)]
        case .delete(let id):
            guard !(turn != nil && conversation?.id == id) else { return refuseWhileStreaming() }
            conversations.removeAll { $0.id == id }
            conversationTotal = max(0, conversationTotal - 1)
            if conversation?.id == id {
                conversation = nil
                transcript = []
                earlierCount = 0
                replaceDraft("")
            }
            return [.delete(id)]
        case .setModel(let model):
            if let id = conversation?.id {
                conversation?.model = model
                if let i = conversations.firstIndex(where: { $0.id == id }) { conversations[i].model = model }
                newConversationModel = model
                return [.setModel(id, model)]
            }
            newConversationModel = model
            return []
        case .setSystemPrompt(let prompt):
            let prompt = prompt.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            guard let id = conversation?.id else { newSystemPrompt = prompt; return [] }
            conversation?.systemPrompt = prompt
            return [.setSystemPrompt(id, prompt)]
        case .submitKey(let text):
            return submitKey(text)
        case .keepKey(let save):
            guard let prompt = keyPrompt, prompt.phase == .verified, let candidate = prompt.candidate else { return [] }
            keyPrompt = nil
            return [.useKey(candidate, save: save)]
        case .openKeyPrompt:
            guard keyPrompt == nil else { return [] }
            openKeyPrompt(draftWaits: false)
            return []
        case .closeKeyPrompt:
            guard keyPrompt != nil else { return [] }
            keyPrompt = nil
            draftWaitsForKey = false
            if let waiting = awaitingKeyTurn, let i = index(of: waiting) {
                transcript[i].state = .pending(Self.waitingForKey + ", Ctrl+R sends it again")
            }
            return []
        case .loadEarlier:
            guard let id = conversation?.id, earlierCount > 0,
                  let first = transcript.first(where: { $0.position != nil })?.position else { return [] }
            return [.loadEarlier(id, before: first)]

        case .conversationsLoaded(let list, let total):
            conversations = list
            conversationTotal = total
            return []
        case .conversationOpened(let opened, let messages, let earlier, let savedDraft):
            conversation = opened
            transcript = messages.map { TranscriptEntry(stored: $0, id: takeID()) }
            earlierCount = earlier
            lastUsage = transcript.last(where: { $0.role == .assistant })?.usage
            replaceDraft(savedDraft ?? "")
            return []
        case .earlierLoaded(let id, let messages, let earlier):
            guard id == conversation?.id else { return [] }
            transcript.insert(contentsOf: messages.map { TranscriptEntry(stored: $0, id: takeID()) }, at: 0)
            earlierCount = earlier
            return []
        case .conversationCreated(let created):
            if conversation == nil { conversation = created }
            let known = conversations.contains { $0.id == created.id }
            conversations.removeAll { $0.id == created.id }
            conversations.insert(created, at: 0)
            if !known { conversationTotal += 1 }
            return []
        case .promptStored(let turnID, let messageID):
            if let i = index(of: turnID) { transcript[i].storedID = messageID }
            return []
        case .turn(let turnID, let event):
            return handle(event, turn: turnID)
        case .modelsLoaded(let list):
            models = list
            modelListProblem = nil
            if !settings.modelIsExplicit, newConversationModel == nil, let newest = list.first {
                newConversationModel = newest.id
            }
            return []
        case .modelsFailed(let error):
            modelListProblem = error.description
            key.machine.handle(.failed(error, at: now))
            return error.kind == .authentication ? keyRejected() : []
        case .keyChecked(let outcome):
            key.machine.handle(outcome.event)
            return checked(outcome)
        case .candidateChecked(let outcome):
            guard var prompt = keyPrompt, prompt.phase == .verifying else { return [] }
            if let error = outcome.error {
                prompt.candidate = nil
                if error.kind == .authentication {
                    let id = error.requestID.map { " (request \($0))" } ?? ""
                    prompt.phase = .failed("The API rejected this key too: \(error.message.isEmpty ? "invalid key" : error.message)\(id). Check that you copied the whole key from the Console.")
                } else {
                    prompt.phase = .failed(ErrorReport(error: error, keyDescription: nil, baseURL: settings.baseURL).text)
                }
            } else {
                prompt.phase = .verified
            }
            keyPrompt = prompt
            return []
        case .keyApplied(let masked, let source, let at, let reloaded):
            reloadingKey = false
            keyRejection = nil
            key = KeyStatus(health: .valid(verifiedAt: at), masked: masked, source: source)
            nextKeyCheck = at.addingTimeInterval(settings.keyCheckInterval)
            if reloaded { show("Using \(masked) from \(source): it changed while palaver was running.", error: false, seconds: 10) }
            // A key found by the reload makes the dialog moot, unless the user is choosing where a verified one goes.
            if let prompt = keyPrompt, prompt.phase != .verified { keyPrompt = nil }
            var effects: [ChatEffect] = models.isEmpty ? [.loadModels] : []
            let draftWaits = draftWaitsForKey
            draftWaitsForKey = false
            if let waiting = awaitingKeyTurn {
                awaitingKeyTurn = nil
                effects += resend(waiting)
                if draftWaits { show("The waiting message was sent again; yours is still in the composer: Enter sends it.", error: false, seconds: 10) }
            } else if draftWaits {
                effects += send(draft)
            }
            return effects
        case .keyReloadFailed:
            // No other key was found. The dialog is not opened here: this result arrives while
            // the user may be typing, and a dialog takes the keyboard. The status bar says what
            // is wrong and which key opens the dialog; sending opens it too.
            reloadingKey = false
            if case .rejected(let message, let requestID) = key.health {
                keyRejection = (message, requestID)
            } else if keyRejection == nil {
                keyRejection = ("invalid x-api-key", nil)
            }
            guard keyPrompt == nil else { return [] }
            if let waiting = awaitingKeyTurn, let i = index(of: waiting) {
                transcript[i].state = .pending(Self.waitingForKey)
            }
            show("The API rejected the key\(key.masked.map { " \($0)" } ?? ""): \(Self.keyDialogKeys) enters a new one"
                 + (awaitingKeyTurn != nil ? "; your message waits." : "."), error: true, seconds: 15)
            return []
        case .searchResults:
            return [] // the UI shows them
        case .exported(let path):
            show("Exported to \(path)", error: false, seconds: 15)
            return []
        case .exportFailed(let text):
            show("Export failed: \(text)", error: true, seconds: 15)
            return []
        case .keySaveFailed(let text):
            show("The key could not be saved (\(text)); it is used for this session only.", error: true, seconds: 15)
            return []
        case .storeFailed(let text):
            if storeProblem == nil { show(text, error: true, seconds: 10) }
            storeProblem = text
            return []
        case .tick(let date):
            now = date
            key.machine.handle(.tick(date))
            if let notice, notice.until <= date { self.notice = nil }
            // The health monitor: check the key when idle, so a revoked key shows before the next send.
            if let due = nextKeyCheck, due <= date, turn == nil, keyPrompt == nil, !reloadingKey, key.health.canSend {
                nextKeyCheck = nil
                key.machine.handle(.checkStarted)
                return [.verifyKey]
            }
            return []
        }
    }

    // MARK: Sending

    private mutating func send(_ raw: String) -> [ChatEffect] {
        guard !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            // Enter on an empty composer while a message waits for a key: ask for the key.
            if awaitingKeyTurn != nil, keyPrompt == nil { openKeyPrompt(draftWaits: false) }
            return []
        }
        guard turn == nil else {
            show("A reply is still arriving: Esc stops it; your text stays in the composer.", error: true)
            return []
        }
        guard !needsKey else {
            // No usable key: the user's Enter opens the dialog; the text stays in the composer
            // until a key is in use, then it is sent as it stands.
            openKeyPrompt(draftWaits: true)
            return []
        }
        let id = takeID()
        let history = Self.history(in: transcript[...])
        transcript.append(TranscriptEntry(id: id, role: .user, text: raw, state: .pending(nil), createdAt: now))
        replaceDraft("")
        return [begin(turn: id, prompt: raw, resend: nil, history: history)]
    }

    private mutating func retryLast() -> [ChatEffect] {
        guard turn == nil else { return refuseWhileStreaming() }
        guard let i = transcript.lastIndex(where: { $0.role == .user }) else {
            show("There is no message to send again yet.", error: false)
            return []
        }
        let prompt = transcript[i]
        let answered = transcript[(i + 1)...].contains { $0.role == .assistant && $0.state == .complete }
        if answered {
            // A complete exchange: ask the same again, as a new message.
            return send(prompt.text)
        }
        awaitingKeyTurn = nil
        awaitingNetworkTurn = nil
        return resend(prompt.id)
    }

    /// Sends the prompt of turn `id` again in place (after a new key, or the network came back).
    private mutating func resend(_ id: Int) -> [ChatEffect] {
        guard turn == nil, let i = index(of: id), transcript[i].role == .user else { return [] }
        transcript[i].state = .pending(nil)
        return [begin(turn: id, prompt: transcript[i].text, resend: transcript[i].storedID, history: Self.history(in: transcript[..<i]))]
    }

    /// Opens the key dialog (only ever for a key the user pressed): why a key is needed, and
    /// whether a message waits for it.
    private mutating func openKeyPrompt(draftWaits: Bool) {
        let reason: KeyPrompt.Reason
        if let rejection = keyRejection {
            reason = .rejected(message: rejection.message, requestID: rejection.requestID)
        } else if case .rejected(let message, let requestID) = key.health {
            reason = .rejected(message: message, requestID: requestID)
        } else if key.health.canSend {
            reason = .replace
        } else {
            reason = .firstRun
        }
        draftWaitsForKey = draftWaits
        keyPrompt = KeyPrompt(reason: reason, rejectedMasked: key.masked, rejectedSource: key.source)
        keyPrompt?.messageWaits = draftWaits || awaitingKeyTurn != nil
    }

    /// The keys that open the key dialog, as hints name them.
    public static let keyDialogKeys = "F10"
    /// A prompt's mark while it waits for a new key.
    static let waitingForKey = "waiting for a valid key: \(keyDialogKeys) enters one"

    /// A 401: look again where keys come from before asking the user (once at a time).
    private mutating func keyRejected() -> [ChatEffect] {
        guard !reloadingKey, keyPrompt == nil, !settings.demo else { return [] }
        reloadingKey = true
        return [.reloadKey]
    }

    /// A key check finished: schedule the next, resend what waited for the network, ask on a 401.
    private mutating func checked(_ outcome: KeyVerifier.Outcome) -> [ChatEffect] {
        guard let error = outcome.error else {
            keyRejection = nil
            offlineBackoff = 15
            nextKeyCheck = now.addingTimeInterval(settings.keyCheckInterval)
            if let waiting = awaitingNetworkTurn {
                awaitingNetworkTurn = nil
                return resend(waiting)
            }
            return []
        }
        if error.kind == .network || error.kind == .timeout {
            nextKeyCheck = now.addingTimeInterval(offlineBackoff)
            offlineBackoff = min(offlineBackoff * 2, settings.keyCheckInterval)
            return []
        }
        nextKeyCheck = now.addingTimeInterval(settings.keyCheckInterval)
        return error.kind == .authentication ? keyRejected() : []
    }

    private mutating func submitKey(_ text: String) -> [ChatEffect] {
        guard var prompt = keyPrompt, prompt.phase != .verifying else { return [] }
        let inspection = KeyDiagnosis.inspect(text, source: .session)
        if let fatal = inspection.fatal {
            prompt.phase = .failed("\(fatal.message) \(fatal.fix)")
            keyPrompt = prompt
            return []
        }
        guard let candidate = inspection.key, !candidate.isEmpty else {
            prompt.phase = .failed("Paste a key first: it starts with sk-ant-.")
            keyPrompt = prompt
            return []
        }
        prompt.candidate = candidate
        prompt.phase = .verifying
        keyPrompt = prompt
        return [.verifyCandidate(candidate)]
    }

    private mutating func begin(turn id: Int, prompt: String, resend: MessageID?, history: [InputMessage]) -> ChatEffect {
        turn = ActiveTurn(id: id, startedAt: now)
        lastUsage = nil
        return .send(TurnRequest(turn: id, conversation: conversation?.id, newTitle: Self.title(for: prompt), prompt: prompt,
                                 resendStored: resend, model: model, systemPrompt: systemPrompt,
                                 maxTokens: settings.maxTokens, history: history))
    }

    private mutating func handle(_ event: TurnEvent, turn id: Int) -> [ChatEffect] {
        guard var active = turn, active.id == id else { return [] }
        switch event {
        case .retrying(let notice):
            active.retry = (notice, now.addingTimeInterval(notice.delay.inSeconds))
            key.machine.handle(.failed(notice.reason, at: now))
        case .started:
            active.retry = nil
            if let p = index(of: id) { transcript[p].state = .complete }
            if active.replyEntry == nil {
                let reply = takeID()
                active.replyEntry = reply
                // After the prompt and any earlier (interrupted) replies to it.
                var at = (index(of: id) ?? transcript.count - 1) + 1
                while at < transcript.count && transcript[at].role == .assistant { at += 1 }
                transcript.insert(TranscriptEntry(id: reply, role: .assistant, text: "", state: .streaming, model: model, createdAt: now),
                                  at: min(at, transcript.count))
            }
        case .text(let text):
            if active.firstTextAt == nil { active.firstTextAt = now }
            active.characters += text.count
            if let reply = active.replyEntry, let i = index(of: reply) { transcript[i].text += text }
        case .usage(let usage):
            active.outputTokens = usage.outputTokens ?? active.outputTokens
        case .completed(let message):
            if let i = index(of: id) { transcript[i].state = .complete }
            if let reply = active.replyEntry, let i = index(of: reply) {
                transcript[i].text = message.text
                transcript[i].state = .complete
                transcript[i].usage = message.usage
                transcript[i].model = message.model.isEmpty ? model : message.model
            } else {
                transcript.append(TranscriptEntry(id: takeID(), role: .assistant, text: message.text, model: message.model,
                                                  usage: message.usage, createdAt: now))
            }
            lastUsage = message.usage
            keyRejection = nil
            key.machine.handle(.succeeded(at: now))
            nextKeyCheck = now.addingTimeInterval(settings.keyCheckInterval)
            turn = nil
            touchConversation()
            return []
        case .failed(let error):
            finish(with: error, active: active)
            turn = nil
            touchConversation()
            guard active.replyEntry == nil, let p = index(of: active.id) else { return [] }
            if error.kind == .authentication {
                transcript[p].state = .pending("waiting for a valid key")
                awaitingKeyTurn = active.id
                return keyRejected()
            }
            if error.kind == .network || error.kind == .timeout {
                transcript[p].state = .pending("offline: sent again when the network is back (Ctrl+R tries now)")
                awaitingNetworkTurn = active.id
                offlineBackoff = 15
                nextKeyCheck = now.addingTimeInterval(offlineBackoff)
            }
            return []
        }
        turn = active
        return []
    }

    private mutating func finish(with error: APIError, active: ActiveTurn) {
        let stopped = error.kind == .cancelled
        if !stopped { key.machine.handle(.failed(error, at: now)) }
        let report = ErrorReport(error: error, keyDescription: key.description, baseURL: settings.baseURL, model: model,
                                 keySource: key.source).text
        if let reply = active.replyEntry, let i = index(of: reply) {
            if let partial = error.partial?.text, partial.count >= transcript[i].text.count { transcript[i].text = partial }
            transcript[i].state = .interrupted(stopped ? "stopped by you (Esc): Ctrl+R asks again" : report)
            if let p = index(of: active.id) { transcript[p].state = .complete }
        } else if let p = index(of: active.id) {
            transcript[p].state = stopped ? .pending("stopped before a reply: Ctrl+R sends it again") : .failed(report)
        }
        if !stopped { show(error.kindSentence, error: true) }
    }

    // MARK: Helpers

    private mutating func refuseWhileStreaming() -> [ChatEffect] {
        show("A reply is still arriving: Esc stops it first.", error: true)
        return []
    }

    /// Moves the open conversation to the top of the sidebar (it was just active).
    private mutating func touchConversation() {
        guard var current = conversation else { return }
        current.updatedAt = now
        conversation = current
        conversations.removeAll { $0.id == current.id }
        conversations.insert(current, at: 0)
    }

    public mutating func show(_ text: String, error: Bool, seconds: Double = 5) {
        notice = Notice(text: text, isError: error, until: now.addingTimeInterval(seconds))
    }

    private mutating func replaceDraft(_ text: String) {
        draft = text
        draftRevision += 1
    }

    private mutating func takeID() -> Int {
        defer { nextLocalID += 1 }
        return nextLocalID
    }

    private func index(of id: Int) -> Int? { transcript.lastIndex { $0.id == id } }

    /// The complete exchanges in `entries`, as API context (the same rule as stored history).
    static func history(in entries: ArraySlice<TranscriptEntry>) -> [InputMessage] {
        var history = ConversationHistory.Exchanges()
        for entry in entries {
            let content: [ContentBlock] = entry.text.isEmpty ? [] : [.text(entry.text)]
            switch entry.role {
            case .user: history.prompt(content)
            case .assistant: history.reply(content, complete: entry.state == .complete)
            }
        }
        return history.turns
    }

    /// A conversation title from the first line of a prompt.
    public static func title(for prompt: String) -> String {
        let line = prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? prompt
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 60 ? String(trimmed.prefix(59)) + "…" : trimmed
    }
}
