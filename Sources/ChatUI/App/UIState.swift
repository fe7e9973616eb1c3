import ChatCore
import SessionStore
import TerminalUI

/// Where typing goes when no dialog is open.
public enum Focus: Sendable, Equatable {
    case composer
    case sidebar
}

/// A layer over the chat screen that takes input first (the top one).
public enum Overlay: Equatable {
    case help(offset: Int)
    case confirmQuit
    case confirmDelete(ConversationID, title: String)
    case rename(ConversationID, TextEditor)
    case systemPrompt(TextEditor)
    case modelPicker(ListState)
    /// Choosing a colour theme; `names` are the catalog's themes.
    case themePicker(ListState, names: [String])
    /// Choosing what to copy: replies, prompts and code blocks, newest first.
    case copyPicker(ListState, items: [CopyItem])
    /// Markdown or JSON?
    case exportChoice
    /// Searching every conversation: the query field, the hits of `searched`.
    case searchAll(TextEditor, hits: [SearchHit], list: ListState, searched: String)
    /// A paste too large to insert without asking.
    case confirmPaste(String)
}

/// Something that can be copied, as the copy picker lists it.
public struct CopyItem: Equatable, Sendable {
    public var label: String
    public var text: String
    /// What it is, for the status message: "the reply", "the code block", "your message".
    public var what: String
}

/// One place the search text occurs in the laid-out transcript.
public struct SearchMatch: Equatable, Sendable {
    /// The transcript entry (its index) and the row within its rows.
    public var entry: Int
    public var row: Int
    /// Display columns from the row's start, and the match's width.
    public var column: Int
    public var width: Int
}

/// Searching the open conversation: the query field, its matches top to bottom, the one shown.
public struct TranscriptSearch: Equatable {
    public var editor = TextEditor()
    public var matches: [SearchMatch] = []
    public var current: Int?
    /// The width the matches were found at (they move when the width changes).
    var width = 0
    var entryCount = 0
}

/// The terminal side of the app: composer, scrolling, focus, dialogs. ChatCore knows none of it.
public struct UIState {
    public var size: Size
    public var composer = TextEditor(placeholder: "Message Claude…")
    public var scroll = ScrollState()
    public var focus: Focus = .composer
    /// The user's sidebar choice; nil follows the width.
    public var sidebarChoice: Bool?
    public var sidebarList = ListState(selected: 0)
    public var overlays: [Overlay] = []
    /// The key dialog's field (its text is a secret: drawn masked, never logged).
    public var keyField = TextEditor()
    /// Recalling earlier prompts: the index into the prompt list and the text that was there before.
    public var recall: (index: Int, stash: String)?
    /// The `ChatState.draftRevision` the composer shows.
    public var draftRevision = -1
    /// The composer changed since the draft was last saved.
    public var draftDirty = false
    public var quitRequested = false
    /// Searching the open conversation, when on.
    public var search: TranscriptSearch?
    /// After opening a conversation from a search over all of them: what to find and where.
    public var pendingJump: (query: String, message: MessageID)?
    /// A control sequence for the terminal (an OSC 52 clipboard write); the loop sends it.
    public var pendingSequence: [UInt8]?
    /// Ask the terminal to redraw everything (Ctrl+L).
    public var redrawRequested = false

    public init(size: Size) {
        self.size = size
    }

    /// Pastes larger than this ask before they are inserted.
    public static let largePasteCharacters = 20_000
    public static let largePasteLines = 400
}
