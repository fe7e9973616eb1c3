import ChatCore
import TerminalUI

/// Where typing goes when no dialog is open.
public enum Focus: Sendable, Equatable {
    case composer
    case sidebar
}

/// The terminal side of the app: composer, scrolling, focus, the layers over the chat screen.
/// ChatCore knows none of it.
public struct UIState {
    public var size: Size
    public var composer = TextEditor(placeholder: "Message Claude…")
    public var scroll = ScrollState()
    public var focus: Focus = .composer
    /// The user's sidebar choice; nil follows the width.
    public var sidebarChoice: Bool?
    public var sidebarList = ListState(selected: 0)
    /// The layers over the chat screen, bottom to top: input goes to the last one first.
    var layers: [any Layer] = []
    /// Each picker's list as it was when it closed, so it reopens scrolled where it was.
    var pickerLists: [PickerKind: ListState] = [:]
    /// Recalling earlier prompts: the index into the prompt list and the text that was there before.
    public var recall: (index: Int, stash: String)?
    /// The `ChatState.draftRevision` the composer shows.
    public var draftRevision = -1
    /// The composer changed since the draft was last saved.
    public var draftDirty = false
    /// After opening a conversation from a search over all of them: what to find and where.
    public var pendingJump: (query: String, message: MessageID)?
    /// The transcript entry of an earlier prompt being edited in the composer.
    public var editing: Int?

    public init(size: Size) {
        self.size = size
    }

    /// Pastes larger than this ask before they are inserted.
    public static let largePasteCharacters = 20_000
    public static let largePasteLines = 400

    /// The top layer of type `T`, if one is open.
    func layer<T: Layer>(_ type: T.Type) -> T? {
        layers.last { $0 is T } as? T
    }

    /// Whether a dialog is open (the search field and the key dialog are not counted: the
    /// composer's border stays focused under them, as it always has).
    var hasDialog: Bool {
        layers.contains { !($0 is TranscriptSearchLayer) && !($0 is KeyDialogLayer) }
    }

    /// Searching the open conversation, when on.
    public var search: TranscriptSearch? { layer(TranscriptSearchLayer.self)?.search }

    /// The key dialog's field (empty when the dialog is closed).
    public var keyField: TextEditor { layer(KeyDialogLayer.self)?.field ?? TextEditor() }

    /// The dialog on top, for tests and the loop: its type tells which it is.
    var topLayer: (any Layer)? { layers.last }
}
