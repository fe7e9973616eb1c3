import ChatCore
import TerminalUI

/// Editing an earlier prompt in the composer (which must be empty): the prompt's text goes in,
/// Enter sends it as a new version of that prompt, Esc empties the composer again.
extension ChatApp {
    mutating func beginEdit(entry: Int, text: String) {
        guard !chat.isStreaming else {
            _ = send(.notify("A reply is still arriving: Esc stops it first.", error: true))
            return
        }
        // Editing starts from an empty composer (↑ opens the chooser only there; the palette can
        // open it with a draft), so no draft is set aside where a quit or a signal could lose it.
        guard ui.composer.isEmpty else {
            _ = send(
                .notify(
                    "Your draft stays in the composer: send it or clear it (Alt+C, undoable) to edit an earlier message.",
                    error: true))
            return
        }
        ui.editing = entry
        ui.focus = .composer
        ui.composer.text = text
        ui.composer.moveToEnd()
        composerChanged()
    }

    /// Sends the edited prompt as a new version; nil when no edit is under way.
    mutating func sendEdit() -> Output? {
        guard let entry = ui.editing else { return nil }
        let effects = send(.editPrompt(entry: entry, text: ui.composer.text))
        guard !effects.isEmpty else { return Output() } // refused (streaming, empty): the edit stays
        ui.editing = nil
        ui.composer.text = ""
        composerChanged()
        ui.scroll.scrollToBottom()
        return Output(chat: effects)
    }

    /// Leaves an edit, emptying the composer again; false when none was under way.
    mutating func cancelEdit() -> Bool {
        guard ui.editing != nil else { return false }
        ui.editing = nil
        ui.composer.text = ""
        composerChanged()
        return true
    }
}
