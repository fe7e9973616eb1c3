import AnthropicAPI
import Credentials
import Foundation
import SessionStore

/// Everything that can change the chat: what the user asked for and what the runtime reports
/// back. ``ChatState/update(_:)`` turns each into new state plus ``ChatEffect``s.
public enum ChatAction: Sendable, Equatable {
    // MARK: The user
    /// Send this prompt in the open conversation (a new one is created on first send).
    case send(String)
    /// Stop the reply that is streaming; its text so far stays, marked interrupted.
    case cancel
    /// Send the last prompt again: in place when it failed or was interrupted.
    case retryLast
    /// Take back the queued message: its text goes back into the composer, before what is there
    /// (Esc while one is queued, and on the way out so it is saved with the draft).
    case unqueue
    /// Send `text` as a new version of the earlier prompt `entry` (a sibling in the store): the
    /// transcript follows the new branch, the old one stays.
    case editPrompt(entry: Int, text: String)
    /// Ask again for the reply `entry` (a finished one too): a new version beside it.
    case regenerate(entry: Int)
    /// Show the previous (-1) or next (+1) version of the message `entry`; the transcript follows
    /// that branch.
    case switchVersion(entry: Int, offset: Int)
    /// Start a new, empty conversation (created in the store on first send).
    case newConversation
    case open(ConversationID)
    case rename(ConversationID, String)
    case delete(ConversationID)
    /// The model for the open conversation (and for new ones).
    case setModel(String)
    /// The system prompt of the open conversation (`nil` or empty removes it).
    case setSystemPrompt(String?)
    /// Load more earlier messages of the open conversation.
    case loadEarlier
    /// Check this key (typed into the key dialog) locally, then with the API.
    case submitKey(String)
    /// Use the verified key: saved to the credentials file, or for this session only.
    case keepKey(save: Bool)
    /// Open the key dialog (the user pressed its key).
    case openKeyPrompt
    /// Close the key dialog without a new key (a waiting message stays pending).
    case closeKeyPrompt
    /// The user edits the key field again after a failed check: the dialog goes back to editing.
    case editKeyAgain
    /// Open the key manager: every key source, its health, and what can be done with each.
    case openKeyManager
    case closeKeyManager
    /// Check the key `source` holds with the API now.
    case verifyKeySource(KeySource)
    /// Use the key `source` holds from now on, for this session (after the API accepts it).
    case useKeySource(KeySource)
    /// Forget what `source` holds: a key entered in this session, the saved key or a profile.
    case forgetKeySource(KeySource)
    /// Save the key entered in this session to the credentials file, for later runs.
    case saveSessionKey
    /// The composer's text changed (the UI owns the editor; the state keeps a copy for drafts).
    case draftEdited(String)
    /// Show a short message in the status bar for `seconds`.
    case notify(String, error: Bool, seconds: Double = 5)
    /// Start the chat: list conversations and models, check the key, open `resume`.
    case start(resume: ConversationID?)

    // MARK: The runtime
    case conversationsLoaded([Conversation], total: Int)
    /// A conversation was opened: its last messages, how many earlier ones were not loaded, its draft.
    case conversationOpened(Conversation, messages: [StoredMessage], earlier: Int, draft: String?)
    case earlierLoaded(ConversationID, messages: [StoredMessage], earlier: Int)
    /// The store created the conversation a first prompt was sent in.
    case conversationCreated(Conversation)
    /// The prompt of a turn was stored (before the request was sent).
    case promptStored(turn: Int, MessageID)
    /// The reply of a turn was stored (once the server accepted the request): its versions can be
    /// switched between without reopening the conversation.
    case replyStored(turn: Int, MessageID)
    case turn(Int, TurnEvent)
    case modelsLoaded([ModelInfo])
    case modelsFailed(APIError)
    case keyChecked(KeyVerifier.Outcome)
    /// The result of checking the key typed into the dialog.
    case candidateChecked(KeyVerifier.Outcome)
    /// The key typed into the dialog is one the API rejected at this time (known by its
    /// fingerprint): it was not sent.
    case candidateKnownRejected(at: Date)
    /// A new key is in use (typed and kept, or found by a reload), verified at `at`.
    case keyApplied(masked: String, source: KeySource, at: Date, reloaded: Bool)
    /// Looking again where keys come from found no other valid key.
    case keyReloadFailed
    /// The key sources as they are now, for the key manager.
    case keySourcesListed([KeySourceRow])
    /// The API's answer about the key a source holds (checked from the key manager).
    case keySourceVerified(KeySource, KeyVerifier.Outcome)
    /// The runtime switched to another key: one the user chose in the key manager, or a profile's
    /// fallback after the key in use was rejected or ran out of credit.
    case keySwitched(KeySwitch)
    /// A switch the user asked for did not happen (the text says why).
    case keySwitchFailed(String)
    /// What forgetting a source did (`error` when it could not).
    case keyForgotten(KeySource, message: String, error: Bool)
    /// The key ran out of credit and no fallback key works: the message stays failed.
    case failoverFailed
    /// Saving a key to the credentials file failed (it is used for this session anyway).
    case keySaveFailed(String)
    /// Hits of a search over every conversation.
    case searchResults(query: String, hits: [SearchHit])
    /// The open conversation was written to this file.
    case exported(path: String)
    case exportFailed(String)
    /// The store failed; the text says what and that the chat goes on unsaved.
    case storeFailed(String)
    /// The model suggested `title` for a new conversation (`auto_title`); it is used only while
    /// the conversation is still titled `replacing` (the user did not rename it meanwhile).
    case titleSuggested(ConversationID, title: String, replacing: String)
    /// Time passed: countdowns, rates and notices move on.
    case tick(Date)
}

/// The progress of one request, as reported by the runtime.
public enum TurnEvent: Sendable, Equatable {
    /// The client waits before trying again.
    case retrying(RetryNotice)
    /// The server accepted the request.
    case started(requestID: String?)
    case text(String)
    case usage(Usage)
    /// The response reported the account's rate-limit headroom.
    case rateLimits(RateLimits)
    case completed(Message)
    case failed(APIError)
}

/// Work for the runtime: I/O that must not run in the update function.
public enum ChatEffect: Sendable, Equatable {
    case loadConversations
    case openConversation(ConversationID, saveDraftOf: DraftSave?)
    case loadEarlier(ConversationID, before: Int)
    case send(TurnRequest)
    case cancelTurn(Int)
    case rename(ConversationID, String)
    case delete(ConversationID)
    case setModel(ConversationID, String)
    case setSystemPrompt(ConversationID, String?)
    case saveDraft(DraftSave)
    /// Move the conversation's active path to another version of `message`, then reopen it.
    case selectVersion(ConversationID, of: MessageID, offset: Int)
    /// Make the active path run through `message` when it is on another branch (a search hit),
    /// before its conversation is opened.
    case revealMessage(MessageID)
    case loadModels
    case verifyKey
    /// Check a candidate key with the API.
    case verifyCandidate(String)
    /// Use a verified key from now on, saving it to the credentials file if asked.
    case useKey(String, save: Bool)
    /// Search every conversation with the store's full-text index.
    case searchAll(String)
    /// Write a conversation to a new file in `directory` (the same formats as `palaver sessions export`).
    case export(ConversationID, ExportFormat, directory: String)
    /// The key was rejected: remember that, look again where keys come from (the helper, the
    /// credentials file) and use a different valid key found there (a profile's fallback first).
    case reloadKey
    /// The key ran out of credit: use the first of its profile's fallbacks the API accepts.
    case failover
    /// Read every key source for the key manager.
    case listKeySources
    case verifyKeySource(KeySource)
    /// Verify the key `source` holds, then use it for this session.
    case switchKey(to: KeySource)
    case forgetKey(KeySource)
    /// Write the session's key to the credentials file.
    case saveSessionKey
    /// Ask the model for a short title of a new conversation, without streaming (`auto_title`);
    /// the answer comes back as ``ChatAction/titleSuggested(_:title:replacing:)``.
    case suggestTitle(TitleRequest)
}

/// A title to ask for: the conversation and its title now, the model to ask, its first exchange.
public struct TitleRequest: Sendable, Equatable {
    public var conversation: ConversationID
    public var currentTitle: String
    public var model: String
    public var prompt: String
    public var reply: String

    public init(conversation: ConversationID, currentTitle: String, model: String, prompt: String, reply: String) {
        self.conversation = conversation
        self.currentTitle = currentTitle
        self.model = model
        self.prompt = prompt
        self.reply = reply
    }
}

/// A draft to store: for a conversation, or (`nil`) for the new one not yet created.
public struct DraftSave: Sendable, Equatable {
    public var conversation: ConversationID?
    public var text: String
    public init(conversation: ConversationID?, text: String) {
        self.conversation = conversation
        self.text = text
    }
}

/// One request to send: what the runtime needs to store, send and report a turn.
public struct TurnRequest: Sendable, Equatable {
    /// The turn's id (also the local id of the prompt entry).
    public var turn: Int
    /// The conversation, or nil to create one titled `newTitle`.
    public var conversation: ConversationID?
    public var newTitle: String
    public var prompt: String
    /// A stored prompt to send again instead of storing a new one.
    public var resendStored: MessageID?
    /// With `resendStored`: the reply is a new version beside the prompt's replies (regenerate).
    public var regenerate = false
    /// The prompt is a new version of this stored prompt (edited): stored beside it.
    public var editOf: MessageID?
    public var model: String
    public var systemPrompt: String?
    public var maxTokens: Int
    /// The exchanges before this prompt, used when the store cannot provide them.
    public var history: [InputMessage]
}

/// The runtime moved to another key on its own (a fallback) or as the user asked (a switch).
public struct KeySwitch: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The user chose it in the key manager.
        case chosen
        /// The key entered in this session was saved to the credentials file and is read from there.
        case saved
        /// The key in use was rejected (401) or ran out of credit (`outOfCredit`); this is its
        /// profile's fallback.
        case fallback(outOfCredit: Bool)
    }

    public var masked: String
    public var source: KeySource
    /// When the API accepted it.
    public var at: Date
    public var reason: Reason

    public init(masked: String, source: KeySource, at: Date, reason: Reason) {
        self.masked = masked
        self.source = source
        self.at = at
        self.reason = reason
    }
}
