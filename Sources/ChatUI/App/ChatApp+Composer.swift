import ChatCore
import TerminalUI

/// The composer's own commands: undo and redo, clearing the draft, the Ctrl+X prefix, and
/// editing the draft in `$VISUAL` / `$EDITOR` (the loop runs the editor: ``UIEffect/editDraft``).
extension ChatApp {
    mutating func runComposerCommand(_ command: ChatCommand) -> Output {
        switch command {
        case .undo:
            guard ui.composer.undo() else { return notify("Nothing to undo in the composer.") }
            composerChanged()
        case .redo:
            guard ui.composer.redo() else { return notify("Nothing to redo in the composer.") }
            composerChanged()
        case .clearDraft:
            guard !ui.composer.isEmpty else { return Output() }
            ui.focus = .composer
            ui.composer.deleteAll()
            ui.recall = nil
            composerChanged()
            return notify("Draft cleared: Ctrl+Z brings it back.")
        case .prefixCtrlX:
            push(PrefixLayer())
        case .editInEditor:
            return editInEditor()
        default:
            break
        }
        return Output()
    }

    /// Saves the draft now (so that nothing is lost while the editor has the terminal, even on
    /// a signal), then asks the loop to run the editor on it.
    private mutating func editInEditor() -> Output {
        ui.focus = .composer
        setDraft(ui.composer.text)
        ui.draftDirty = true
        var output = Output(ui: [.editDraft])
        if let save = takeDraftSave() { output.chat.append(save) }
        return output
    }

    /// What the editor left: the saved text becomes the draft (one undo step); a failure leaves
    /// the draft as it was and says why.
    public mutating func editorFinished(_ outcome: ExternalEditor.Outcome) {
        switch outcome {
        case .edited(let text, let editor):
            if text == ui.composer.text {
                _ = notify("\(editor) changed nothing in the draft.")
            } else {
                ui.composer.replaceText(text)
                ui.recall = nil
                composerChanged()
                _ = notify("The draft is what \(editor) saved (Ctrl+Z undoes it).")
            }
        case .failed(let reason):
            _ = notify(reason, error: true, seconds: 10)
        }
        settle()
    }
}
