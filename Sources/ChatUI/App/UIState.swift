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
    /// A paste too large to insert without asking.
    case confirmPaste(String)
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
    /// Ask the terminal to redraw everything (Ctrl+L).
    public var redrawRequested = false

    public init(size: Size) {
        self.size = size
    }

    /// Pastes larger than this ask before they are inserted.
    public static let largePasteCharacters = 20_000
    public static let largePasteLines = 400
}
