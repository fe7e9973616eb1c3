import AnthropicAPI
import Credentials
import Foundation
import SessionStore

/// The chat application's state, apart from anything about the terminal. It changes only in
/// ``update(_:)``, which returns the I/O to do as ``ChatEffect``s; everything else reads it.
///
/// The update function is split by concern: turns (`ChatState+Turns.swift`), the key
/// (`ChatState+Keys.swift`, over a ``KeyMonitor``) and conversations
/// (`ChatState+Conversations.swift`). Time comes in through actions (``ChatAction/tick(_:)``);
/// the update function never reads the clock.
public struct ChatState: Sendable, Equatable {
    /// Fixed for a run.
    public struct Settings: Sendable, Equatable {
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
        /// The status bar warns when the lowest rate-limit headroom is at or below this fraction
        /// (`rate_limit_warning` percent / 100; 0 turns the warning off).
        public var rateLimitWarning: Double
        /// After the first reply of a new conversation, ask the model for a short title (`auto_title`).
        public var autoTitle: Bool
        /// The model asked for titles (`title_model`); nil: the conversation's own.
        public var titleModel: String?

        public init(
            baseURL: String, fallbackModel: String, modelIsExplicit: Bool = false, maxTokens: Int = 4096,
            demo: Bool = false,
            keyCheckInterval: TimeInterval = 600, clipboard: Bool = true, rateLimitWarning: Double = 0.10,
            autoTitle: Bool = false, titleModel: String? = nil
        ) {
            self.baseURL = baseURL
            self.fallbackModel = fallbackModel
            self.modelIsExplicit = modelIsExplicit
            self.maxTokens = maxTokens
            self.demo = demo
            self.keyCheckInterval = keyCheckInterval
            self.clipboard = clipboard
            self.rateLimitWarning = rateLimitWarning
            self.autoTitle = autoTitle
            self.titleModel = titleModel
        }
    }

    /// A short message for the status bar.
    public struct Notice: Sendable, Equatable {
        public var text: String
        public var isError: Bool
        public var until: Date
    }

    /// Rate limits a response reported, and when.
    public struct SeenRateLimits: Sendable, Equatable {
        public var limits: RateLimits
        public var at: Date
    }

    /// The request in flight.
    public struct ActiveTurn: Sendable, Equatable {
        /// A retry being waited for, and when it will be made.
        public struct Retry: Sendable, Equatable {
            public var notice: RetryNotice
            public var at: Date
        }

        /// Also the local id of the prompt entry.
        public var id: Int
        public var replyEntry: Int?
        public var startedAt: Date
        public var firstTextAt: Date?
        public var characters = 0
        public var outputTokens: Int?
        public var retry: Retry?
        public var cancelling = false
    }

    public internal(set) var settings: Settings
    /// The key in use, its checks and the key dialog.
    public internal(set) var keys: KeyMonitor
    public internal(set) var now: Date

    /// The sidebar: most recently active first.
    public internal(set) var conversations: [Conversation] = []
    public internal(set) var conversationTotal = 0
    /// The open conversation; nil for a new one not stored yet.
    public internal(set) var conversation: Conversation?
    /// The system prompt chosen for the new conversation before it exists.
    public internal(set) var newSystemPrompt: String?
    public internal(set) var transcript: [TranscriptEntry] = []
    /// Messages of the open conversation before the first one loaded.
    public internal(set) var earlierCount = 0
    public internal(set) var turn: ActiveTurn?
    public internal(set) var models: [ModelInfo] = []
    /// Why the model list could not be loaded (the configured model is used).
    public internal(set) var modelListProblem: String?
    /// The model chosen for new conversations.
    public internal(set) var newConversationModel: String?
    public internal(set) var lastUsage: Usage?
    /// The account's rate-limit headroom as the last response (a reply or a key check) reported
    /// it, and when; nil until a response carried the headers.
    public internal(set) var rateLimits: SeenRateLimits?
    public internal(set) var notice: Notice?
    /// Every notice shown (and every retry), with its time and full text.
    public internal(set) var noticeLog = NoticeLog()
    /// The low-headroom notice was given and the headroom has not recovered above the threshold since.
    var warnedAboutHeadroom = false
    /// Set once the store failed: the chat goes on, unsaved.
    public internal(set) var storeProblem: String?
    /// The key manager, while open.
    public internal(set) var keyManager: KeyManager?
    /// A prompt waiting for a valid key (sent again once one is in use).
    public internal(set) var awaitingKeyTurn: Int?
    /// A prompt waiting for the network (sent again once a key check gets through).
    public internal(set) var awaitingNetworkTurn: Int?
    /// The composer's text is sent as soon as a key is in use (the user sent it without a usable key).
    public internal(set) var draftWaitsForKey = false
    /// The local id of the message queued while a reply streams (at most one; its entry is in
    /// the transcript, marked queued).
    public internal(set) var queuedTurn: Int?

    /// The composer's text; the UI reports edits with ``ChatAction/draftEdited(_:)``.
    /// ``draftRevision`` changes when the update function replaces it (a conversation opened,
    /// a prompt put back), so the UI reloads it.
    public internal(set) var draft = ""
    public internal(set) var draftRevision = 0

    var nextLocalID = 1
    /// The version label of the reply a regenerate is waiting for.
    var pendingReplyVersion: TranscriptEntry.Version?

    /// A chat at start: `draft` is a saved composer text to restore, `storeProblem` says the
    /// conversation store could not be opened.
    public init(settings: Settings, key: KeyStatus, now: Date, draft: String = "", storeProblem: String? = nil) {
        self.settings = settings
        self.keys = KeyMonitor(key: key, checkInterval: settings.keyCheckInterval, canReload: !settings.demo)
        self.now = now
        self.draft = draft
        self.storeProblem = storeProblem
    }

    // MARK: Derived

    /// The key in use, as the status bar shows it.
    public var key: KeyStatus { keys.key }
    /// The key dialog, when open.
    public var keyPrompt: KeyPrompt? { keys.prompt }
    /// When the health monitor checks the key next (nil while a check runs or without a key).
    public var nextKeyCheck: Date? { keys.nextCheck }
    /// A reload of the key sources is under way.
    public var reloadingKey: Bool { keys.reloading }
    /// Why the API refused the key in use, until a key is replaced or a check passes.
    public var keyRejection: KeyMonitor.Rejection? { keys.rejection }
    /// Sending with the key in use is pointless: there is none, it is malformed, or it was rejected.
    public var needsKey: Bool { keys.needsKey }

    /// The model the next prompt goes to.
    public var model: String { conversation?.model ?? newConversationModel ?? settings.fallbackModel }
    public var systemPrompt: String? { conversation != nil ? conversation?.systemPrompt : newSystemPrompt }
    public var title: String { conversation.map { $0.title.isEmpty ? "untitled" : $0.title } ?? "new conversation" }
    public var isStreaming: Bool { turn != nil }

    /// The lowest rate-limit headroom when it is at or below the warning threshold (nil when the
    /// warning is off, nothing was reported, or the reported reset time has passed).
    public var lowHeadroom: RateLimits.Headroom? {
        guard settings.rateLimitWarning > 0, let seen = rateLimits, let headroom = seen.limits.lowestHeadroom,
            headroom.fraction <= settings.rateLimitWarning
        else { return nil }
        if let reset = headroom.reset, reset <= now { return nil }
        return headroom
    }

    /// Output tokens a second of the reply streaming now (estimated at four characters a token
    /// until the server reports usage).
    public var tokensPerSecond: Double? {
        guard let turn, let first = turn.firstTextAt else { return nil }
        let elapsed = now.timeIntervalSince(first)
        guard elapsed >= 0.5 else { return nil }
        let tokens = Double(turn.outputTokens ?? turn.characters / 4)
        return tokens / elapsed
    }

    // MARK: Update

    /// The effects of starting up: list conversations and models, check the key, open `resume`
    /// (the same as ``update(_:)`` with ``ChatAction/start(resume:)``).
    public mutating func start(resume: ConversationID?) -> [ChatEffect] {
        update(.start(resume: resume))
    }

    /// The one place the state changes: applies `action`, returns the I/O to do.
    public mutating func update(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .start(let resume):
            var effects: [ChatEffect] = [.loadConversations]
            if let resume { effects.append(.openConversation(resume, saveDraftOf: nil)) }
            if key.health.canSend { effects.append(.loadModels) }
            return effects + keys.start()
        case .editPrompt, .regenerate, .switchVersion:
            return updateBranches(action)
        case .send, .cancel, .retryLast, .promptStored, .replyStored, .turn, .unqueue:
            return updateTurn(action)
        case .submitKey, .keepKey, .openKeyPrompt, .closeKeyPrompt, .editKeyAgain, .keyChecked, .candidateChecked,
            .candidateKnownRejected,
            .keyApplied, .keyReloadFailed, .keySaveFailed, .modelsFailed:
            return updateKey(action)
        case .openKeyManager, .closeKeyManager, .verifyKeySource, .useKeySource, .forgetKeySource, .saveSessionKey,
            .keySourcesListed, .keySourceVerified, .keySwitched, .keySwitchFailed, .keyForgotten, .failoverFailed:
            return updateKeyManager(action)
        case .newConversation, .open, .rename, .delete, .setModel, .setSystemPrompt, .loadEarlier, .conversationsLoaded,
            .conversationOpened, .earlierLoaded, .conversationCreated, .modelsLoaded, .searchResults, .exported,
            .exportFailed, .storeFailed, .titleSuggested:
            return updateConversations(action)
        case .draftEdited(let text):
            draft = text
            return []
        case .notify(let text, let error, let seconds):
            show(text, error: error, seconds: seconds)
            return []
        case .tick(let date):
            now = date
            if let notice, notice.until <= date { self.notice = nil }
            // The health monitor: check the key when idle, so a revoked key shows before the next send.
            return keys.tick(date, idle: turn == nil)
        }
    }

    // MARK: Helpers

    /// Shows a notice in the status bar and keeps it in the notice log.
    mutating func show(_ text: String, error: Bool, seconds: Double = 5) {
        notice = Notice(text: text, isError: error, until: now.addingTimeInterval(seconds))
        noticeLog.record(text, error: error, at: now)
    }

    /// Keeps a line in the notice log without showing it (the status bar shows it another way).
    mutating func log(_ text: String, error: Bool) {
        noticeLog.record(text, error: error, at: now)
    }

    /// Keeps the rate limits a response reported (a response without the headers changes nothing),
    /// and says so once when the headroom drops to the warning threshold (again only after it
    /// recovered above it).
    mutating func saw(_ limits: RateLimits?) {
        guard let limits, !limits.isEmpty else { return }
        rateLimits = SeenRateLimits(limits: limits, at: now)
        guard settings.rateLimitWarning > 0, let headroom = limits.lowestHeadroom else { return }
        if headroom.fraction > settings.rateLimitWarning {
            warnedAboutHeadroom = false
        } else if !warnedAboutHeadroom, lowHeadroom != nil {
            warnedAboutHeadroom = true
            show(NoticeLog.headroomText(headroom, now: now), error: true, seconds: 10)
        }
    }

    mutating func refuseWhileStreaming() -> [ChatEffect] {
        show("A reply is still arriving: Esc stops it first.", error: true)
        return []
    }

    mutating func replaceDraft(_ text: String) {
        draft = text
        draftRevision += 1
    }

    mutating func takeID() -> Int {
        defer { nextLocalID += 1 }
        return nextLocalID
    }

    func index(of id: Int) -> Int? { transcript.lastIndex { $0.id == id } }
}
