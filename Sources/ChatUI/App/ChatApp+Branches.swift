import ChatCore
import TerminalUI

/// Editing an earlier prompt in the composer: the prompt's text replaces the draft (kept aside),
/// Enter sends it as a new version of that prompt, Esc puts the draft back.
extension ChatApp {
    mutating func beginEdit(entry: Int, text: String) {
        guard !chat.isStreaming else {
            _ = send(.notify("A reply is still arriving: Esc stops it first.", error: true))
            return
        }
        let draft = ui.editing?.draft ?? ui.composer.text
        ui.editing = (entry, draft)
        ui.focus = .composer
        ui.composer.text = text
        ui.composer.moveToEnd()
        composerChanged()
    }

    /// Sends the edited prompt as a new version; nil when no edit is under way.
    mutating func sendEdit() -> Output? {
        guard let editing = ui.editing else { return nil }
        let effects = send(.editPrompt(entry: editing.entry, text: ui.composer.text))
        guard !effects.isEmpty else { return Output() } // refused (streaming, empty): the edit stays
        ui.editing = nil
        ui.composer.text = editing.draft
        ui.composer.moveToEnd()
        composerChanged()
        ui.scroll.scrollToBottom()
        return Output(chat: effects)
    }

    /// Leaves an edit, putting the draft back; false when none was under way.
    mutating func cancelEdit() -> Bool {
        guard let editing = ui.editing else { return false }
        ui.editing = nil
        ui.composer.text = editing.draft
        ui.composer.moveToEnd()
        composerChanged()
        return true
    }
}
