/// What a key of the chat screen does: the keymap maps keys to these, ``ChatApp`` runs them.
public enum ChatCommand: Hashable, Sendable, CaseIterable {
    // Composer
    /// Send the composer's text.
    case send
    /// A line break in the composer.
    case newline
    /// The key goes to the composer's text field (caret moves, deletions, earlier prompts).
    case edit
    /// Undo / redo the composer's last edit (a typed word, a run of deletions, a paste).
    case undo
    case redo
    /// Empty the composer (undo brings the text back).
    case clearDraft
    /// Ctrl+X: the next key completes a two-key command (Ctrl+X Ctrl+E).
    case prefixCtrlX
    /// Edit the draft in `$VISUAL` / `$EDITOR` (the loop hands the terminal over).
    case editInEditor
    // Transcript
    case pageUp
    case pageDown
    case lineUp
    case lineDown
    case scrollToTop
    case scrollToBottom
    /// Stop a streaming reply, else leave the sidebar.
    case escape
    case retry
    /// Choose a message of the transcript to edit, regenerate or switch versions of (↑ from an empty composer).
    case selectMessage
    /// A new version of the last reply.
    case regenerateLast
    case find
    case copyLastReply
    case copyPicker
    case export
    // Conversations
    case newConversation
    case toggleSidebar
    /// Between the composer and the sidebar.
    case switchFocus
    case openSelected
    case selectPrevious
    case selectNext
    case selectFirst
    case selectLast
    /// Rename the open conversation / the one selected in the sidebar.
    case renameOpen
    case renameSelected
    /// Delete (asking first) the open conversation / the one selected in the sidebar.
    case deleteOpen
    case deleteSelected
    case searchAll
    case modelPicker
    case systemPrompt
    // Everywhere
    case help
    /// Every command by name (Ctrl+P).
    case palette
    case themePicker
    case keyDialog
    /// Every key source with its health: check, switch, save or forget one (Alt+K).
    case keyManager
    /// Every notice the status bar showed, in full (Alt+N).
    case noticeLog
    case redraw
    /// Stop a streaming reply, else quit.
    case interrupt
    /// Quit, asking first while a reply streams.
    case quit
}

extension ChatCommand {
    /// Whether the command palette offers this command: the ones that make sense run by name.
    /// Not the composer's editing keys, nor moves that are pressed again and again (scrolling,
    /// choosing in the sidebar), nor the sidebar's own variants of commands (the palette runs the
    /// open conversation's), nor the palette itself.
    var isNamed: Bool {
        switch self {
        case .send, .newline, .edit, .undo, .redo, .prefixCtrlX, .pageUp, .pageDown, .lineUp, .lineDown,
            .scrollToTop, .scrollToBottom, .openSelected, .selectPrevious, .selectNext, .selectFirst, .selectLast,
            .renameSelected, .deleteSelected, .palette:
            false
        default:
            true
        }
    }
}
