import TerminalUI

/// Where a binding applies on the chat screen.
public enum KeyContext: Hashable, Sendable {
    /// Whatever has the focus (tried first).
    case everywhere
    /// While the composer has the focus.
    case composer
    /// While the composer has the focus and is empty.
    case emptyComposer
    /// While the sidebar has the focus.
    case sidebar
}

/// One key (in one context) and the command it runs.
public struct KeyBinding: Hashable, Sendable {
    public var chord: KeyChord
    public var context: KeyContext
    public var command: ChatCommand

    public init(_ chord: KeyChord, _ command: ChatCommand, in context: KeyContext = .everywhere) {
        self.chord = chord
        self.command = command
        self.context = context
    }
}

/// One row of the keymap: the keys as the help shows them, what they do, and the bindings
/// behind them (none for input that is not a key, such as a paste or the mouse wheel).
public struct KeymapEntry: Hashable, Sendable {
    public enum Section: String, CaseIterable, Sendable {
        case composer = "Composer"
        case transcript = "Transcript"
        case conversations = "Conversations"
        case everywhere = "Everywhere"
    }

    public var section: Section
    /// The keys as the help lists them.
    public var keys: String
    /// What they do, as the help says it.
    public var help: String
    public var bindings: [KeyBinding]
}
