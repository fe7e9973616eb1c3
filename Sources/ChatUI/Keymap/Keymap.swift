import TerminalUI

/// The chat screen's keymap: one table from which key handling (``binding(for:focus:composerEmpty:)``)
/// and the F1 help (``sections``) are derived. Dialogs (layers) have their own few keys, shown in
/// their hint lines.
public enum Keymap {
    private typealias E = KeymapEntry
    private typealias B = KeyBinding

    /// Every entry, in the order the help lists them.
    public static let entries: [KeymapEntry] = [
        // Composer
        E(
            section: .composer, keys: "Enter", help: "send the message (while a reply streams: queue it)",
            bindings: [B(KeyChord(.enter), .send, in: .composer)]),
        E(
            section: .composer, keys: "Alt+Enter  Ctrl+J", help: "new line",
            bindings: [B(KeyChord(.enter, .alt), .newline, in: .composer), B(.ctrl("j"), .newline, in: .composer)]),
        E(
            section: .composer, keys: "←/→  Ctrl+←/→  Alt+B/F", help: "move by character / word",
            bindings: [
                B(KeyChord(.left), .edit, in: .composer), B(KeyChord(.right), .edit, in: .composer),
                B(KeyChord(.left, .control), .edit, in: .composer), B(KeyChord(.right, .control), .edit, in: .composer),
                B(.alt("b"), .edit, in: .composer), B(.alt("f"), .edit, in: .composer),
            ]),
        E(
            section: .composer, keys: "Home/End  Ctrl+A/E", help: "start / end of line",
            bindings: [
                B(KeyChord(.home), .edit, in: .composer), B(KeyChord(.end), .edit, in: .composer),
                B(.ctrl("a"), .edit, in: .composer), B(.ctrl("e"), .edit, in: .composer),
            ]),
        E(
            section: .composer, keys: "↑/↓", help: "move by line; on the first/last line, earlier prompts",
            bindings: [B(KeyChord(.up), .edit, in: .composer), B(KeyChord(.down), .edit, in: .composer)]),
        E(
            section: .composer, keys: "Ctrl+W  Alt+D  Ctrl+U/K",
            help: "delete word back / forward, to line start / end",
            bindings: [
                B(.ctrl("w"), .edit, in: .composer), B(.alt("d"), .edit, in: .composer),
                B(.ctrl("u"), .edit, in: .composer), B(.ctrl("k"), .edit, in: .composer),
            ]),
        E(
            section: .composer, keys: "Ctrl+_  Ctrl+Z / Alt+_",
            help: "undo / redo (a typed word, a run of deletions, a paste at a time)",
            bindings: [
                B(.ctrl("_"), .undo, in: .composer), B(.ctrl("z"), .undo, in: .composer),
                B(.alt("_"), .redo, in: .composer),
            ]),
        E(section: .composer, keys: "paste", help: "arrives as one edit; very large pastes ask first", bindings: []),
        // Transcript
        E(
            section: .transcript, keys: "PgUp/PgDn  mouse wheel", help: "scroll",
            bindings: [B(KeyChord(.pageUp, nil), .pageUp), B(KeyChord(.pageDown, nil), .pageDown)]),
        E(
            section: .transcript, keys: "Alt+↑/↓", help: "scroll one line",
            bindings: [B(KeyChord(.up, .alt), .lineUp), B(KeyChord(.down, .alt), .lineDown)]),
        E(
            section: .transcript, keys: "Ctrl+Home/End",
            help: "oldest / newest (Home/End too when the composer is empty)",
            bindings: [
                B(KeyChord(.home, .control), .scrollToTop), B(KeyChord(.end, .control), .scrollToBottom),
                B(KeyChord(.home), .scrollToTop, in: .emptyComposer),
                B(KeyChord(.end), .scrollToBottom, in: .emptyComposer),
            ]),
        E(
            section: .transcript, keys: "Esc", help: "take back a queued message, else stop the reply (text stays)",
            bindings: [B(KeyChord(.escape), .escape)]),
        E(
            section: .transcript, keys: "Ctrl+R", help: "send a failed or stopped message again, in place",
            bindings: [B(.ctrl("r"), .retry)]),
        E(
            section: .transcript, keys: "/ (empty composer)  Ctrl+F",
            help: "find in this conversation (Enter/↑ older, ↓ newer)",
            bindings: [B(.char("/"), .find, in: .emptyComposer), B(.ctrl("f"), .find)]),
        E(
            section: .transcript, keys: "↑ (empty composer)",
            help: "choose a message: edit, regenerate, versions",
            bindings: [B(KeyChord(.up), .selectMessage, in: .emptyComposer)]),
        E(
            section: .transcript, keys: "Alt+R", help: "regenerate the last reply (a new version beside it)",
            bindings: [B(.alt("r"), .regenerateLast)]),
        E(
            section: .transcript, keys: "Ctrl+Y", help: "copy the last reply (OSC 52)",
            bindings: [B(.ctrl("y"), .copyLastReply)]),
        E(
            section: .transcript, keys: "F7", help: "copy a chosen reply, message or code block",
            bindings: [B(.f(7), .copyPicker)]),
        E(
            section: .transcript, keys: "F9", help: "export this conversation (Markdown or JSON)",
            bindings: [B(.f(9), .export)]),
        // Conversations
        E(
            section: .conversations, keys: "Ctrl+N", help: "new conversation",
            bindings: [B(.ctrl("n"), .newConversation)]),
        E(
            section: .conversations, keys: "Ctrl+B", help: "show / hide the sidebar",
            bindings: [B(.ctrl("b"), .toggleSidebar)]),
        E(
            section: .conversations, keys: "Tab", help: "move between the composer and the sidebar",
            bindings: [B(KeyChord(.tab), .switchFocus)]),
        E(
            section: .conversations, keys: "Enter (sidebar)", help: "open the selected conversation",
            bindings: [B(KeyChord(.enter), .openSelected, in: .sidebar)]),
        E(
            section: .conversations, keys: "↑/↓  Home/End (sidebar)", help: "choose a conversation",
            bindings: [
                B(KeyChord(.up), .selectPrevious, in: .sidebar), B(KeyChord(.down), .selectNext, in: .sidebar),
                B(KeyChord(.home, nil), .selectFirst, in: .sidebar), B(KeyChord(.end, nil), .selectLast, in: .sidebar),
            ]),
        E(
            section: .conversations, keys: "type (sidebar)",
            help: "filter the titles (Backspace edits, Esc clears; r renames unless a filter is on)", bindings: []),
        E(
            section: .conversations, keys: "F2  r (sidebar)", help: "rename",
            bindings: [B(.f(2), .renameOpen), B(.char("r"), .renameSelected, in: .sidebar)]),
        E(
            section: .conversations, keys: "F8  Del (sidebar)", help: "delete (asks first)",
            bindings: [
                B(.f(8), .deleteOpen), B(KeyChord(.delete, nil), .deleteSelected, in: .sidebar),
            ]),
        E(
            section: .conversations, keys: "F5", help: "search every conversation",
            bindings: [B(.f(5), .searchAll)]),
        E(
            section: .conversations, keys: "F3  Ctrl+O", help: "choose the model",
            bindings: [B(.f(3), .modelPicker), B(.ctrl("o"), .modelPicker)]),
        E(
            section: .conversations, keys: "F4  Ctrl+G", help: "system prompt of this conversation",
            bindings: [B(.f(4), .systemPrompt), B(.ctrl("g"), .systemPrompt)]),
        // Everywhere
        E(
            section: .everywhere, keys: "F1  ? (empty composer)", help: "this help",
            bindings: [B(.f(1), .help), B(.char("?"), .help, in: .emptyComposer)]),
        E(
            section: .everywhere, keys: "Ctrl+P", help: "command palette: run any command by name",
            bindings: [B(.ctrl("p"), .palette)]),
        E(
            section: .everywhere, keys: "F6", help: "choose the colour theme",
            bindings: [B(.f(6), .themePicker)]),
        E(
            section: .everywhere, keys: "Alt+K  F12",
            help: "API key…: key sources and health; check, switch, forget",
            bindings: [B(.alt("k"), .keyManager), B(.f(12), .keyManager)]),
        E(
            section: .everywhere, keys: "F10",
            help: "enter a new API key (the status bar says when one is needed)",
            bindings: [B(.f(10), .keyDialog)]),
        E(
            section: .everywhere, keys: "Alt+N", help: "notice history: every message the status bar showed, in full",
            bindings: [B(.alt("n"), .noticeLog)]),
        E(
            section: .everywhere, keys: "Ctrl+L", help: "redraw the screen",
            bindings: [B(.ctrl("l"), .redraw)]),
        E(
            section: .everywhere, keys: "Ctrl+C", help: "stop a streaming reply, else quit",
            bindings: [B(.ctrl("c"), .interrupt)]),
        E(
            section: .everywhere, keys: "Ctrl+Q", help: "quit (asks while a reply streams)",
            bindings: [B(.ctrl("q"), .quit)]),
        // Composer commands the palette lists after the others (the help shows them under Composer).
        E(
            section: .composer, keys: "Alt+C", help: "clear the draft (undo brings it back)",
            bindings: [B(.alt("c"), .clearDraft, in: .composer)]),
        E(
            section: .composer, keys: "Ctrl+X Ctrl+E  Alt+E", help: "edit the draft in $VISUAL / $EDITOR",
            bindings: [B(.ctrl("x"), .prefixCtrlX, in: .composer), B(.alt("e"), .editInEditor, in: .composer)]),
    ]

    /// The entries by section, in the help's order.
    public static var sections: [(section: KeymapEntry.Section, entries: [KeymapEntry])] {
        KeymapEntry.Section.allCases.map { section in (section, entries.filter { $0.section == section }) }
    }

    /// Every binding, in table order.
    public static let bindings: [KeyBinding] = entries.flatMap(\.bindings)

    /// The binding `key` triggers with this focus: bindings for everywhere first, then the
    /// focused pane's (an empty composer's before any composer's), in table order. Nil: the key
    /// goes to the focused pane (the composer types it).
    public static func binding(for key: KeyEvent, focus: Focus, composerEmpty: Bool) -> KeyBinding? {
        let contexts: [KeyContext] =
            switch focus {
            case .composer: composerEmpty ? [.everywhere, .emptyComposer, .composer] : [.everywhere, .composer]
            case .sidebar: [.everywhere, .sidebar]
            }
        for context in contexts {
            if let hit = bindings.first(where: { $0.context == context && $0.chord.matches(key) }) { return hit }
        }
        return nil
    }
}

/// One command of the command palette: the keymap entry it comes from (its help is the name,
/// its keys are shown beside it) and the command it runs.
struct PaletteItem: Hashable, Sendable {
    var entry: KeymapEntry
    var command: ChatCommand
    /// The key that runs the command (passed to ``ChatApp/run(_:key:)`` as if pressed).
    var key: KeyEvent
}

extension Keymap {
    /// The palette's commands, in keymap order: each entry's first binding whose command
    /// ``ChatCommand/isNamed``, a command listed once (its first entry).
    static let paletteItems: [PaletteItem] = {
        var seen: Set<ChatCommand> = []
        var items: [PaletteItem] = []
        for entry in entries {
            guard let binding = entry.bindings.first(where: { $0.command.isNamed }),
                seen.insert(binding.command).inserted
            else { continue }
            items.append(PaletteItem(entry: entry, command: binding.command, key: binding.chord.event))
        }
        return items
    }()
}
